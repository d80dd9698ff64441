#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Schedule {
    /// Up to `limit` consecutive fires strictly after `instant`, earliest first (fewer when the
    /// schedule ends).
    public func fires(after instant: Date, limit: Int) -> [Date] {
        var fires: [Date] = []
        var last = instant
        while fires.count < limit, let next = nextFire(after: last) {
            fires.append(next)
            last = next
        }
        return fires
    }

    /// The fires in `(start, end]`, earliest first, at most `limit` of them (for catching up
    /// after downtime).
    public func fires(after start: Date, through end: Date, limit: Int) -> [Date] {
        var fires: [Date] = []
        var last = start
        while fires.count < limit, let next = nextFire(after: last), next <= end {
            fires.append(next)
            last = next
        }
        return fires
    }
}
