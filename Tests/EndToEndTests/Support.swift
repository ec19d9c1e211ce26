import Foundation
import Testing

/// Helpers for end-to-end tests: they run the real binaries, as separate processes,
/// inside their own mount namespace when a test gives them fixture files.

let isRoot = getuid() == 0

/// Every end-to-end suite is nested here and runs one test at a time: they start real
/// processes, namespaces and supervisors, and some measure time.
@Suite(.serialized) struct EndToEnd {}

/// Where the binaries under test are: HERMES_BIN_DIR (the shipped build), else the
/// SwiftPM build folder next to the test bundle.
let binDir: String = {
    if let dir = ProcessInfo.processInfo.environment["HERMES_BIN_DIR"], !dir.isEmpty {
        return URL(fileURLWithPath: dir).standardizedFileURL.path
    }
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("privdrop").path) {
            return url.path
        }
    }
    fatalError("cannot find the privdrop binary next to \(CommandLine.arguments[0]); set HERMES_BIN_DIR")
}()

let privdrop = binDir + "/privdrop"
let hermesInit = binDir + "/hermes-init"

/// The binaries under test are for another architecture (ARCH=aarch64 scripts/
/// build-embedded.sh) and run through qemu-user (binfmt_misc). A few kernel facilities
/// do not reach a program through qemu-user 7.2: setuid bits (binfmt without the C flag),
/// PR_SET_CHILD_SUBREAPER (EINVAL), and death by a real-time signal (qemu remaps their
/// numbers); the tests that need them say so and are left out there.
let binariesEmulated: Bool = {
    guard let header = FileManager.default.contents(atPath: privdrop), header.count > 20 else { return false }
    let machine = UInt16(header[18]) | UInt16(header[19]) << 8  // e_machine, little-endian
    #if arch(x86_64)
    return machine != 62  // EM_X86_64
    #elseif arch(arm64)
    return machine != 183  // EM_AARCH64
    #else
    return false
    #endif
}()

struct Result {
    var status: Int32
    var signaled: Bool
    var stdout: Data
    var stderr: Data
    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }
    var lines: [String] { out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }
}

/// Runs argv[0] with argv, an optional environment (nil = inherit) and stdin bytes.
@discardableResult
func run(_ argv: [String], env: [String: String]? = nil, stdin: Data? = nil, cwd: String? = nil) throws -> Result {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: argv[0])
    p.arguments = Array(argv.dropFirst())
    if let env { p.environment = env }
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let out = Pipe(), err = Pipe(), inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = inp
    try p.run()
    if let stdin { inp.fileHandleForWriting.write(stdin) }
    try inp.fileHandleForWriting.close()
    // Read both pipes concurrently so a chatty child cannot block on a full pipe.
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    let errHandle = err.fileHandleForReading
    DispatchQueue.global().async {
        errBox.data = errHandle.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let errData = errBox.data
    p.waitUntilExit()
    return Result(status: p.terminationStatus, signaled: p.terminationReason == .uncaughtSignal,
                  stdout: outData, stderr: errData)
}

/// Runs a shell script with sh.
@discardableResult
func sh(_ script: String, _ args: [String] = [], env: [String: String]? = nil, stdin: Data? = nil) throws -> Result {
    try run(["/bin/sh", "-c", script, "sh"] + args, env: env, stdin: stdin)
}

/// A temporary directory that removes itself.
final class TempDir {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("hermes-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, 0o755)
    }
    func write(_ name: String, _ text: String, mode: Int = 0o644) throws {
        try write(name, Data(text.utf8), mode: mode)
    }
    func write(_ name: String, _ data: Data, mode: Int = 0o644) throws {
        let file = path + "/" + name
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: file))
        chmod(file, mode_t(mode))
    }
    func mkdir(_ name: String, mode: Int = 0o755) throws {
        try FileManager.default.createDirectory(atPath: path + "/" + name, withIntermediateDirectories: true)
        chmod(path + "/" + name, mode_t(mode))
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// For fixtures that live as long as the test process: removed when it exits.
    static func removeAtExit(_ path: String) {
        leftovers.append(path)
        if leftovers.count == 1 {
            atexit {
                for p in TempDir.leftovers { try? FileManager.default.removeItem(atPath: p) }
            }
        }
    }
    nonisolated(unsafe) static var leftovers: [String] = []
}

