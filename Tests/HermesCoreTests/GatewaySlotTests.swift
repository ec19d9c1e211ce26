import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("gateway slot rendering")
struct GatewaySlotTests {
    @Test("profile names: ^[a-z0-9][a-z0-9_-]*$, at most 251 bytes")
    func names() {
        for ok in ["default", "coder", "a", "0", "a-b_c9", String(repeating: "a", count: 251)] {
            #expect(GatewaySlot.isValidProfile(b(ok)), "\(ok)")
        }
        for bad in ["", "Coder", "-a", "_a", "a.b", "a/b", "a b", "é", "a\n", String(repeating: "a", count: 252)] {
            #expect(!GatewaySlot.isValidProfile(b(bad)), "\(bad)")
        }
    }

    func file(_ files: [GatewaySlot.File], _ name: String) -> String? {
        files.first { Bytes($0.path) == b(name) }.map { String(decoding: $0.contents, as: UTF8.self) }
    }

    @Test("the files, their modes, and the command per profile")
    func files() {
        let coder = GatewaySlot.files(profile: b("coder"), down: false)
        #expect(coder.map { String(decoding: Bytes($0.path), as: UTF8.self) } == ["type", "run", "finish", "log/run"])
        #expect(coder.map(\.mode) == [0o644, 0o755, 0o755, 0o755])
        #expect(file(coder, "type") == "longrun\n")
        let run = file(coder, "run") ?? ""
        #expect(run.hasPrefix("#!/bin/sh\n"))
        #expect(run.contains("\ncd /opt/data\n"))
        #expect(run.contains("\nexport HERMES_S6_SUPERVISED_CHILD=1\nexport HERMES_SUPERVISED_CHILD=1\n"))
        #expect(run.hasSuffix("\nexec /opt/hermes/bin/privdrop --envdir /run/s6/container_environment --home hermes hermes -p 'coder' gateway run --replace\n"))
        let log = file(coder, "log/run") ?? ""
        #expect(log.contains("${HERMES_HOME:-/opt/data}/logs/gateways/$1"))
        #expect(log.contains("exec s6-log 1 n10 s1000000 T"))
        #expect(log.hasSuffix(" sh 'coder'\n"))
        #expect(!log.contains("/opt/data/logs/gateways/coder"), "the log directory follows HERMES_HOME at run time")
        let finish = file(coder, "finish") ?? ""
        #expect(finish.contains("0|78) exit 125"))
        let def = GatewaySlot.files(profile: b("default"), down: true)
        #expect((file(def, "run") ?? "").hasSuffix(" --home hermes hermes gateway run --replace\n"))
        #expect(file(def, "down") == "")
    }
}
