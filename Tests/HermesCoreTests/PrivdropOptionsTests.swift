import Testing
@testable import HermesCore

private func parse(_ args: [String]) throws(Failure) -> Privdrop.Command {
    let argv = CStringArray((["privdrop"] + args).map { Array($0.utf8) })
    return try Privdrop.parse(argc: Int32(args.count + 1), argv: argv.pointer)
}

@Suite("privdrop option parsing")
struct PrivdropArgsTests {
    @Test("options, then ACCOUNT, then PROG; options end at the first non-option")
    func options() throws {
        var o = Privdrop.Options()
        o.account = Array("hermes".utf8)
        o.programIndex = 2
        #expect(try parse(["hermes", "id", "--home"]) == .run(o))
        o.home = true
        o.noNewPrivs = true
        o.explain = true
        o.envdir = Array("/run/env".utf8)
        o.programIndex = 7
        #expect(try parse(["--home", "--no-new-privs", "--explain", "--envdir", "/run/env", "hermes", "id"]) == .run(o))
        o.programIndex = 6
        #expect(try parse(["--home", "--no-new-privs", "--explain", "--envdir=/run/env", "hermes", "id"]) == .run(o))
        var dash = Privdrop.Options()
        dash.account = Array("--weird".utf8)
        dash.programIndex = 3
        #expect(try parse(["--", "--weird", "prog"]) == .run(dash))
        #expect(try parse(["--help", "--bogus"]) == .help)
        #expect(try parse(["--version"]) == .version)
    }

    @Test("usage errors", arguments: [[], ["hermes"], ["--bogus", "a", "b"], ["--envdir"], ["--envdir="], ["-x", "a", "b"]])
    func errors(args: [String]) {
        #expect(throws: Failure.self) { try parse(args) }
        do { _ = try parse(args) } catch { #expect(error.exitCode == 100) }
    }
}
