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
        // Byte for byte what the patched hermes_cli renders (Tests/hermes-agent compares
        // the two against the installed package).
        let reload = #"[ "${1-}" = --with-container-environment ] || exec /opt/hermes/bin/privdrop --envdir /run/s6/container_environment "" "$0" --with-container-environment"#
        #expect(file(coder, "run") == """
        #!/bin/sh
        # shellcheck shell=sh
        \(reload)
        set -e
        export HOME=/opt/data
        cd /opt/data
        . /opt/hermes/.venv/bin/activate
        export HERMES_S6_SUPERVISED_CHILD=1
        exec /opt/hermes/bin/privdrop --keep-runtime-groups hermes hermes -p coder gateway run --replace

        """)
        let log = file(coder, "log/run") ?? ""
        #expect(log.hasPrefix("#!/bin/sh\n# shellcheck shell=sh\n" + reload + "\n"))
        #expect(log.contains(#"log_dir="$HERMES_HOME/logs/gateways/coder""#), "the log directory follows HERMES_HOME at run time")
        #expect(log.hasSuffix(#"exec /opt/hermes/bin/privdrop hermes s6-log 1 n10 s1000000 T "$log_dir""# + "\n"))
        let finish = file(coder, "finish") ?? ""
        #expect(finish.contains("if [ \"$1\" = \"78\" ]; then\n  exit 125\nfi\nexit 0\n"))
        for f in coder {
            let text = String(decoding: f.contents, as: UTF8.self)
            for word in ["with-contenv", "s6-setuidgid", "id -u"] {
                #expect(!text.contains(word), "\(String(decoding: Bytes(f.path), as: UTF8.self)) has \(word)")
            }
        }
        let def = GatewaySlot.files(profile: b("default"), down: true)
        #expect((file(def, "run") ?? "").hasSuffix("\nexec /opt/hermes/bin/privdrop --keep-runtime-groups hermes hermes gateway run --replace\n"))
        #expect(file(def, "down") == "")
    }
}
