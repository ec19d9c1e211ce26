import Foundation
import Testing

/// The image's file system for hermes-init, as a fixture built once by
/// Tests/fixture/make-image-root.sh: /etc/passwd and /etc/group, /opt/hermes with a real
/// venv (and a fake `hermes` in it), /opt/data, and /run/s6/container_environment. Each
/// run mounts it over the real paths inside a private mount namespace (enter.sh).
final class HermesFixture: @unchecked Sendable {
    static let shared: HermesFixture = {
        do { return try HermesFixture() } catch { fatalError("cannot build the hermes fixture: \(error)") }
    }()

    let root: TempDir

    init() throws {
        root = try TempDir()
        let made = try run(["/bin/sh", fixtureDir + "/make-image-root.sh", root.path, hermesInit])
        guard made.status == 0 else { throw FixtureError(message: "make-image-root.sh failed: \(made.err)") }
        TempDir.removeAtExit(root.path)
    }

    struct FixtureError: Error { var message: String }

    /// Runs `script` with sh in a private mount namespace holding the fixture, in
    /// /opt/hermes. `$HI` is hermes-init, `$PRIVDROP` privdrop, `$FIX` the fixture.
    /// `env` is the environment the script starts with (default: a scrubbed one).
    @discardableResult
    func sh(_ script: String, _ args: [String] = [], env: [String: String]? = nil, stdin: Data? = nil) throws -> Result {
        var environment = env ?? ["PATH": "/command:/usr/bin:/bin"]
        environment["FIX"] = root.path
        environment["HI"] = hermesInit
        environment["PRIVDROP"] = privdrop
        return try run(["/usr/bin/unshare", "--mount", "--propagation", "private", "--",
                        "/bin/sh", fixtureDir + "/enter.sh", root.path, "/bin/sh", "-c", script, "sh"] + args,
                       env: environment, stdin: stdin)
    }
}
