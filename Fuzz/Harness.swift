// libFuzzer harnesses for the pure parsers, compiled into one binary together with
// HermesCore's sources (same module, so internal API is reachable). FUZZ_TARGET picks
// the harness. Each checks properties, not just "does not crash".
import CHermes

enum Target { case passwd, account, envdir, routing, options, procstat, groups, capeff, runcheck }

nonisolated(unsafe) private var target: Target? = nil  // set once, on the first input

private func chosenTarget() -> Target {
    if let target { return target }
    let name = getenv("FUZZ_TARGET").map { Bytes(cString: $0) } ?? Bytes("passwd")
    let t: Target
    if name.equals("account") { t = .account } else if name.equals("envdir") { t = .envdir }
    else if name.equals("routing") { t = .routing } else if name.equals("options") { t = .options }
    else if name.equals("procstat") { t = .procstat }
    else if name.equals("groups") { t = .groups } else if name.equals("capeff") { t = .capeff }
    else if name.equals("runcheck") { t = .runcheck }
    else { t = .passwd }
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
    case .options: fuzzOptions(input)
    case .procstat: fuzzProcStat(input)
    case .groups: fuzzGroups(input)
    case .capeff: fuzzCapEff(input)
    case .runcheck: fuzzRunCheck(input)
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
        if e.uid == 0 { check(recordSaysZero(text, name), "uid 0 only for a record whose uid field is zero") }
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

/// True when some line of `text` is `name:x:UID...` with UID made of '0's only: the
/// independent reading of "this record names uid 0".
private func recordSaysZero(_ text: Bytes, _ name: Bytes) -> Bool {
    // An independent reading, written for speed (the passwd target runs it often):
    // one pass over each line, no copies. Field 0 must equal the name, field 2 be
    // non-empty and all '0', and the line have at least three fields.
    var start = 0
    while start <= text.count {
        var end = start
        while end < text.count && text[end] != 0x0A { end += 1 }
        var field = 0, fieldStart = start, nameMatches = false, zeros = false
        var i = start
        while i <= end {
            if i == end || text[i] == 0x3A {
                if field == 0 { nameMatches = i - fieldStart == name.count && text[fieldStart..<i].elementsEqual(name) }
                if field == 2 { zeros = i > fieldStart && text[fieldStart..<i].allSatisfy { $0 == 0x30 } }
                field += 1
                fieldStart = i + 1
            }
            i += 1
        }
        if field >= 3 && nameMatches && zeros { return true }
        start = end + 1
    }
    return false
}

/// NUL-separated: hermes-init's argv (after argv[0]); after a 0xFF, NAME=VALUE lines for
/// its variables. A parse that succeeds describes the input; one that fails is a 100.
private func fuzzOptions(_ input: Bytes) {
    let split = input.firstIndex(of: 0xFF) ?? input.count
    var args = [Bytes("hermes-init")]
    var cur = Bytes()
    for c in input[..<split] { if c == 0 { args.append(cur); cur = [] } else { cur.append(c) } }
    if !cur.isEmpty || split > 0 { args.append(cur) }
    var vars = [(Bytes, Bytes)]()
    if split < input.count {
        for line in Routing.parseList(Array(input[(split + 1)...])) where line.contains(0x3D) {
            let eq = line.firstIndex(of: 0x3D)!
            vars.append((Array(line[..<eq]), Array(line[(eq + 1)...])))
        }
    }
    let cstrings = args.map { a -> UnsafeMutablePointer<CChar>? in
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: a.count + 1)
        for (i, c) in a.enumerated() { p[i] = CChar(bitPattern: c) }
        p[a.count] = 0
        return p
    } + [nil]
    defer { for p in cstrings { p?.deallocate() } }
    let env: (StaticString) -> Bytes? = { name in
        let key = Bytes(name)  // once per lookup, not once per variable compared
        return vars.last { $0.0 == key }?.1
    }
    func parse() -> Result<HermesInit.Options, Failure> {
        cstrings.withUnsafeBufferPointer { buf in
            do throws(Failure) {
                return .success(try HermesInit.parse(argc: Int32(args.count), argv: buf.baseAddress!, getenv: env))
            } catch { return .failure(error) }
        }
    }
    switch parse() {
    case .success(let o):
        let first = o.firstArgument
        check(first >= 1 && first <= args.count, "the first container argument is within argv")
        for a in args[1..<first] { check(a.starts(with: Bytes("--hermes-init-")), "only --hermes-init- options are taken") }
        if first < args.count {
            check(!args[first].starts(with: Bytes("--hermes-init-")), "options stop at the first other argument")
        }
        check(o.supervisor.graceMilliseconds >= 0 && o.supervisor.graceMilliseconds <= 86_400_000, "grace within a day")
        for m in o.supervisor.exitMap { check((0...255).contains(m.from) && (0...255).contains(m.to), "map codes are 0-255") }
        if case .success(let again) = parse() { check(again == o, "parsing is deterministic") } else { check(false, "parsing is deterministic") }
    case .failure(let f):
        check(f.exitCode == ExitCode.usage, "a bad option or value is a usage error")
    }
}

