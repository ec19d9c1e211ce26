/// Python venv activation without a shell: the variables the venv's `bin/activate`
/// exports, and none of its private ones (`_OLD_VIRTUAL_*`, `deactivate`).
public enum Venv {
    /// The value `activate` gives `VIRTUAL_ENV_PROMPT`: the first plain assignment
    /// `VIRTUAL_ENV_PROMPT=...` in the script (quoted or not, no expansion in it).
    /// Scripts that compute it (uv's `$(basename ...)`) or lack it get `(<dir name>) `.
    public static func prompt(activateScript: Bytes, venvDir: Bytes) -> Bytes {
        let found: Bytes? = activateScript.withUnsafeBufferPointer { s -> Bytes? in
            guard let base = s.baseAddress else { return nil }
            let key: StaticString = "VIRTUAL_ENV_PROMPT="
            let keyLength = key.utf8CodeUnitCount
            // Each place the key stands, in order; one counts where only blanks stand
            // between it and the start of its line.
            var from = 0
            while from < s.count, let at = Memory.find(key, in: base, from: from, count: s.count) {
                var lineStart = at
                while lineStart > 0 && (s[lineStart - 1] == 0x20 || s[lineStart - 1] == 0x09) { lineStart -= 1 }
                if lineStart == 0 || s[lineStart - 1] == 0x0A {
                    let rest = at + keyLength
                    let lineEnd = Memory.find(0x0A, in: base, from: rest, count: s.count) ?? s.count
                    if let value = literal(Array(s[rest..<lineEnd])) { return value }
                }
                from = at + 1
            }
            return nil
        }
        if let found { return found }
        var base = venvDir
        if let slash = venvDir.lastIndex(of: 0x2F) { base = Array(venvDir[(slash + 1)...]) }
        var p = Bytes("(")
        p.add(base)
        p.add(") ")
        return p
    }

    /// A shell word that is a plain literal: '...' or "..." without `$`, `` ` `` or `\`,
    /// or an unquoted run of safe bytes. Anything else is nil.
    static func literal(_ word: Bytes) -> Bytes? {
        guard let q = word.first else { return nil }
        if q == 0x27 || q == 0x22 {
            guard let close = word.dropFirst().firstIndex(of: q) else { return nil }
            let inner = Array(word[1..<close])
            let rest = word[(close + 1)...]
            if !rest.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x3B }) { return nil }
            if q == 0x22 && inner.contains(where: { $0 == 0x24 || $0 == 0x60 || $0 == 0x5C }) { return nil }
            return inner
        }
        var end = 0
        while end < word.count && word[end] != 0x20 && word[end] != 0x09 && word[end] != 0x3B { end += 1 }
        let w = Array(word[..<end])
        if w.contains(where: { $0 == 0x24 || $0 == 0x60 || $0 == 0x5C || $0 == 0x28 }) { return nil }
        return w
    }

    /// The `PS1` prefix: the prompt itself when it already reads `(name) `, else `(prompt) `.
    public static func ps1Prefix(_ prompt: Bytes) -> Bytes {
        if prompt.count >= 3 && prompt.first == 0x28 && prompt.last == 0x20 && prompt[prompt.count - 2] == 0x29 {
            return prompt
        }
        var p = Bytes("(")
        p.add(prompt)
        p.add(") ")
        return p
    }

    /// Applies activation to `env`: VIRTUAL_ENV, PATH with the venv's bin in front,
    /// PYTHONHOME removed, VIRTUAL_ENV_PROMPT, and PS1 prefixed only when PS1 is set
    /// and VIRTUAL_ENV_DISABLE_PROMPT is empty.
    public static func activate(_ env: inout Environment, venvDir: Bytes, activateScript: Bytes) {
        env.set("VIRTUAL_ENV", venvDir)
        var path = venvDir
        path.add("/bin:")
        if let old = env.get("PATH"), !old.isEmpty { path.add(old) } else { path.add(Exec.defaultPath) }
        env.set("PATH", path)
        env.unset("PYTHONHOME")
        let prompt = prompt(activateScript: activateScript, venvDir: venvDir)
        env.set("VIRTUAL_ENV_PROMPT", prompt)
        if let ps1 = env.get("PS1"), !env.isSetNonEmpty("VIRTUAL_ENV_DISABLE_PROMPT") {
            var p = ps1Prefix(prompt)
            p.add(ps1)
            env.set("PS1", p)
        }
    }
}
