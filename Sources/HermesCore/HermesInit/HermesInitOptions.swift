/// hermes-init's own options: leading `--hermes-init-*` arguments, and their variables.
extension HermesInit {
    /// Options hermes-init takes for itself: only leading `--hermes-init-*` arguments.
    struct Options: Equatable {
        var help = false
        var version = false
        /// PID-1 mode settings; each also has an environment variable, which the option
        /// overrides.
        var supervisor = Supervisor.Options()
        /// Index in argv of the first container argument.
        var firstArgument = 1
    }

    static func parse(
        argc: Int32, argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
        getenv: (StaticString) -> Bytes? = Sys.getenv
    ) throws(Failure) -> Options {
        var o = Options()
        if let g = getenv("HERMES_INIT_GRACE") { o.supervisor.graceMilliseconds = try parseGrace(g) }
        o.supervisor.processGroup = isTruthy(getenv("HERMES_INIT_PGROUP"))
        o.supervisor.subreaper = isTruthy(getenv("HERMES_INIT_SUBREAPER"))
        if let m = getenv("HERMES_INIT_MAP") { o.supervisor.exitMap = try parseMap(m) }
        var i = 1
        while i < Int(argc), let a = argv[i], cStringHasPrefix(a, "--hermes-init-") {
            if cStringEquals(a, "--hermes-init-help") {
                o.help = true
            } else if cStringEquals(a, "--hermes-init-version") {
                o.version = true
            } else if cStringHasPrefix(a, "--hermes-init-grace=") {
                o.supervisor.graceMilliseconds = try parseGrace(Bytes(cString: a + 20))
            } else if cStringEquals(a, "--hermes-init-pgroup") {
                o.supervisor.processGroup = true
            } else if cStringEquals(a, "--hermes-init-subreaper") {
                o.supervisor.subreaper = true
            } else if cStringHasPrefix(a, "--hermes-init-map=") {
                o.supervisor.exitMap += try parseMap(Bytes(cString: a + 18))
            } else {
                var m = Bytes("unknown option ")
                m.add(cString: a)
                throw Failure.unable(ExitCode.usage, Bytes("parse arguments"), m)
            }
            i += 1
        }
        o.firstArgument = i
        return o
    }

    static func usage(_ reason: Bytes) -> Failure {
        Failure.unable(ExitCode.usage, Bytes("parse arguments"), reason)
    }

    /// Seconds, with up to three decimals: "5", "0", "2.5".
    static func parseGrace(_ text: Bytes) throws(Failure) -> Int {
        var whole = text[...]
        var fraction = ArraySlice<UInt8>()
        let dot = text.firstIndex(of: 0x2E)
        if let dot {
            whole = text[..<dot]
            fraction = text[(dot + 1)...]
        }
        guard let seconds = parseID(whole), seconds <= 86_400, fraction.count <= 3,
              dot == nil || parseID(fraction) != nil else {
            var m = Bytes("invalid grace time ")
            m.add(text)
            m.add(" (seconds, e.g. 5 or 0.5)")
            throw usage(m)
        }
        var ms = Int(seconds) * 1000
        var scale = 100
        for c in fraction {
            ms += Int(c - 0x30) * scale
            scale /= 10
        }
        return ms
    }

    /// Exit-code remaps: FROM:TO pairs separated by commas or blanks.
    static func parseMap(_ text: Bytes) throws(Failure) -> [(from: Int32, to: Int32)] {
        var result = [(from: Int32, to: Int32)]()
        for item in Routing.parseList(text.map { $0 == 0x3A ? 0x3D : $0 }) {
            guard let eq = item.firstIndex(of: 0x3D), let from = parseID(item[..<eq]), let to = parseID(item[(eq + 1)...]),
                  from <= 255, to <= 255 else {
                var m = Bytes("invalid exit-code map ")
                m.add(text)
                m.add(" (FROM:TO pairs of codes 0-255, e.g. 143:0)")
                throw usage(m)
            }
            result.append((Int32(from), Int32(to)))
        }
        return result
    }

    static func isTruthy(_ value: Bytes?) -> Bool {
        guard let value, !value.isEmpty else { return false }
        return !value.equals("0")
    }
}
