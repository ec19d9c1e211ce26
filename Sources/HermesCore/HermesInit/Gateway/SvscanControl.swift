extension GatewaySlot {
    /// Makes s6-svscan supervise new slots now, as `s6-svscanctl -a SCANDIR` does: one
    /// `a` written into `SCANDIR/.s6-svscan/control`, the FIFO s6-svscan reads its
    /// commands from (s6-overlay runs s6-svscan without periodic scans). Opened without
    /// blocking, so a scan directory that no s6-svscan reads is an error, not a hang.
    public static func register(scandir: Bytes) throws(Failure) {
        var control = scandir
        control.add("/.s6-svscan/control")
        var op = Bytes("register with s6-svscan: write ")
        op.add(control)
        let fd: Int32
        do throws(Errno) {
            fd = try Sys.withCPath(control) { p throws(Errno) in try Sys.open(p, .writeOnly | .nonBlocking) }
        } catch {
            if error == .noReader { throw Failure.unable(ExitCode.systemCall, op, Bytes("no s6-svscan is reading it")) }
            throw Failure.system(op, error)
        }
        defer { Sys.close(fd) }
        guard let st = Sys.status(fd) else { throw Failure.system(op, Errno.current) }
        if !st.isFIFO { throw Failure.unable(ExitCode.systemCall, op, Bytes("not a FIFO")) }
        let command: [UInt8] = [0x61]
        let n = command.withUnsafeBytes { Sys.write(fd, $0.baseAddress!, 1) }
        if n != 1 { throw Failure.system(op, Errno.current) }
    }
}
