import Testing
@testable import HermesCore

private func b(_ s: String) -> Bytes { Array(s.utf8) }

@Suite("venv activation")
struct VenvTests {
    @Test("VIRTUAL_ENV_PROMPT as the activate script sets it")
    func prompt() {
        let py311 = b("VIRTUAL_ENV=\"/opt/hermes/.venv\"\nif [ -z \"${X:-}\" ] ; then\n    VIRTUAL_ENV_PROMPT=\"(.venv) \"\n    export VIRTUAL_ENV_PROMPT\nfi\n")
        #expect(Venv.prompt(activateScript: py311, venvDir: b("/opt/hermes/.venv")) == b("(.venv) "))
        let py313 = b("    unset VIRTUAL_ENV_PROMPT\nVIRTUAL_ENV_PROMPT='hermes-agent'\n")
        #expect(Venv.prompt(activateScript: py313, venvDir: b("/opt/hermes/.venv")) == b("hermes-agent"))
        let uv = b("    VIRTUAL_ENV_PROMPT=\"($(basename \"${VIRTUAL_ENV}\")) \"\n")
        #expect(Venv.prompt(activateScript: uv, venvDir: b("/opt/hermes/.venv")) == b("(.venv) "))
        #expect(Venv.prompt(activateScript: [], venvDir: b("/x/env")) == b("(env) "))
        #expect(Venv.ps1Prefix(b("(.venv) ")) == b("(.venv) "))
        #expect(Venv.ps1Prefix(b("hermes-agent")) == b("(hermes-agent) "))
    }

    @Test("the search for the key finds what a line-by-line reading finds, wherever it stands")
    func promptSearch() {
        // A plain line-by-line reading of the rule, to hold the skipping search to.
        func naive(_ s: Bytes) -> Bytes? {
            let key = b("VIRTUAL_ENV_PROMPT=")
            var lineStart = 0
            while lineStart <= s.count {
                let lineEnd = s[lineStart...].firstIndex(of: 0x0A) ?? s.count
                var i = lineStart
                while i < lineEnd && (s[i] == 0x20 || s[i] == 0x09) { i += 1 }
                if lineEnd - i >= key.count && Array(s[i..<i + key.count]) == key {
                    if let r = s.withUnsafeBufferPointer({ Venv.literal($0, i + key.count..<lineEnd) }) { return Array(s[r]) }
                }
                lineStart = lineEnd + 1
            }
            return nil
        }
        let pieces = ["VIRTUAL_ENV_PROMPT=", "VIRTUAL_ENV_PROMPT", "IRTUAL_ENV_PROMPT=", "PROMPT=", "=", "\n", " ", "\t", "x",
                      "'p q'", "\"(v) \"", "word", "$(x)", "TT", "_ENV", "VV", "export VIRTUAL_ENV", ";"]
        var seed: UInt64 = 0x9E3779B97F4A7C15
        for _ in 0..<3000 {
            var s = Bytes()
            for _ in 0..<(Int(seed >> 60) + 2) {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                s += b(pieces[Int(seed >> 33) % pieces.count])
            }
            let found = s.withUnsafeBufferPointer { buf in Venv.promptRange(in: buf).map { Array(s[$0]) } }
            #expect(found == naive(s), "\(String(decoding: s, as: UTF8.self).debugDescription)")
        }
    }

    @Test("activation: PATH in front, PYTHONHOME gone, PS1 only when set")
    func activate() {
        var e = Environment(entries: [b("PATH=/usr/bin"), b("PYTHONHOME=/p")])
        Venv.activate(&e, venvDir: b("/v"), activateScript: b("VIRTUAL_ENV_PROMPT=\"(v) \"\n"))
        #expect(e.entries.sorted { $0.lexicographicallyPrecedes($1) } ==
                [b("PATH=/v/bin:/usr/bin"), b("VIRTUAL_ENV=/v"), b("VIRTUAL_ENV_PROMPT=(v) ")])
        var withPS1 = Environment(entries: [b("PS1=$ ")])
        Venv.activate(&withPS1, venvDir: b("/v"), activateScript: [])
        #expect(withPS1.get("PS1") == b("(v) $ "))
        #expect(withPS1.get("PATH") == b("/v/bin:/usr/local/bin:/bin:/usr/bin"), "no PATH: the default, never an empty entry")
    }
}
