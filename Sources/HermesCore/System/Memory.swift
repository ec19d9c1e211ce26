import CHermes

/// libc's memory functions, for the byte scans that run on every start (the venv's
/// activate, the subcommand list, envdir values). Not system calls, but C all the same,
/// so they live with the rest of the C boundary.
enum Memory {
    /// The offset of the first `byte` in `base[from..<count]`, or nil.
    @inline(__always)
    static func find(_ byte: UInt8, in base: UnsafePointer<UInt8>, from: Int, count: Int) -> Int? {
        guard let hit = memchr(base + from, Int32(byte), count - from) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    /// True when the `count` bytes at `a` and `b` are equal.
    @inline(__always)
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        memcmp(a, b, count) == 0
    }

    /// Copies `count` bytes from `source` to `destination` (which do not overlap).
    @inline(__always)
    static func copy(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, count: Int) {
        if count > 0 { memcpy(destination, source, count) }
    }

    /// Copies the bytes of `source` to `destination` (which do not overlap).
    @inline(__always)
    static func copy(_ destination: UnsafeMutableRawPointer, _ source: UnsafeRawBufferPointer) {
        if let base = source.baseAddress, source.count > 0 { memcpy(destination, base, source.count) }
    }

    /// True when the C string `a` sorts before `b`, byte by byte as unsigned values
    /// (strcmp's order, and `lexicographicallyPrecedes` on their bytes).
    @inline(__always)
    static func precedes(_ a: UnsafePointer<CChar>, _ b: UnsafePointer<CChar>) -> Bool {
        strcmp(a, b) < 0
    }
}
