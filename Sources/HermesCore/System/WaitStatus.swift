import CHermes

/// A wait status, decoded once (the W* macros are C macros).
enum WaitStatus: Equatable {
    case exited(Int32)
    case signaled(Int32)
    case other(Int32)

    init(_ status: Int32) {
        if CHermes_WIFEXITED(status) != 0 {
            self = .exited(CHermes_WEXITSTATUS(status))
        } else if CHermes_WIFSIGNALED(status) != 0 {
            self = .signaled(CHermes_WTERMSIG(status))
        } else {
            self = .other(status)
        }
    }

    /// The shell's convention: the exit code, or 128+N for death by signal N.
    var exitCode: Int32 {
        switch self {
        case .exited(let c): return c
        case .signaled(let s): return (128 + s) & 0xFF
        case .other: return 128
        }
    }
}
