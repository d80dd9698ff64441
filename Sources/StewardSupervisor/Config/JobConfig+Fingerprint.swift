import StewardJobs

extension JobConfig {
    /// A fingerprint of the whole entry (every setting, `env` in key order): the
    /// ``JobDefinition/revision`` of the job's definition. A runtime change (`steward jobs
    /// enable|disable|reschedule`) is kept with it and dropped once the entry changes.
    /// 64-bit FNV-1a of the entry's text, as 16 hex digits; stable across runs and machines.
    public var fingerprint: String {
        var entry = self
        let environment = entry.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        entry.environment = [:]
        let text = String(describing: entry) + "\u{0}" + environment.joined(separator: "\u{0}")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