private func contains(_ hay: Bytes, _ needle: Bytes) -> Bool {
    guard needle.count <= hay.count else { return false }
    for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle {
        return true
    }
    return false
}

/// /proc/PID/stat text: the ppid is the second field after the last ')', or nothing. The
/// rest of the input (after a 0xFF) is a pid/ppid table: collect finds exactly the pids
/// whose parent chain reaches the root, each once, never the root.
private func fuzzProcStat(_ input: Bytes) {
    let split = input.firstIndex(of: 0xFF) ?? input.count
    let stat = Array(input[..<split])
    // Independent reading: split what follows the last ')' at every space; the ppid is
    // field 2 (field 0 is empty, field 1 the state), a decimal number.
    var expected: pid_t? = nil
    if let close = stat.lastIndex(of: 0x29) {
        let fields = stat[(close + 1)...].split(separator: 0x20, omittingEmptySubsequences: false)
        if fields.count >= 3, !fields[2].isEmpty, fields[2].allSatisfy({ (0x30...0x39).contains($0) }) {
            var v: UInt64 = 0
            for c in fields[2] where v <= UInt64(Int32.max) { v = v * 10 + UInt64(c - 0x30) }
            if v <= UInt64(Int32.max) { expected = pid_t(v) }
        }
    }
    check(Descendants.parentPID(stat) == expected, "the ppid is field 2 after the last ')', a pid")
    let table = split < input.count ? Array(input[(split + 1)...]) : []
    var pids = [pid_t]()
    var parents = [pid_t]()
    var i = 0
    while i + 1 < table.count {
        pids.append(pid_t(table[i] % 16))
        parents.append(pid_t(table[i + 1] % 16))
        i += 2
    }
    let root = pid_t(table.first.map { $0 % 16 } ?? 1)
    let found = Descendants.collect(root: root, pids: pids, parents: parents)
    check(!found.contains(root), "never the root itself")
    check(Set(found).count == found.count, "each pid once")
    // Independent reading: the fixed point of "a pid whose parent is the root or found".
    var reach = Set<pid_t>()
    var changed = true
    while changed {
        changed = false
        for (k, p) in pids.enumerated() where p != root && !reach.contains(p) && (parents[k] == root || reach.contains(parents[k])) {
            reach.insert(p)
            changed = true
        }
    }
    check(Set(found) == reach, "exactly the pids whose parent chain reaches the root")
}

/// The gids of the well-formed /etc/group lines that list root, read independently of
/// UserDatabase: split at every newline and colon, one CR dropped, the file rules of
/// UserDatabase's doc comment.
private func rootGroups(_ text: Bytes) -> [UInt32] {
    var out = [UInt32]()
    for raw in text.split(separator: 0x0A, omittingEmptySubsequences: false) {
        var line = Array(raw)
        if line.last == 0x0D { line.removeLast() }
        guard let first = line.first, first != 0x23, first != 0x2B, first != 0x2D, !line.contains(0) else { continue }
        let f = line.split(separator: 0x3A, omittingEmptySubsequences: false)
        guard f.count == 4, !f[0].isEmpty, !f[2].isEmpty,
              f[2].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { continue }
        // leading zeros are allowed: the value, not the length, must be below 2^32-1
        let gid = f[2].reduce(UInt64(0)) { $0 > 0xFFFF_FFFF ? $0 : $0 * 10 + UInt64($1 - 0x30) }
        guard gid < 4_294_967_295 else { continue }
        if f[3].split(separator: 0x2C, omittingEmptySubsequences: false).contains(where: { $0.elementsEqual([0x72, 0x6F, 0x6F, 0x74]) }) {
            out.append(UInt32(gid))
        }
    }
    return out
}

