@testable import StewardJobs
import Testing

@Suite("Command job progress lines")
struct CommandProgressTests {
    @Test("STEWARD_PROGRESS lines: a fraction or a percentage, then an optional message; other lines are not progress")
    func parsing() {
        #expect(OutputLineReader.progressReport("STEWARD_PROGRESS 0.25 copying files")! == ("copying files", 0.25))
        #expect(OutputLineReader.progressReport("STEWARD_PROGRESS 40%")! == (nil, 0.4))
        #expect(OutputLineReader.progressReport("STEWARD_PROGRESS 150% over")! == ("over", 1.5))  // the job layer clamps it
        #expect(OutputLineReader.progressReport("STEWARD_PROGRESS just a message")! == ("just a message", nil))
        #expect(OutputLineReader.progressReport("progress 0.5") == nil)
        #expect(OutputLineReader.progressReport(" STEWARD_PROGRESS 0.5") == nil)
    }
}
