#if canImport(Glibc)
import Glibc
#endif

/// Bytes waiting to be written to a non-blocking socket, with a read index so partial writes cost
/// no copying until the consumed prefix is large.
struct OutboundBuffer {
    /// What a write attempt achieved.
    enum WriteOutcome: Equatable {
        /// Everything was written; `wrote` bytes this time.
        case drained(wrote: Int)
        /// The socket is full (EAGAIN) with bytes left; `wrote` bytes this time.
        case blocked(wrote: Int)
        /// The write failed with this errno (EPIPE, ECONNRESET, …).
        case failed(Int32)
    }

    private var bytes: [UInt8] = []
    private var readIndex = 0

    /// Bytes not yet written.
    var pendingCount: Int { bytes.count - readIndex }
    /// Whether nothing is waiting.
    var isEmpty: Bool { readIndex == bytes.count }

    mutating func append(_ more: [UInt8]) { bytes.append(contentsOf: more) }
    mutating func append(_ more: ArraySlice<UInt8>) { bytes.append(contentsOf: more) }
    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// Drops everything and releases the storage.
    mutating func clear() {
        bytes = []
        readIndex = 0
    }

    /// Writes as much as the socket takes without blocking. Never raises SIGPIPE.
    mutating func write(to descriptor: Int32) -> WriteOutcome {
        var wrote = 0
        while readIndex < bytes.count {
            let result = bytes.withUnsafeBytes { raw in
                send(descriptor, raw.baseAddress! + readIndex, raw.count - readIndex, Int32(MSG_NOSIGNAL))
            }
            if result >= 0 {
                readIndex += result
                wrote += result
                continue
            }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                compact()
                return .blocked(wrote: wrote)
            }
            return .failed(code)
        }
        // Keep small storage for the next response; give large storage back.
        if bytes.capacity > 64 * 1024 { bytes = [] } else { bytes.removeAll(keepingCapacity: true) }
        readIndex = 0
        return .drained(wrote: wrote)
    }

    private mutating func compact() {
        guard readIndex >= 4096, readIndex * 2 >= bytes.count else { return }
        bytes.removeFirst(readIndex)
        readIndex = 0
    }
}