/// Byte 0 (mod 8) groups already chosen, byte 1 (mod 32) groups held at start, then their
/// gids (4 bytes each; small values mostly, so that they collide), then /etc/group text.
/// RuntimeGroups.add keeps the chosen list as it was and appends, in the order held, each
/// held gid once that is not 0, not chosen, and not a group /etc/group gives root.
private func fuzzGroups(_ input: Bytes) {
    guard input.count >= 2 else { return }
    let n = Int(input[0] % 8), m = Int(input[1] % 32)
    var at = 2
    func gid() -> UInt32? {
        guard at + 4 <= input.count else { return nil }
        let w = UInt32(input[at]) | UInt32(input[at + 1]) << 8 | UInt32(input[at + 2]) << 16 | UInt32(input[at + 3]) << 24
        at += 4
        return input[at - 1] & 1 == 0 ? w % 16 : w
    }
    var chosen = [UInt32](), held = [UInt32]()
    for _ in 0..<n { if let g = gid() { chosen.append(g) } }
    for _ in 0..<m { if let g = gid() { held.append(g) } }
    let text = Array(input[at...])
    var groups = chosen
    RuntimeGroups.add(held, group: text, to: &groups)
    check(groups.count >= chosen.count && Array(groups.prefix(chosen.count)) == chosen, "the chosen list is kept as it was")
    let root = rootGroups(text)
    var want = chosen
    for g in held where g != 0 && !want.contains(g) && !root.contains(g) { want.append(g) }
    check(groups == want, "each held gid once, in order, unless 0, chosen or root's")
}

/// /proc/PID/status text. The CapEff value is that of the first line starting with
/// "CapEff:\t" when the rest of that line is 1 to 16 lower-case hex digits, else nil.
private func fuzzCapEff(_ input: Bytes) {
    var want: UInt64? = nil
    let key: Bytes = Array("CapEff:\t".utf8)
    for line in input.split(separator: 0x0A, omittingEmptySubsequences: false) where line.starts(with: key) {
        let digits = line.dropFirst(key.count)
        if (1...16).contains(digits.count), digits.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) {
            want = UInt64(String(decoding: digits, as: UTF8.self), radix: 16)
        }
        break
    }
    check(Sys.effectiveCapabilities(status: input) == want, "CapEff: the first such line, in the kernel's form")
}

/// Byte 0: the mount flags of /run (bit 0 read-only, bit 1 noexec, bit 2 statvfs failed)
/// and whether CAP_SYS_ADMIN is held (bit 3); the rest: S6_READ_ONLY_ROOT's value (bit 4
/// clear: unset). The value is read as preinit's `test "0$V" -ne 0` in dash: strtoimax's
/// digits within Int64, then only isspace; the check stands aside exactly when s6-overlay
/// will fix /run, and otherwise names what is wrong.
private func fuzzRunCheck(_ input: Bytes) {
    guard let bits = input.first else { return }
    let value: Bytes? = bits & 16 != 0 ? Array(input.dropFirst()) : nil
    var want = false
    if let value {
        let digits = value.prefix { $0 >= 0x30 && $0 <= 0x39 }
        let rest = value.dropFirst(digits.count)
        let significant = Array(digits.drop { $0 == 0x30 })
        let max = Array("9223372036854775807".utf8)  // Int64.max: strtoimax's ERANGE above it
        let inRange = significant.count < 19 || (significant.count == 19 && !max.lexicographicallyPrecedes(significant))
        want = !significant.isEmpty && inRange && rest.allSatisfy { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
    }
    check(RunDirectory.readOnlyRootRequested(value) == want, "S6_READ_ONLY_ROOT: as dash's test -ne reads \"0$V\"")
    let flags: Sys.MountFlags? = bits & 4 != 0 ? nil : Sys.MountFlags(readOnly: bits & 1 != 0, noExec: bits & 2 != 0)
    let fixes = want && bits & 8 != 0
    let problem = RunDirectory.problem(flags, s6FixesIt: fixes)
    let broken = flags.map { $0.readOnly || $0.noExec } ?? false
    check((problem != nil) == (broken && !fixes), "a failure exactly when /run is unusable and s6-overlay will not fix it")
    if let problem, let flags {
        let text = problem.message
        check(contains(text, Array((flags.readOnly ? "read-only" : "noexec").utf8)), "the failure names the cause")
        check(contains(text, Array("--tmpfs /run:exec".utf8)), "and the fix")
    }
}
