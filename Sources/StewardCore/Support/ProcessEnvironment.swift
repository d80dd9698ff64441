#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Access to this process's environment without scattering `ProcessInfo` through the code.
enum ProcessEnvironment {
    /// The environment variables of this process.
    static var current: [String: String] { ProcessInfo.processInfo.environment }
}
