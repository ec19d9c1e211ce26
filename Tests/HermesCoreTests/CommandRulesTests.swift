import Foundation
import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

/// Each CMD rule's step on its own (the whole program: HermesInitTests).
@Suite("hermes-init's CMD rules, step by step", .serialized)
struct CommandRulesTests {
    let trace = Trace(enabled: false, diag: Diagnostics(program: "test"))
    /// Fixed paths: the steps take their files as StaticStrings.
    static let root = "/tmp/hermes-command-rules"

    func env(_ entries: [String]) -> Environment { Environment(entries: entries.map(b), recording: false) }

    func load(_ e: inout Environment, booted: [Environment.Change]? = nil, directory: String) throws {
        var reader = FileReader(execFollows: false)
        var t = trace
        try directory.withCString { p in
            try HermesInit.loadContainerEnvironment(&e, booted: booted, reader: &reader, trace: &t, directory: p)
        }
    }

    @Test("R2: a scrubbed environment keeps PATH and loads the directory; HERMES_HOME or S6_KEEP_ENV keep ours")
    func containerEnvironment() throws {
        let dir = Self.root + "/contenv"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: Self.root) }
        try Data("/opt/data\n".utf8).write(to: URL(fileURLWithPath: dir + "/HERMES_HOME"))
        try Data("x\n\n".utf8).write(to: URL(fileURLWithPath: dir + "/FOO"))
        var scrubbed = env(["PATH=/command:/bin", "HOME=/root", "HERMES_HOME="])
        try load(&scrubbed, directory: dir)
        #expect(scrubbed.entries == [b("PATH=/command:/bin"), b("FOO=x\n"), b("HERMES_HOME=/opt/data")])
        var kept = env(["HERMES_HOME=/x", "HOME=/root"])
        try load(&kept, directory: dir)
        #expect(kept.entries == [b("HERMES_HOME=/x"), b("HOME=/root")])
        #expect(HermesInit.rehydrationSkipReason(env(["S6_KEEP_ENV=1"])) != nil)
        #expect(HermesInit.rehydrationSkipReason(env(["S6_KEEP_ENV=00"])) == nil)
        var missing = env(["HOME=/root"])
        try load(&missing, directory: Self.root + "/none")
        #expect(missing.entries == [b("HOME=/root")])
        var booted = env(["HERMES_HOME=/x"])
        try load(&booted, booted: [.set(b("A"), b("1")), .unset(b("HERMES_HOME"))], directory: dir)
        #expect(booted.entries == [b("A=1")])
    }

    @Test("R4, R5: HOME is /opt/data; HERMES_HOME is left as it is, empty included")
    func home() {
        var e = env(["HOME=/root", "HERMES_HOME="])
        HermesInit.setHome(&e)
        #expect(e.entries == [b("HOME=/opt/data"), b("HERMES_HOME=")])
    }

    @Test("R6: the start directory is HERMES_ORIG_CWD, else where we are; a data directory that cannot be entered is 111")
    func startDirectory() throws {
        try FileManager.default.createDirectory(atPath: Self.root + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: Self.root) }
        var reader = FileReader(execFollows: false)
        let given = try HermesInit.startDirectory(env(["HERMES_ORIG_CWD=/srv"]), reader: &reader,
                                                  dataDir: "/tmp/hermes-command-rules/data/.")
        #expect(given.path == b("/srv") && given.fromEnvironment)
        let here = try HermesInit.startDirectory(env(["HERMES_ORIG_CWD="]), reader: &reader,
                                                 dataDir: "/tmp/hermes-command-rules/data/.")
        #expect(here.path == b(FileManager.default.currentDirectoryPath) && !here.fromEnvironment)
        #expect(throws: Failure.self) {
            try HermesInit.startDirectory(env([]), reader: &reader, dataDir: "/tmp/hermes-command-rules/none/.")
        }
        var e = env([])
        try HermesInit.enter(here, &e)
        #expect(e.entries == [b("PWD=" + FileManager.default.currentDirectoryPath), b("OLDPWD=/opt/data")])
    }

    @Test("R7: the venv is activated from its script; an unreadable script is 111 naming it")
    func venv() throws {
        try FileManager.default.createDirectory(atPath: Self.root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: Self.root) }
        try Data("VIRTUAL_ENV_PROMPT='hermes'\n".utf8).write(to: URL(fileURLWithPath: Self.root + "/activate"))
        var reader = FileReader(execFollows: false)
        var e = env(["PATH=/bin", "PYTHONHOME=/x"])
        try HermesInit.activateVenv(&e, reader: &reader, script: "/tmp/hermes-command-rules/activate")
        #expect(e.get("PATH") == b("/opt/hermes/.venv/bin:/bin"))
        #expect(e.get("VIRTUAL_ENV_PROMPT") == b("hermes") && e.get("PYTHONHOME") == nil)
        do {
            try HermesInit.activateVenv(&e, reader: &reader, script: "/tmp/hermes-command-rules/nothing")
            Issue.record("no failure")
        } catch {
            #expect(error.exitCode == 111)
        }
    }

    @Test("R8 and B4: routing by the variable's list; a gateway run under another init is told so")
    func routeAndGateway() throws {
        let argv = CStringArray(["hermes-init", "gateway", "run"].map(b))
        var e = env(["HERMES_INIT_SUBCOMMANDS=gateway chat", "PATH=/nonexistent"])
        var reader = FileReader(execFollows: false)
        var command = try HermesInit.route(argc: 3, argv: argv.pointer, first: 1, env: e, reader: &reader, trace: trace)
        #expect(command.prefix == b("hermes") && command.argumentCount == 2 && command.path == b("/nonexistent"))
        HermesInit.markExternallySupervised(&command, &e, trace)
        #expect(command.suffix == b("--external-supervisor") && e.get("HERMES_GATEWAY_EXTERNAL_SUPERVISOR") == b("1"))
        let plan = command.plan(env: e, drop: .alreadyTarget)
        #expect((0..<4).map { plan.argv.pointer[$0].map { Bytes(cString: $0) } } == [b("hermes"), b("gateway"), b("run"), b("--external-supervisor")])
        #expect(plan.argv.pointer[4] == nil)
        let sh = CStringArray(["hermes-init", "sh", "-c", "true"].map(b))
        var other = try HermesInit.route(argc: 4, argv: sh.pointer, first: 1, env: env(["PATH=/bin"]), reader: &reader, trace: trace)
        #expect(other.prefix == nil)
        HermesInit.markExternallySupervised(&other, &e, trace)
        #expect(other.suffix == nil)
    }
}
