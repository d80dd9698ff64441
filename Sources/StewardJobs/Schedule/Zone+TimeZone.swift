#if canImport(FoundationEssentials)
import FoundationEssentials
import FoundationInternationalization
#else
import Foundation
#endif

extension Zone {
    /// The ``Zone`` for Foundation's `timeZone`: the zone of the same identifier from
    /// ``ZoneDatabase/system``, or, for a zone it does not know (`TimeZone(secondsFromGMT:)`), a
    /// fixed offset.
    ///
    /// The one bridge to Foundation's `TimeZone` (which needs ICU's data) for source
    /// compatibility; steward itself uses ``Zone`` throughout.
    public init(_ timeZone: TimeZone) {
        if let zone = try? Zone(identifier: timeZone.identifier) {
            self = zone
        } else {
            self.init(secondsFromUTC: timeZone.secondsFromGMT())
        }
    }
}
