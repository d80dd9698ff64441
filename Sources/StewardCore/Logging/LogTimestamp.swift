#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A `Date` broken down into UTC calendar fields with millisecond precision, computed with integer
/// arithmetic (no `DateFormatter`, no time-zone database, no allocation).
///
/// The date is first rounded to the nearest microsecond (so that `Date`'s binary floating-point
/// representation of e.g. `…36.123` does not come out as `.122`), then truncated to milliseconds.
/// Dates outside years 0000...9999 are clamped to that range; non-finite dates become the epoch.
struct LogTimestamp: Equatable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    var millisecond: Int

    /// 0000-01-01T00:00:00.000Z in milliseconds since the Unix epoch.
    private static let minimumMilliseconds: Int64 = -62_167_219_200_000
    /// 9999-12-31T23:59:59.999Z in milliseconds since the Unix epoch.
    private static let maximumMilliseconds: Int64 = 253_402_300_799_999

    init(_ date: Date) {
        self.init(secondsSince1970: date.timeIntervalSince1970)
    }

    init(secondsSince1970 seconds: Double) {
        var milliseconds: Int64 = 0
        if seconds.isFinite {
            let microseconds = (seconds * 1_000_000).rounded(.toNearestOrEven)
            if microseconds <= Double(Self.minimumMilliseconds) * 1000 {
                milliseconds = Self.minimumMilliseconds
            } else if microseconds >= Double(Self.maximumMilliseconds) * 1000 {
                milliseconds = Self.maximumMilliseconds
            } else {
                milliseconds = Self.floorDivide(Int64(microseconds), 1000)
            }
        }
        let wholeSeconds = Self.floorDivide(milliseconds, 1000)
        millisecond = Int(milliseconds - wholeSeconds * 1000)
        let days = Self.floorDivide(wholeSeconds, 86_400)
        let secondOfDay = Int(wholeSeconds - days * 86_400)
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        second = secondOfDay % 60
        (year, month, day) = Self.civilDate(daysSince1970: days)
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS.mmmZ` (RFC 3339, UTC).
    func appendRFC3339(to buffer: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
            Self.write(year, digits: 4, at: 0, in: text)
            text[4] = UInt8(ascii: "-")
            Self.write(month, digits: 2, at: 5, in: text)
            text[7] = UInt8(ascii: "-")
            Self.write(day, digits: 2, at: 8, in: text)
            text[10] = UInt8(ascii: "T")
            writeTimeOfDay(at: 11, in: text)
            text[23] = UInt8(ascii: "Z")
            buffer.append(contentsOf: UnsafeBufferPointer(text))
        }
    }

    /// Appends `HH:MM:SS.mmm` (UTC).
    func appendTimeOfDay(to buffer: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 12) { text in
            writeTimeOfDay(at: 0, in: text)
            buffer.append(contentsOf: UnsafeBufferPointer(text))
        }
    }

    /// Writes the 12 bytes `HH:MM:SS.mmm` starting at `offset`.
    private func writeTimeOfDay(at offset: Int, in text: UnsafeMutableBufferPointer<UInt8>) {
        Self.write(hour, digits: 2, at: offset, in: text)
        text[offset + 2] = UInt8(ascii: ":")
        Self.write(minute, digits: 2, at: offset + 3, in: text)
        text[offset + 5] = UInt8(ascii: ":")
        Self.write(second, digits: 2, at: offset + 6, in: text)
        text[offset + 8] = UInt8(ascii: ".")
        Self.write(millisecond, digits: 3, at: offset + 9, in: text)
    }

    /// Writes the low `digits` decimal digits of a non-negative `value`, zero-padded, at `offset`.
    @inline(__always)
    private static func write(_ value: Int, digits: Int, at offset: Int, in text: UnsafeMutableBufferPointer<UInt8>) {
        var remaining = value
        var position = offset + digits - 1
        while position >= offset {
            text[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: remaining % 10)
            remaining /= 10
            position -= 1
        }
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor < 0) ? quotient - 1 : quotient
    }

    /// Proleptic Gregorian calendar date of a day number (days since 1970-01-01), after
    /// Howard Hinnant's `civil_from_days`.
    private static func civilDate(daysSince1970 days: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
