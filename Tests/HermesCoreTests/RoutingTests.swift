import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("hermes-init routing")
struct RoutingTests {
    let subcommands = Routing.parseList(Bytes(Routing.defaultSubcommands))
    func sub(_ name: Bytes) -> Bool { Routing.listContains(Bytes(Routing.defaultSubcommands), name) }
    func onPath(_ names: [String]) -> (Bytes) -> Bytes? {
        { name in names.contains(String(decoding: name, as: UTF8.self)) ? b("/bin/") + name : nil }
    }
    @Test("the rules in order")
    func rules() {
        let path = onPath(["mcp", "login", "sh", "echo", "hermes"])
        #expect(Routing.route(first: nil, isSubcommand: sub, locate: path) == .hermes(.noArguments))
        #expect(Routing.route(first: b("--help"), isSubcommand: sub, locate: path) == .hermes(.leadingDash))
        #expect(Routing.route(first: b("-p"), isSubcommand: sub, locate: path) == .hermes(.leadingDash))
        #expect(Routing.route(first: b("-"), isSubcommand: sub, locate: path) == .hermes(.leadingDash))
        #expect(Routing.route(first: b("mcp"), isSubcommand: sub, locate: path) == .hermes(.subcommand))
        #expect(Routing.route(first: b("login"), isSubcommand: sub, locate: path) == .hermes(.subcommand))
        #expect(Routing.route(first: b("./x"), isSubcommand: sub, locate: path) == .program(.hasSlash))
        #expect(Routing.route(first: b("/no/such"), isSubcommand: sub, locate: path) == .program(.hasSlash))
        #expect(Routing.route(first: b("sh"), isSubcommand: sub, locate: path) == .program(.onPath(b("/bin/sh"))))
        #expect(Routing.route(first: b("hermes"), isSubcommand: sub, locate: path) == .program(.onPath(b("/bin/hermes"))))
        #expect(Routing.route(first: b("cd"), isSubcommand: sub, locate: path) == .hermes(.notOnPath))
        #expect(Routing.route(first: b(""), isSubcommand: sub, locate: { _ in b("/x") }) == .hermes(.notOnPath))
    }

    @Test("subcommand lists split at blanks, commas and colons")
    func lists() {
        #expect(Routing.parseList(b(" a,b:c\td\n\ne ")) == [b("a"), b("b"), b("c"), b("d"), b("e")])
        #expect(Routing.parseList(b("")) == [])
        #expect(subcommands.contains(b("gateway")) && subcommands.contains(b("prompt-size")))
        // hermes-agent 0.19.0's _BUILTIN_SUBCOMMANDS (Tests/hermes-agent compares the
        // names with the installed CLI's).
        #expect(subcommands.count == 63)
        #expect(subcommands.contains(b("kanban")) && !subcommands.contains(b("honcho")))
        for name in subcommands { #expect(sub(name)) }
        #expect(!sub(b("gate")) && !sub(b("gatewayx")) && !sub(b("")) && !sub(b("chat gateway")))
        #expect(Routing.listContains(b(",a::b ,"), b("b")) && !Routing.listContains(b(",a::b ,"), b(",")))
        // Whole words only, wherever the first byte stands again.
        #expect(Routing.listContains(b("ab a"), b("a")) && Routing.listContains(b("aa ab"), b("ab")))
        #expect(!Routing.listContains(b("ba ab"), b("a")) && !Routing.listContains(b("ab"), b("abc")))
        #expect(!Routing.listContains(b("a b"), b("a b")), "a name with a separator is no word")
    }
}
