import Testing
@testable import StewardProcesses

@Suite("LineSplitter: the one way output becomes lines")
struct LineSplitterTests {
    @Test("lines end at \\n (removed, \\r kept), across reads; the rest comes out at the end")
    func splits() {
        var splitter = LineSplitter(maximumLineBytes: 100)
        #expect(splitter.append(Array("one\r\ntw".utf8)) == [Array("one\r".utf8)])
        #expect(splitter.append(Array("o\n\nthr".utf8)) == [Array("two".utf8), []])
        #expect(splitter.finish() == Array("thr".utf8))
        #expect(splitter.finish() == nil)
    }

    @Test("a line longer than the limit is cut into pieces, whether it ends in this read or not; exactly the limit stays whole")
    func cutsLongLines() {
        var splitter = LineSplitter(maximumLineBytes: 4)
        #expect(splitter.append(Array("abcdefghij\n".utf8)) == [Array("abcd".utf8), Array("efgh".utf8), Array("ij".utf8)])
        #expect(splitter.append(Array("abcd".utf8)) == [])
        #expect(splitter.append(Array("\n".utf8)) == [Array("abcd".utf8)])
        #expect(splitter.append(Array("abcdef".utf8)) == [Array("abcd".utf8)])
        #expect(splitter.finish() == Array("ef".utf8))
    }
}
