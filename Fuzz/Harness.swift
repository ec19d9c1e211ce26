// libFuzzer harnesses for the pure parsers, compiled into one binary together with
// HermesCore's sources (same module, so internal API is reachable). FUZZ_TARGET picks
// the harness. Each checks properties, not just "does not crash".
import CHermes

enum Target { case passwd, account, envdir, routing }

nonisolated(unsafe) private var target: Target? = nil  // set once, on the first input

private func chosenTarget() -> Target {
    if let target { return target }
    let name = getenv("FUZZ_TARGET").map { Bytes(cString: $0) } ?? Bytes("passwd")
    let t: Target
    if name.equals("account") { t = .account } else if name.equals("envdir") { t = .envdir }
    else if name.equals("routing") { t = .routing } else { t = .passwd }
    target = t
    return t
}

private func check(_ condition: Bool, _ what: StaticString) {
    if !condition { fatalError("property violated: \(what)") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Bytes(UnsafeBufferPointer(start: data, count: size))
    switch chosenTarget() {
    case .passwd: fuzzPasswd(input)
    case .account: fuzzAccount(input)
    case .envdir: fuzzEnvdir(input)
    case .routing: fuzzRouting(input)
    }
    return 0
}

/// The first line names a user to look up; the rest is both a passwd and a group file.
private func fuzzPasswd(_ input: Bytes) {
    let nl = input.firstIndex(of: 0x0A) ?? input.count
    let name = Array(input[..<nl])
    let text = nl < input.count ? Array(input[(nl + 1)...]) : []
    if let e = UserDatabase.findUser(in: text, name: name) {
        check(e.name == name, "findUser returns the name asked for")
        check(e.uid != UInt32.max && e.gid != UInt32.max, "ids are below 2^32-1")
        check(!e.name.contains(0x3A) && !e.home.contains(0x3A) && !e.home.contains(0x0A), "fields hold no separators")
        check(UserDatabase.findUser(in: text, uid: e.uid) != nil, "the uid finds a record too")
    }
    if let first = input.first, let e = UserDatabase.findUser(in: text, uid: UInt32(first)) {
        check(e.uid == UInt32(first), "findUser by uid returns that uid")
    }
    let gid = UserDatabase.findGroup(in: text, name: name)
    check(gid != UInt32.max, "a group id is below 2^32-1")
    let list = UserDatabase.groupList(primary: 7, in: text, user: name)
    check(list.first == 7, "the primary gid comes first")
    var rest = Array(list.dropFirst())
    let sortedRest = rest.sorted()
    check(rest == sortedRest, "the other gids are ascending")
    rest.removeAll { $0 == 7 }
    check(rest.count == list.count - 1, "the primary gid appears once")
    for i in rest.indices.dropFirst() { check(rest[i] != rest[i - 1], "each gid appears once") }
}

/// The input is an ACCOUNT; a parse that succeeds must describe the input exactly.
private func fuzzAccount(_ input: Bytes) {
    guard let spec = try? UserSpec.parse(input) else { return }
    func render(_ r: IDRef) -> Bytes {
        switch r {
        case .name(let n):
            check(!n.isEmpty && !n.contains(0x3A), "names are non-empty and colon-free")
            check(parseID(n) == nil, "a name never parses as an id")
            return n
        case .id(let i):
            check(i != UInt32.max, "no id is 2^32-1")
            var b = Bytes()
            b.add(decimal: i)
            return b
        }
    }
    switch spec {
    case .unchanged:
        check(input.isEmpty, "only the empty ACCOUNT is unchanged")
    case .user(let r):
        check(!input.contains(0x3A), "a user spec has no colon")
        if case .name(let n) = r { check(n == input, "a name is the whole input") }
        _ = render(r)
    case .userGroup(let u, let g):
        check(input.filter { $0 == 0x3A }.count == 1, "user:group has one colon")
        var again = render(u)
        again.append(0x3A)
        again.add(render(g))
        check((try? UserSpec.parse(again)) == spec, "rendering and parsing again gives the same spec")
    }
}

/// The first byte splits the input into a file name and file contents.
private func fuzzEnvdir(_ input: Bytes) {
    guard let cut = input.first else { return }
    let rest = Array(input.dropFirst())
    let at = Swift.min(Int(cut), rest.count)
    let name = Array(rest[..<at])
    let contents = Array(rest[at...])
    _ = Envdir.isVariableName(name)
    switch Envdir.change(name: name, contents: contents) {
    case .unset(let n):
        check(contents.isEmpty && n == name, "only an empty file unsets")
    case .set(let n, let v):
        let chomped = contents.last == 0x0A ? 1 : 0
        check(n == name && v.count == contents.count - chomped, "the whole file less one trailing newline is the value")
        check(!v.contains(0), "no NUL reaches a value")
        var env = Environment(entries: [Bytes("A=1"), name + [0x3D] + Bytes("old")])
        env.set(name, v)
        if !name.contains(0x3D) && !name.isEmpty { check(env.get(name) == v, "get returns what set stored") }
    }
}

/// The input is a NUL-separated argument list, then a subcommand list after a 0xFF.
private func fuzzRouting(_ input: Bytes) {
    let split = input.firstIndex(of: 0xFF) ?? input.count
    let args = Array(input[..<split])
    let list = split < input.count ? Array(input[(split + 1)...]) : Bytes(Routing.defaultSubcommands)
    let first: Bytes? = args.isEmpty ? nil : Array(args.prefix { $0 != 0 })
    let parsed = Routing.parseList(list)
    let route = Routing.route(first: first, isSubcommand: { Routing.listContains(list, $0) }, locate: { name in
        name.count % 2 == 0 ? Bytes("/bin/") + name : nil
    })
    if let first { check(Routing.listContains(list, first) == parsed.contains(first) || first.isEmpty, "listContains agrees with parseList") }
    switch route {
    case .hermes(.noArguments): check(first == nil, "no arguments only without arguments")
    case .hermes(.leadingDash): check(first?.first == 0x2D, "a leading dash")
    case .hermes(.subcommand): check(first.map { parsed.contains($0) } == true, "a listed subcommand")
    case .program(.hasSlash): check(first?.contains(0x2F) == true, "a slash")
    case .program(.onPath(let p)): check(first.map { p == Bytes("/bin/") + $0 } == true, "the located path")
    case .hermes(.notOnPath): check(first != nil, "an argument that is not on PATH")
    default: check(false, "no other route")
    }
}
