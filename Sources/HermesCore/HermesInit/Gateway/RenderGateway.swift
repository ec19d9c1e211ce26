/// The gateway slot renderer's command line.
extension HermesInit {
    /// `hermes-init --hermes-init-render-gateway PROFILE [--down] [--register] [--scandir DIR]`:
    /// writes the gateway slot for PROFILE into DIR (default: S6_PROFILE_GATEWAY_SCANDIR,
    /// else /run/service). Nothing on stdout.
    static func renderGateway(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) throws(Failure) {
        var profile: Bytes? = nil
        var down = false
        var register = false
        var scandir: Bytes? = nil
        var i = 2
        while i < Int(argc), let a = argv[i] {
            if cStringEquals(a, "--down") {
                down = true
            } else if cStringEquals(a, "--register") {
                register = true
            } else if cStringEquals(a, "--scandir") {
                i += 1
                guard i < Int(argc), let d = argv[i], d[0] != 0 else { throw usage(Bytes("--scandir needs a directory")) }
                scandir = Bytes(cString: d)
            } else if profile == nil && a[0] != 0x2D {
                profile = Bytes(cString: a)
            } else {
                var m = Bytes("unexpected argument ")
                m.add(cString: a)
                m.add(" (usage: --hermes-init-render-gateway PROFILE [--down] [--register] [--scandir DIR])")
                throw usage(m)
            }
            i += 1
        }
        guard let profile else { throw usage(Bytes("--hermes-init-render-gateway needs a PROFILE")) }
        guard GatewaySlot.isValidProfile(profile) else {
            var m = Bytes("invalid profile name ")
            m.add(profile)
            m.add(" (^[a-z0-9][a-z0-9_-]*$, at most 251 bytes)")
            throw usage(m)
        }
        let dir = scandir ?? Sys.getenv("S6_PROFILE_GATEWAY_SCANDIR").flatMap { $0.isEmpty ? nil : $0 } ?? Bytes("/run/service")
        var owner: (uid: UInt32, gid: UInt32)? = nil
        if Sys.effectiveUID() == 0 {
            let passwd = try AccountFiles.load(AccountFiles.passwdPath)
            guard let hermes = UserDatabase.findUser(in: passwd, name: Bytes(userName)) else {
                throw Failure.unable(ExitCode.unknownAccount, Bytes("resolve account"), Bytes("unknown user hermes"))
            }
            owner = (hermes.uid, hermes.gid)
        }
        try GatewaySlot.install(profile: profile, down: down, scandir: dir, owner: owner)
        if register { try GatewaySlot.register(scandir: dir) }
    }
}
