import CHermes

/// What a child tells its parent, through the status pipe, when it cannot go on to its
/// exec: which phase failed, a detail (the step or the candidate), and the errno.
struct ChildReport {
    var phase: Int32
    var code: Int32
    var errno: Int32
}

/// The one way a process is started: a close-on-exec status pipe, fork, a child that
/// makes system calls only until its exec, and a report when it could not exec. Used by
/// the supervisor (the program) and the boot steps (each cont-init script).
enum Spawn {
    struct Started {
        var pid: Int32
        /// Why the child could not exec, or nil when it did (the pipe closed on exec).
        /// A child that reported has been reaped.
        var failure: ChildReport?
    }

    /// Forks. The child closes the pipe's read end and runs `child`, which makes system
    /// calls only (no allocation: the parent's heap may be mid-change in another thread
    /// of a test process) and returns only when it cannot exec; its report is written to
    /// the pipe and the child exits with `failureExit`. The parent runs `parent(pid)`
    /// first, then waits for the report or the end of the pipe.
    static func start(failureExit: Int32, parent: (Int32) -> Void = { _ in },
                             child: () -> ChildReport) throws(Errno) -> Started {
        let (readEnd, writeEnd) = try Sys.pipe()
        let pid = fork()
        if pid < 0 {
            let e = Errno.current
            Sys.close(readEnd)
            Sys.close(writeEnd)
            throw e
        }
        if pid == 0 {
            Sys.close(readEnd)
            var report = child()
            _ = withUnsafeBytes(of: &report) { Sys.write(writeEnd, $0.baseAddress, $0.count) }
            Sys.exit(failureExit)
        }
        parent(pid)
        Sys.close(writeEnd)
        let report = readReport(readEnd)
        Sys.close(readEnd)
        if report != nil { _ = try? Sys.wait(pid) }
        return Started(pid: pid, failure: report)
    }

    static func readReport(_ fd: Int32) -> ChildReport? {
        var r = ChildReport(phase: 0, code: 0, errno: 0)
        let size = MemoryLayout<ChildReport>.size
        var got = 0
        withUnsafeMutableBytes(of: &r) { buf in
            while got < size {
                let n = Sys.read(fd, buf.baseAddress! + got, size - got)
                if n <= 0 { break }
                got += n
            }
        }
        return got == size ? r : nil
    }
}
