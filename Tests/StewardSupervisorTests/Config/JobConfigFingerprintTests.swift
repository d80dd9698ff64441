import StewardSupervisor
import Testing

@Suite("A job config entry's fingerprint")
struct JobConfigFingerprintTests {
    @Test("equal entries have equal fingerprints whatever the order of env; any change changes it")
    func fingerprint() {
        let environment = (0..<20).map { ("KEY\($0)", "value \($0)") }
        let one = JobConfig(name: "tick", command: ["true"], every: "1h", environment: Dictionary(uniqueKeysWithValues: environment))
        let two = JobConfig(name: "tick", command: ["true"], every: "1h", environment: Dictionary(uniqueKeysWithValues: environment.reversed()))
        #expect(one.fingerprint == two.fingerprint)
        #expect(one.fingerprint.count == 16)
        var changed = one
        changed.every = "2h"
        #expect(changed.fingerprint != one.fingerprint)
        changed = one
        changed.environment["KEY3"] = "other"
        #expect(changed.fingerprint != one.fingerprint)
        changed = one
        changed.timeout = .seconds(5)
        #expect(changed.fingerprint != one.fingerprint)
        changed = one
        changed.enabled = false
        #expect(changed.fingerprint != one.fingerprint)
    }
}
