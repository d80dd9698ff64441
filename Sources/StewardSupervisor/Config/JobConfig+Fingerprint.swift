import StewardJobs

extension JobConfig {
    /// A fingerprint of the whole entry (every setting, nested ones included): the
    /// `JobDefinition.revision` of the job's definition. A runtime change (`steward jobs
    /// enable|disable|reschedule`) is kept with it and dropped once the entry changes.
    /// 64-bit FNV-1a of the entry's canonical text, as 16 hex digits; stable across runs and
    /// machines (dictionaries and sets are written in sorted order, whatever their hashing seed).
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Self.canonicalText(self).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// `value` as text that depends only on its contents: fields by label, in declaration order;
    /// the elements of dictionaries and sets sorted.
    static func canonicalText(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        guard !mirror.children.isEmpty else { return String(reflecting: value) }
        var parts = mirror.children.map { child in (child.label.map { $0 + ":" } ?? "") + canonicalText(child.value) }
        if mirror.displayStyle == .dictionary || mirror.displayStyle == .set { parts.sort() }
        return "\(mirror.subjectType)(" + parts.joined(separator: ",") + ")"
    }
}
