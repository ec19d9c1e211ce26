/// Under a runtime's own init, `/init` cannot run, so hermes-init does, as root, the
/// boot steps it would have run before the CMD (docs/contract.md B1-B3).
enum BootSteps {
    static let stepsDir: StaticString = "/etc/cont-init.d"
    static let commandDir: StaticString = "/command"
    static let s6RunDir: StaticString = "/run/s6"

    /// Runs the steps (B1-B3); returns the container environment afterwards, to overlay.
    static func run(reader: inout FileReader) throws(Failure) -> [Environment.Change] {
        var env = Environment.current(recording: false)
        if Sys.isDirectory(commandDir.cString) {
            var path = Bytes(commandDir)
            if let old = env.get("PATH"), !old.isEmpty {
                path.append(0x3A)
                path.add(old)
            }
            env.set("PATH", path)
        }
        let dir = Bytes(HermesInit.containerEnvironment)
        if !Sys.isDirectory(HermesInit.containerEnvironment.cString) {
            if !Sys.isDirectory(s6RunDir.cString) { try makeDirectory(Bytes(s6RunDir), 0o755) }
            try dump(env, into: dir)
        }
        try runSteps(env)
        return try Envdir.load(dir, reader: &reader) ?? []
    }

    /// B1: writes `env` as s6-overlay 3.2.2.0+ does: `NAME` holds the value and a newline.
    /// Names that cannot be file names (empty, `.`-led, with `/`) are left out.
    static func dump(_ env: Environment, into dir: Bytes) throws(Failure) {
        try makeDirectory(dir, 0o755)
        for entry in env.entries {
            let n = Environment.nameLength(entry)
            guard n > 0, n < entry.count, entry[0] != 0x2E, !entry[..<n].contains(0x2F) else { continue }
            var path = dir
            path.append(0x2F)
            path.append(contentsOf: entry[..<n])
            var value = Bytes(entry[(n + 1)...])
            value.append(0x0A)
            try writeFile(path, value, mode: 0o644)
        }
    }

    /// B2: the files of `dir` (/etc/cont-init.d) in name order, each run to its end; none
    /// when it does not exist.
    static func runSteps(_ env: Environment, in dir: Bytes = Bytes(stepsDir)) throws(Failure) {
        let names: [Bytes]
        do {
            names = try Sys.withCPath(dir) { p throws(Errno) in try Sys.directoryEntries(at: p) }
                .filter { $0.first != 0x2E }.sorted { $0.lexicographicallyPrecedes($1) }
        } catch {
            if error == .noEntry { return }
            var op = Bytes("read ")
            op.add(dir)
            throw Failure.system(op, error)
        }
        let envp = env.render()
        for name in names {
            var path = dir
            path.append(0x2F)
            path.add(name)
            try run(step: path, envp: envp)
        }
    }

    /// Runs one step as a child (argv is its path alone) and waits for it. A step that
    /// cannot be executed is reported with the reason, as any exec failure is.
    static func run(step path: Bytes, envp: CStringArray) throws(Failure) {
        var op = Bytes("run boot step ")
        op.add(path)
        let argv = CStringArray([path])
        let exec = PreparedExec(argv: argv.pointer, envp: envp.pointer, path: nil)
        let started: Spawn.Started
        do throws(Errno) {
            started = try Spawn.start(failureExit: ExitCode.cannotExecute) {
                ChildReport(phase: 0, code: 0, errno: exec.attempt().errno)
            }
        } catch {
            throw Failure.system(op, error)
        }
        if let report = started.failure {
            let (code, reason) = Exec.diagnose(path, Errno(report.errno))
            throw Failure.unable(code, op, reason)
        }
        let status: WaitStatus
        do throws(Errno) { status = try Sys.wait(started.pid) } catch { throw Failure.system(op, error) }
        let code = status.exitCode
        if code != 0 {
            var reason = Bytes("it exited with ")
            reason.add(decimal: UInt64(code))
            throw Failure.unable(code, op, reason)
        }
        withExtendedLifetime(argv) {}
    }

    /// Runs one system call on `path`; its failure reads `unable to <what><path>: <errno>`.
    static func call(_ what: StaticString, _ path: Bytes,
                     _ body: (UnsafePointer<CChar>) throws(Errno) -> Void) throws(Failure) {
        do throws(Errno) { try Sys.withCPath(path, body) } catch { throw fail(what, path, error) }
    }

    static func fail(_ what: StaticString, _ path: Bytes, _ error: Errno) -> Failure {
        var op = Bytes(what)
        op.add(path)
        return Failure.system(op, error)
    }

    /// A directory of exactly `mode` (mkdir's passes through the umask).
    static func makeDirectory(_ path: Bytes, _ mode: UInt32) throws(Failure) {
        try call("create directory ", path) { p throws(Errno) in try Sys.mkdir(p, mode) }
        try call("chmod ", path) { p throws(Errno) in try Sys.chmod(p, mode) }
    }

    /// Creates `path` (it must not exist) with `contents` and exactly `mode`.
    static func writeFile(_ path: Bytes, _ contents: Bytes, mode: UInt32) throws(Failure) {
        var fd: Int32 = -1
        try call("create ", path) { p throws(Errno) in fd = try Sys.create(p, mode: mode) }
        defer { Sys.close(fd) }
        var off = 0
        while off < contents.count {
            let n = contents.withUnsafeBytes { Sys.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 { throw fail("write ", path, Errno.current) }
            off += n
        }
        do throws(Errno) { try Sys.chmod(fd, mode) } catch { throw fail("chmod ", path, error) }
    }
}
