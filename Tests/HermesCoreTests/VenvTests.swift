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