/// Tests/fixture: account files and the scripts that build and enter the image fixture,
/// shared with scripts/compare-inits.sh and the benchmarks.
let fixtureDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("fixture").path

/// The account files every privdrop and hermes-init test uses.
let fixturePasswd = try! String(contentsOfFile: fixtureDir + "/passwd", encoding: .utf8)
let fixtureGroup = try! String(contentsOfFile: fixtureDir + "/group", encoding: .utf8)

/// A fixture /etc (passwd, group) in a temp dir, and the shell prelude that bind-mounts
/// it over the real files inside a private mount namespace.
final class FixtureRoot {
    let dir: TempDir
    init(passwd: String = fixturePasswd, group: String = fixtureGroup) throws {
        dir = try TempDir()
        try dir.write("etc/passwd", passwd)
        try dir.write("etc/group", group)
    }
    var etc: String { dir.path + "/etc" }

    /// Runs `script` with sh inside a new mount namespace where /etc/passwd and
    /// /etc/group are the fixture's. `$PRIVDROP` and `$HERMES_INIT` name the binaries.
    @discardableResult
    func sh(_ script: String, _ args: [String] = [], env: [String: String]? = nil, stdin: Data? = nil) throws -> Result {
        let prelude = """
        mount --bind "$FIX/passwd" /etc/passwd || exit 90
        mount --bind "$FIX/group" /etc/group || exit 90
        """
        var environment = env ?? ProcessInfo.processInfo.environment
        environment["FIX"] = etc
        environment["PRIVDROP"] = privdrop
        environment["HERMES_INIT"] = hermesInit
        return try run(["/usr/bin/unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                        prelude + "\n" + script, "sh"] + args, env: environment, stdin: stdin)
    }
}

/// Parses the Uid/Gid/Groups/... lines of /proc/PID/status output.
func statusFields(_ text: String) -> [String: String] {
    var fields = [String: String]()
    for line in text.split(separator: "\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        let key = String(line[..<colon])
        let value = line[line.index(after: colon)...].split(whereSeparator: { $0 == "\t" || $0 == " " }).joined(separator: " ")
        fields[key] = value
    }
    return fields
}

/// A shell snippet for the exec'd program: prints its pid and its credentials.
let probe = #"echo "pid: $$"; grep -E '^(Uid|Gid|Groups|NoNewPrivs|CapEff|CapPrm):' /proc/$$/status"#

/// The real s6-overlay releases the image is proven against (../shared/s6-overlay, or
/// S6_OVERLAY_DIST), each installed once per test process into a temp root by
/// scripts/s6-overlay.sh, as the published Dockerfile installs them.
let s6OverlayVersions = ["3.2.3.0", "3.2.3.2"]

func s6OverlayRoot(_ version: String) throws -> String {
    S6OverlayRoots.lock.lock()
    defer { S6OverlayRoots.lock.unlock() }
    if let root = S6OverlayRoots.made[version] { return root }
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("hermes-s6-\(version)-\(UUID().uuidString)").path
    let r = try run(["/bin/sh", repoDir + "/scripts/s6-overlay.sh", version, root])
    guard r.status == 0 else { throw HermesFixture.FixtureError(message: "s6-overlay.sh \(version): \(r.err)") }
    TempDir.removeAtExit(root)
    S6OverlayRoots.made[version] = root
    return root
}

enum S6OverlayRoots {
    static let lock = NSLock()
    nonisolated(unsafe) static var made: [String: String] = [:]
}
