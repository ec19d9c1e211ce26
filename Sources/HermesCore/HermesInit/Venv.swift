/// R7: what the venv's `bin/activate` exports, without a shell or its `_OLD_VIRTUAL_*`.
enum Venv {
    /// The value `activate` gives `VIRTUAL_ENV_PROMPT`: the first plain assignment
    /// `VIRTUAL_ENV_PROMPT=...` in the script (quoted or not, no expansion in it).
    /// Scripts that compute it (uv's `$(basename ...)`) or lack it get `(<dir name>) `.
    static func prompt(activateScript: Bytes, venvDir: Bytes) -> Bytes {
        let found = activateScript.withUnsafeBufferPointer { s in promptRange(in: s).map { Bytes(s[$0]) } }
        if let found { return found }
        var p = Bytes("(")
        p.append(contentsOf: venvDir[baseNameStart(venvDir)...])
        p.add(") ")
        return p
    }

    /// Where the prompt's value stands in the script, when a plain assignment gives it.
    static func promptRange(in s: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let base = s.baseAddress else { return nil }
        let key: StaticString = "VIRTUAL_ENV_PROMPT="
        let k = key.utf8CodeUnitCount
        // Horspool's search: the byte under the key's last position says how far the key
        // may move. Shell text is mostly lower case and the key is upper case, so it
        // moves its whole length most of the time. Each place the key stands counts
        // where only blanks stand between it and the start of its line.
        var end = k - 1
        while end < s.count {
            let c = base[end]
            guard c == 0x3D else {
                end += horspoolShift(c)
                continue
            }
            let at = end + 1 - k
            if Memory.equal(base + at, key.utf8Start, count: k - 1) {
                var lineStart = at
                while lineStart > 0 && (s[lineStart - 1] == 0x20 || s[lineStart - 1] == 0x09) { lineStart -= 1 }
                if lineStart == 0 || s[lineStart - 1] == 0x0A {
                    let lineEnd = Memory.find(0x0A, in: base, from: end + 1, count: s.count) ?? s.count
                    if let value = literal(s, end + 1..<lineEnd) { return value }
                }
            }
            end += k  // '=' is nowhere else in the key
        }
        return nil
    }

    /// How far `VIRTUAL_ENV_PROMPT=` may move when `c` is under its last byte: from the
    /// last place `c` has in the key before that byte to the end, 19 where it has none.
    /// The key's bytes are all in 'A'...'_': one table for those, read in place.
    @inline(__always) static func horspoolShift(_ c: UInt8) -> Int {
        let shifts: StaticString = "\u{0D}\u{13}\u{13}\u{13}\u{0A}\u{13}\u{13}\u{13}\u{11}\u{13}\u{13}\u{0C}\u{03}\u{09}\u{04}\u{02}\u{13}\u{05}\u{13}\u{01}\u{0E}\u{08}\u{13}\u{13}\u{13}\u{13}\u{13}\u{13}\u{13}\u{13}\u{07}"
        let i = c &- 0x41
        return i < 31 ? Int(shifts.utf8Start[Int(i)]) : 19
    }

    /// A shell word at the start of `word` that is a plain literal: '...' or "..."
    /// without `$`, `` ` `` or `\`, or an unquoted run of safe bytes; where its value
    /// stands. Anything else is nil.
    static func literal(_ s: UnsafeBufferPointer<UInt8>, _ word: Range<Int>) -> Range<Int>? {
        guard !word.isEmpty else { return nil }
        let q = s[word.lowerBound]
        func any(_ r: Range<Int>, _ bad: (UInt8) -> Bool) -> Bool {
            for i in r where bad(s[i]) { return true }
            return false
        }
        if q == 0x27 || q == 0x22 {
            var close = word.lowerBound + 1
            while close < word.upperBound && s[close] != q { close += 1 }
            guard close < word.upperBound else { return nil }
            let inner = word.lowerBound + 1..<close
            if any(close + 1..<word.upperBound, { $0 != 0x20 && $0 != 0x09 && $0 != 0x3B }) { return nil }
            if q == 0x22 && any(inner, { $0 == 0x24 || $0 == 0x60 || $0 == 0x5C }) { return nil }
            return inner
        }
        var end = word.lowerBound
        while end < word.upperBound && s[end] != 0x20 && s[end] != 0x09 && s[end] != 0x3B { end += 1 }
        let w = word.lowerBound..<end
        if any(w, { $0 == 0x24 || $0 == 0x60 || $0 == 0x5C || $0 == 0x28 }) { return nil }
        return w
    }

    /// Where the last path component of `dir` starts.
    static func baseNameStart<C: BidirectionalCollection>(_ dir: C) -> C.Index where C.Element == UInt8 {
        guard let slash = dir.lastIndex(of: 0x2F) else { return dir.startIndex }
        return dir.index(after: slash)
    }

    /// The `PS1` prefix: the prompt itself when it already reads `(name) `, else `(prompt) `.
    static func ps1Prefix(_ prompt: Bytes) -> Bytes {
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
    static func activate(_ env: inout Environment, venvDir: Bytes, activateScript: Bytes) {
        venvDir.withUnsafeBytes { dir in
            activateScript.withUnsafeBufferPointer { script in activate(&env, venvDir: dir, script: script) }
        }
    }

    /// The same on bytes in place: every variable is written once, straight into the
    /// environment's store.
    static func activate(_ env: inout Environment, venvDir: UnsafeRawBufferPointer, script: UnsafeBufferPointer<UInt8>) {
        env.set("VIRTUAL_ENV", venvDir)
        let bin: StaticString = "/bin:"
        if let old = env.value("PATH"), !old.isEmpty {
            env.set("PATH", venvDir, bin.raw, UnsafeRawBufferPointer(old))
        } else {
            env.set("PATH", venvDir, bin.raw, Exec.defaultPath.raw)
        }
        env.unset("PYTHONHOME")
        if let r = promptRange(in: script) {
            env.set("VIRTUAL_ENV_PROMPT", UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(script)[r]))
        } else {
            let open: StaticString = "("
            let close: StaticString = ") "
            env.set("VIRTUAL_ENV_PROMPT", open.raw, UnsafeRawBufferPointer(rebasing: venvDir[baseNameStart(venvDir)...]),
                    close.raw)
        }
        // PS1 is seldom set in a container: the plain way.
        if let ps1 = env.get("PS1"), !env.isSetNonEmpty("VIRTUAL_ENV_DISABLE_PROMPT") {
            var p = ps1Prefix(env.get("VIRTUAL_ENV_PROMPT") ?? [])
            p.add(ps1)
            env.set("PS1", p)
        }
    }
}
