/// hermes-init's routing decision (R8): which program the container's arguments run. Pure.
enum Routing {
    /// `_BUILTIN_SUBCOMMANDS` of hermes-agent 0.19.0 (hermes_cli/main.py): R8's list when
    /// the image has none (`subcommandsFile`) and HERMES_INIT_SUBCOMMANDS is unset.
    static let defaultSubcommands: StaticString =
        "acp auth backup bundles chat checkpoints claw completion computer-use config console cron curator dashboard debug desktop doctor dump fallback gateway gui help hooks import insights journey kanban learning login logout logs lsp mcp memory memory-graph migrate moa model pairing pets plugins portal postinstall profile project prompt-size proxy secrets security send serve sessions setup skills slack status tools uninstall update version webhook whatsapp whatsapp-cloud"

    /// The installed CLI's subcommands, one a line, written by the image build
    /// (docker/hermes-agent/apply.py). Read only when routing needs the list.
    static let subcommandsFile: StaticString = "/opt/hermes/share/hermes-init/subcommands"

    static func isSeparator(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x2C || c == 0x3A
    }

    /// Splits a list of names at spaces, tabs, newlines, commas and colons.
    static func parseList(_ text: Bytes) -> [Bytes] {
        var names = [Bytes]()
        var start = 0
        while start < text.count {
            var end = start
            while end < text.count && !isSeparator(text[end]) { end += 1 }
            if end > start { names.append(Array(text[start..<end])) }
            start = end + 1
        }
        return names
    }

    /// True when `name` is one of the names in `list` (split as `parseList` does),
    /// without building the list: a byte search jumps to each place `name`'s first byte
    /// stands, and a hit must be a whole word.
    static func listContains(_ list: Bytes, _ name: Bytes) -> Bool {
        list.withUnsafeBufferPointer { listContains($0, name) }
    }

    /// The same on a list in place.
    static func listContains(_ l: UnsafeBufferPointer<UInt8>, _ name: Bytes) -> Bool {
        guard let first = name.first, !name.contains(where: isSeparator) else { return false }
        return name.withUnsafeBufferPointer { n in
            guard let base = l.baseAddress, l.count >= n.count else { return false }
            var i = 0
            while i < l.count, let at = Memory.find(first, in: base, from: i, count: l.count) {
                let end = at + n.count
                if end <= l.count && (at == 0 || isSeparator(l[at - 1])) && (end == l.count || isSeparator(l[end]))
                    && Memory.equal(base + at, n.baseAddress!, count: n.count) {
                    return true
                }
                i = at + 1
            }
            return false
        }
    }

    enum Route: Equatable {
        /// Run `hermes` with all the arguments.
        case hermes(Reason)
        /// Run the arguments as a command line.
        case program(Reason)
    }

    enum Reason: Equatable {
        case noArguments
        case subcommand
        case leadingDash
        case hasSlash
        case onPath(Bytes)
        case notOnPath
    }

    /// The rules, in order: no arguments → hermes; a hermes subcommand name or anything
    /// starting with `-` → hermes ARGS; a name with `/` → run as given; an executable
    /// file on PATH → run it; otherwise → hermes ARGS.
    static func route<E: Error>(first: Bytes?, isSubcommand: (Bytes) throws(E) -> Bool,
                                       locate: (Bytes) -> Bytes?) throws(E) -> Route {
        guard let first else { return .hermes(.noArguments) }
        if first.first == 0x2D { return .hermes(.leadingDash) }
        if try isSubcommand(first) { return .hermes(.subcommand) }
        if first.contains(0x2F) { return .program(.hasSlash) }
        if !first.isEmpty, let found = locate(first) { return .program(.onPath(found)) }
        return .hermes(.notOnPath)
    }
}

extension Routing.Reason {
    var text: Bytes {
        switch self {
        case .noArguments: return Bytes("no arguments")
        case .subcommand: return Bytes("first argument is a hermes subcommand")
        case .leadingDash: return Bytes("first argument starts with '-'")
        case .hasSlash: return Bytes("first argument contains '/'")
        case .onPath(let p):
            var t = Bytes("first argument found on PATH as ")
            t.add(p)
            return t
        case .notOnPath: return Bytes("first argument is not a program on PATH")
        }
    }
}
