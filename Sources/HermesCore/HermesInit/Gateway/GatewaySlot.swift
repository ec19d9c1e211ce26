/// The s6 service directory of one per-profile gateway, `/run/service/gateway-<profile>`,
/// as the Python service manager used to format it, with privdrop in place of
/// with-contenv and s6-setuidgid. `files` is pure; `install` writes it.
public enum GatewaySlot {
    public static let privdrop: StaticString = "/opt/hermes/bin/privdrop"
    public static let envdir: StaticString = "/run/s6/container_environment"

    /// `^[a-z0-9][a-z0-9_-]*$`, at most 251 bytes (so `.gateway-<name>.tmp` fits in 255).
    public static func isValidProfile(_ name: Bytes) -> Bool {
        guard let first = name.first, name.count <= 251 else { return false }
        func lowerOrDigit(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
        guard lowerOrDigit(first) else { return false }
        return name.allSatisfy { lowerOrDigit($0) || $0 == 0x5F || $0 == 0x2D }
    }

    public struct File {
        public var path: StaticString
        public var contents: Bytes
        public var mode: UInt32
    }

    /// The hermes command line for a profile: no `-p` for `default`. Valid profile names
    /// need no quoting (Python's shlex.quote leaves them as they are).
    static func command(_ profile: Bytes) -> Bytes {
        var c = Bytes("hermes ")
        if !profile.equals("default") {
            c.add("-p ")
            c.add(profile)
            c.add(" ")
        }
        c.add("gateway run --replace")
        return c
    }

    /// The line that has privdrop load the container environment (as with-contenv did)
    /// and run the script again with it; the second run skips it.
    static var reloadLine: Bytes {
        var l = Bytes(#"[ "${1-}" = --with-container-environment ] || exec "#)
        l.add(privdrop)
        l.add(" --envdir ")
        l.add(envdir)
        l.add(#" "" "$0" --with-container-environment"#)
        l.append(0x0A)
        return l
    }

    /// type, run, finish, log/run and, when `down`, the down marker: byte for byte what
    /// hermes_cli's S6ServiceManager renders with docker/hermes-agent's patch applied
    /// (Tests/hermes-agent compares the two).
    public static func files(profile: Bytes, down: Bool) -> [File] {
        let head = Bytes("#!/bin/sh\n# shellcheck shell=sh\n")
        var run = head + reloadLine
        run.add("""
        set -e
        export HOME=/opt/data
        cd /opt/data
        . /opt/hermes/.venv/bin/activate
        export HERMES_S6_SUPERVISED_CHILD=1
        exec 
        """)
        run.add(privdrop)
        // The groups the runtime gave (--group-add, supplementalGroups) stay with the
        // gateway, as with the program: a docker.sock or device group is its to use.
        run.add(" --keep-runtime-groups hermes ")
        run.add(command(profile))
        run.append(0x0A)

        let finish = head + Bytes("""
        # $1 = exit code from the run script.
        # Exit 78 (EX_CONFIG) = fatal config error \u{2014} don't restart.
        if [ "$1" = "78" ]; then
          exit 125
        fi
        exit 0

        """)

        var log = head + reloadLine
        log.add(#"""
        : "${HERMES_HOME:=/opt/data}"
        log_dir="$HERMES_HOME/logs/gateways/
        """#)
        log.add(profile)
        log.add(#"""
        "
        mkdir -p "$log_dir"
        chown hermes:hermes "$HERMES_HOME/logs/gateways" 2>/dev/null || true
        chown -R hermes:hermes "$log_dir" 2>/dev/null || true
        rm -f "$log_dir/lock"
        exec 
        """#)
        log.add(privdrop)
        log.add(#" hermes s6-log 1 n10 s1000000 T "$log_dir""#)
        log.append(0x0A)

        var list = [
            File(path: "type", contents: Bytes("longrun\n"), mode: 0o644),
            File(path: "run", contents: run, mode: 0o755),
            File(path: "finish", contents: finish, mode: 0o755),
            File(path: "log/run", contents: log, mode: 0o755),
        ]
        if down { list.append(File(path: "down", contents: [], mode: 0o644)) }
        return list
    }

    /// Renders the slot into `<scandir>/.gateway-<profile>.tmp`, then puts it in place
    /// at `<scandir>/gateway-<profile>` in one step (a rename, or an exchange with the
    /// old slot, which is then removed). As root, the supervise skeleton is given to
    /// hermes so that uid 10000 can run s6-svc and s6-svstat on it.
    public static func install(profile: Bytes, down: Bool, scandir: Bytes, owner: (uid: UInt32, gid: UInt32)?) throws(Failure) {
        var target = scandir
        target.add("/gateway-")
        target.add(profile)
        var temp = scandir
        temp.add("/.gateway-")
        temp.add(profile)
        temp.add(".tmp")

        try FileTree.removeIfPresent(temp)
        try FileTree.mkdir(temp, 0o755)
        try FileTree.mkdir(temp + Bytes("/log"), 0o755)
        for f in files(profile: profile, down: down) {
            var path = temp
            path.append(0x2F)
            path.add(f.path)
            try FileTree.write(path, f.contents, mode: f.mode)
        }
        for base in [temp, temp + Bytes("/log")] {
            try FileTree.mkdir(base + Bytes("/event"), 0o3730)
            try FileTree.mkdir(base + Bytes("/supervise"), 0o755)
            try FileTree.mkdir(base + Bytes("/supervise/event"), 0o3730)
            try FileTree.mkfifo(base + Bytes("/supervise/control"), 0o660)
            if let owner {
                for p in ["/event", "/supervise", "/supervise/event", "/supervise/control"] as [StaticString] {
                    try FileTree.chown(base + Bytes(p), owner.uid, owner.gid)
                }
            }
        }
        try FileTree.replace(temp, with: target)
    }
}
