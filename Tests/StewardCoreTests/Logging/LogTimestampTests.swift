import Foundation
import Testing
@testable import StewardCore

@Suite("Log timestamps")
struct LogTimestampTests {
    private func rfc3339(_ seconds: Double) -> String {
        var bytes: [UInt8] = []
        LogTimestamp(secondsSince1970: seconds).appendRFC3339(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"),
        (-0.001, "1969-12-31T23:59:59.999Z"),
        (-86_400.5, "1969-12-30T23:59:59.500Z"),
        (951_782_400.0, "2000-02-29T00:00:00.000Z"),
        (1_709_251_199.999, "2024-02-29T23:59:59.999Z"),
        (1_795_353_936.123, "2026-11-22T13:25:36.123Z"),
        (4_107_542_399.0, "2100-02-28T23:59:59.000Z"),
        (-62_167_219_200.0, "0000-01-01T00:00:00.000Z"),
        (1e300, "9999-12-31T23:59:59.999Z"),
        (-1e300, "0000-01-01T00:00:00.000Z"),
        (Double.nan, "1970-01-01T00:00:00.000Z"),
        (Double.infinity, "1970-01-01T00:00:00.000Z"),
    ])
    func knownTimes(seconds: Double, expected: String) {
        #expect(rfc3339(seconds) == expected)
    }

    @Test func millisecondsSurviveDateRoundTrip() {
        for millis in 0..<1000 {
            let date = Date(timeIntervalSince1970: 1_795_353_936 + Double(millis) / 1000)
            var bytes: [UInt8] = []
            LogTimestamp(date).appendTimeOfDay(to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == "13:25:36." + String(format: "%03d", millis))
        }
    }

    @Test func agreesWithGmtime() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let seconds = Int.random(in: -30_000_000_000...250_000_000_000, using: &generator)
            var time = time_t(seconds)
            var fields = tm()
            gmtime_r(&time, &fields)
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.000Z",
                Int(fields.tm_year) + 1900, Int(fields.tm_mon) + 1, Int(fields.tm_mday),
                Int(fields.tm_hour), Int(fields.tm_min), Int(fields.tm_sec)
            )
            #expect(rfc3339(Double(seconds)) == expected)
        }
    }
}
