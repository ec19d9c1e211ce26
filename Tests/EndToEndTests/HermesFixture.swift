import Foundation
import Testing

/// The image's file system for hermes-init, as a fixture: /etc/passwd and /etc/group,
/// /opt/hermes with a real venv made by `python3 -m venv` (and a fake `hermes` in it),
/// /opt/data, and /run/s6/container_environment. Built once; each run mounts it over
/// the real paths inside a private mount namespace.
final class HermesFixture: @unchecked Sendable {
    static let shared: HermesFixture = {
        do { return try HermesFixture() } catch { fatalError("cannot build the hermes fixture: \(error)") }
    }()

    let root: TempDir

    /// The container environment /init would have written.
    static let containerEnvironment: [String: String] = [
        "PATH": "/opt/hermes/bin:/opt/hermes/.venv/bin:/opt/data/.local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HERMES_HOME": "/opt/data",
        "HOME": "/root",
        "HOSTNAME": "c0ffee",
        "FOO": "bar",
        "PYTHONHOME": "/should/vanish",
        "AGENT_BROWSER_EXECUTABLE_PATH": "/usr/bin/chromium",
        "EMPTY": "",
    ]

    static let fakeHermes = """
    #!/bin/sh
    printf 'hermes'
    for a; do printf ' [%s]' "$a"; done
    echo
    exit "${FAKE_HERMES_EXIT:-0}"

    """

    init() throws {
        root = try TempDir()
        try root.write("etc/passwd", fixturePasswd)
        try root.write("etc/group", fixtureGroup)
        try root.mkdir("opt/hermes/bin")
        try root.mkdir("opt/hermes/docker")
        try root.mkdir("opt/data")
        chown(root.path + "/opt/data", 10000, 10000)
        try root.mkdir("run/s6/container_environment")
        for (k, v) in HermesFixture.containerEnvironment {
            try root.write("run/s6/container_environment/\(k)", v)
        }
        // The venv is made at its real path, /opt/hermes/.venv, inside a namespace.
        let made = try run(["/usr/bin/unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                            #"mount --bind "$1/opt" /opt && python3 -m venv --without-pip /opt/hermes/.venv"#,
                            "sh", root.path])
        guard made.status == 0 else { throw FixtureError(message: "python3 -m venv failed: \(made.err)") }
        try root.write("opt/hermes/.venv/bin/hermes", HermesFixture.fakeHermes, mode: 0o755)
        // Programs that share a name with hermes subcommands.
        try root.write("opt/hermes/.venv/bin/mcp", "#!/bin/sh\necho the-mcp-program\n", mode: 0o755)
        try root.write("opt/hermes/.venv/bin/login", "#!/bin/sh\necho the-login-program\n", mode: 0o755)
        symlink(hermesInit, root.path + "/opt/hermes/docker/main-wrapper.sh")
    }

    struct FixtureError: Error { var message: String }

    /// Runs `script` with sh in a private mount namespace holding the fixture. `$HI` is
    /// hermes-init. `scrubbed` is the environment the script starts with.
    @discardableResult
    func sh(_ script: String, _ args: [String] = [], env: [String: String]? = nil, stdin: Data? = nil) throws -> Result {
        let prelude = """
        set -e
        mount --bind "$FIX/etc/passwd" /etc/passwd
        mount --bind "$FIX/etc/group" /etc/group
        # /opt becomes the fixture's; whatever else the host keeps in /opt (the Swift
        # toolchain a debug build links against) is mounted back in.
        mkdir -p "$FIX/hostopt"
        mount --bind /opt "$FIX/hostopt"
        mount --bind "$FIX/opt" /opt
        for d in "$FIX"/hostopt/*; do
          n=${d##*/}
          case $n in hermes|data) continue ;; esac
          [ -d "$d" ] || continue
          mkdir -p "/opt/$n" && mount --bind "$d" "/opt/$n"
        done
        mount --bind "$FIX/run" /run
        cd /opt/hermes
        set +e
        """
        var environment = env ?? ["PATH": "/command:/usr/bin:/bin"]
        environment["FIX"] = root.path
        environment["HI"] = hermesInit
        environment["PRIVDROP"] = privdrop
        return try run(["/usr/bin/unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                        prelude + "\n" + script, "sh"] + args, env: environment, stdin: stdin)
    }
}
