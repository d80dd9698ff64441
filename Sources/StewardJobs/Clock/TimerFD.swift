import CStewardSystem
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The two `timerfd` calls, through CStewardSystem (the Glibc module Swift imports does not
/// include `<sys/timerfd.h>`). Called directly rather than looked up with `dlsym`: a fully static
/// binary has no dynamic symbol table, and a lookup there found nothing, so no wall timer.
enum TimerFD {
    /// `TFD_TIMER_ABSTIME` (Linux ABI).
    static let absoluteTime: Int32 = 1
    /// `TFD_TIMER_CANCEL_ON_SET` (Linux ABI): a read fails with `ECANCELED` once the clock is set.
    static let cancelOnSet: Int32 = 2

    /// A non-blocking, close-on-exec `CLOCK_REALTIME` timer, disarmed; `nil` if unavailable.
    static func create() -> Int32? {
        let fd = steward_timerfd_create(CLOCK_REALTIME, O_NONBLOCK | O_CLOEXEC)
        return fd >= 0 ? fd : nil
    }

    /// Arms `fd` for the absolute instant `deadline` with cancel-on-set, or disarms it (`nil`).
    static func arm(_ fd: Int32, at deadline: Date?) {
        var spec = itimerspec(it_interval: timespec(tv_sec: 0, tv_nsec: 0),
                              it_value: deadline.map(timespec.init) ?? timespec(tv_sec: 0, tv_nsec: 0))
        _ = steward_timerfd_settime(fd, absoluteTime | cancelOnSet, &spec, nil)
    }
}

extension timespec {
    /// The absolute `CLOCK_REALTIME` time of `date`, never zero (a zero `it_value` disarms a timer).
    init(_ date: Date) {
        let seconds = date.timeIntervalSince1970
        var whole = seconds.rounded(.down)
        var nanoseconds = ((seconds - whole) * 1e9).rounded()
        if nanoseconds >= 1e9 {
            whole += 1
            nanoseconds -= 1e9
        }
        self.init(tv_sec: Int(max(0, min(whole, 1e15))), tv_nsec: Int(nanoseconds))
        if tv_sec == 0 && tv_nsec == 0 { tv_nsec = 1 }
    }
}
