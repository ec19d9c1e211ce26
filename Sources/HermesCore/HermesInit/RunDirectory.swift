/// M3: what s6-overlay's `/init` needs of `/run` (its first stage copies its init into
/// `/run/s6/basedir` and execs it from there), checked before hermes-init execs it.
/// Unchecked, a read-only root ends in s6's failure to create `/run/s6` and a noexec
/// tmpfs (Docker's `--tmpfs /run` default) in 126 and a restart loop.
enum RunDirectory {
    /// CAP_SYS_ADMIN's bit in the capability sets.
    static let sysAdmin: UInt64 = 1 << 21

    /// Why `/init` cannot boot on a `/run` with these flags, or nil. Pure.
    static func problem(_ flags: Sys.MountFlags?, s6FixesIt: Bool) -> Failure? {
        guard let flags, !s6FixesIt else { return nil }
        let fix = Bytes("mount a tmpfs there with exec (docker run --tmpfs /run:exec; Compose: tmpfs: [\"/run:exec\"]; Kubernetes: an emptyDir volume at /run)")
        var reason: Bytes
        if flags.readOnly {
            reason = Bytes("/run is on a read-only file system and s6-overlay writes its state there: ")
        } else if flags.noExec {
            reason = Bytes("/run is mounted noexec and s6-overlay runs its init from there: ")
        } else {
            return nil
        }
        reason.add(fix)
        return Failure.unable(ExitCode.setup, Bytes("boot s6-overlay"), reason)
    }

    /// `S6_READ_ONLY_ROOT` as s6-overlay's preinit reads it: `test "0$V" -ne 0` in dash
    /// (`/bin/sh`), whose number is strtoimax's: digits, then only white space (C's
    /// isspace), within Int64; anything else makes `test` fail, so the root counts as
    /// not read-only. Requested when that number is not zero.
    static func readOnlyRootRequested(_ value: Bytes?) -> Bool {
        guard let value else { return false }
        var n: UInt64 = 0, i = 0, nonzero = false
        while i < value.count, value[i] >= 0x30, value[i] <= 0x39 {
            let d = UInt64(value[i] - 0x30)
            if n > (UInt64(Int64.max) - d) / 10 { return false }  // strtoimax: ERANGE, test fails
            n = n * 10 + d
            if n != 0 { nonzero = true }
            i += 1
        }
        while i < value.count, value[i] == 0x20 || (value[i] >= 0x09 && value[i] <= 0x0D) { i += 1 }
        return i == value.count && nonzero
    }

    /// The check on the real system; throws the failure.
    static func check() throws(Failure) {
        guard let flags = Sys.mountFlags("/run"), flags.readOnly || flags.noExec else { return }
        let s6FixesIt = readOnlyRootRequested(Sys.getenv("S6_READ_ONLY_ROOT"))
            && (Sys.effectiveCapabilities() ?? 0) & sysAdmin != 0
        if let failure = problem(flags, s6FixesIt: s6FixesIt) { throw failure }
    }
}
