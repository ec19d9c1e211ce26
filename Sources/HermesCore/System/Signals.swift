import CHermes

/// Signal numbers the supervisor names.
enum Signal {
    static let child = SIGCHLD
    static let terminate = SIGTERM
    static let kill = SIGKILL
}

/// A signal mask, and the synchronous ways to wait for signals.
struct SignalSet {
    var raw = sigset_t()

    /// The empty set.
    init() {}

    /// Every signal. Not `sigfillset`: musl's leaves out 32-34, and 34 is glibc's
    /// SIGRTMIN, which programs use. (glibc's sigprocmask still keeps 32 and 33, its
    /// own, unblockable; no program can use them.)
    static var all: SignalSet {
        var s = SignalSet()
        _ = withUnsafeMutableBytes(of: &s.raw) { $0.initializeMemory(as: UInt8.self, repeating: 0xFF) }
        return s
    }

    /// Blocks every signal and returns the mask there was. First thing in PID-1 mode:
    /// from here on signals wait in the queue, and none can kill us (synchronous faults
    /// in our own code are still fatal: the kernel forces them).
    static func blockAll() -> SignalSet {
        var all = SignalSet.all
        var old = SignalSet()
        sigprocmask(SIG_SETMASK, &all.raw, &old.raw)
        return old
    }

    /// Makes this the process's mask (it survives execve).
    func install() {
        var copy = raw
        sigprocmask(SIG_SETMASK, &copy, nil)
    }

    /// `sigwaitinfo`: the next pending signal of this set (blocked), or nil on EINTR.
    func wait() -> Int32? {
        var copy = raw
        let sig = sigwaitinfo(&copy, nil)
        return sig < 0 ? nil : sig
    }

    /// `sigtimedwait` for up to `nanoseconds`: the signal, or nil when the time ran out.
    func wait(nanoseconds: Int64) -> Int32? {
        var copy = raw
        var ts = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        let sig = sigtimedwait(&copy, nil, &ts)
        return sig > 0 ? sig : nil
    }
}
