#if !os(Linux) && !HERMES_MUSL
#error("HermesCore targets Linux only")
#endif

/// Raw bytes: argv tails, environment entries, file contents and messages stay bytes
/// from end to end. `String` would repair invalid UTF-8, so it is never used for data.
typealias Bytes = [UInt8]

extension StaticString {
    /// A literal as a C string: Swift's string literals are NUL-terminated.
    var cString: UnsafePointer<CChar> { UnsafeRawPointer(utf8Start).assumingMemoryBound(to: CChar.self) }
}

extension Array where Element == UInt8 {
    /// Appends the UTF-8 bytes of a literal.
    @inline(__always)
    mutating func add(_ literal: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func add(_ bytes: Bytes) { append(contentsOf: bytes) }

    /// Appends a NUL-terminated C string without its terminator.
    mutating func add(cString: UnsafePointer<CChar>) {
        let p = UnsafeRawPointer(cString).assumingMemoryBound(to: UInt8.self)
        append(contentsOf: UnsafeBufferPointer(start: p, count: cStringLength(cString)))
    }

    /// Appends `value` in decimal.
    mutating func add(decimal value: UInt64) {
        var n = value
        var divisor: UInt64 = 1
        while n / divisor >= 10 { divisor *= 10 }
        repeat {
            append(UInt8(truncatingIfNeeded: n / divisor) + 0x30)
            n %= divisor
            divisor /= 10
        } while divisor != 0
    }

    @inline(__always)
    mutating func add(decimal value: UInt32) { add(decimal: UInt64(value)) }

    mutating func add(decimal value: Int32) {
        if value < 0 { append(0x2D); add(decimal: UInt64(-Int64(value))) } else { add(decimal: UInt64(value)) }
    }

    /// Builds bytes from a literal.
    init(_ literal: StaticString) {
        self.init()
        add(literal)
    }

    /// Copies a NUL-terminated C string (without its terminator).
    init(cString: UnsafePointer<CChar>) {
        self.init(copying: cString, count: cStringLength(cString))
    }

    /// A copy of `count` bytes at `source`, made in one block copy (Array's own copying
    /// goes element by element).
    init(copying source: UnsafeRawPointer, count: Int) {
        self.init(unsafeUninitializedCapacity: count) { buf, n in
            if count > 0 { UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: source, byteCount: count) }
            n = count
        }
    }

    /// True when the bytes from `offset` on start with `prefix`.
    func hasPrefix(_ prefix: Bytes, at offset: Int = 0) -> Bool {
        guard offset >= 0, count - offset >= prefix.count else { return false }
        for i in 0..<prefix.count where self[offset + i] != prefix[i] { return false }
        return true
    }

    /// True when the bytes equal the literal.
    func equals(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount else { return false }
        let start = literal.utf8Start
        for i in 0..<count where self[i] != start[i] { return false }
        return true
    }

}

/// strlen, in Swift (the C one is not reachable from every build mode the same way).
@inline(__always)
func cStringLength(_ s: UnsafePointer<CChar>) -> Int {
    var n = 0
    while s[n] != 0 { n += 1 }
    return n
}

/// True when the NUL-terminated C string equals the literal.
func cStringEquals(_ s: UnsafePointer<CChar>, _ literal: StaticString) -> Bool {
    let bytes = UnsafeRawPointer(s).assumingMemoryBound(to: UInt8.self)
    let start = literal.utf8Start
    let n = literal.utf8CodeUnitCount
    for i in 0..<n where bytes[i] != start[i] { return false }
    return bytes[n] == 0
}

/// True when the C string starts with the literal.
func cStringHasPrefix(_ s: UnsafePointer<CChar>, _ literal: StaticString) -> Bool {
    let bytes = UnsafeRawPointer(s).assumingMemoryBound(to: UInt8.self)
    let start = literal.utf8Start
    for i in 0..<literal.utf8CodeUnitCount where bytes[i] != start[i] { return false }
    return true
}

/// Parses an unsigned decimal id: one or more ASCII digits and nothing else. The value
/// 4294967295 is `(uid_t)-1`, which the kernel reads as "leave unchanged", so the
/// largest accepted id is 4294967294. Leading zeros are accepted ("0010" is 10).
func parseID<C: Collection>(_ digits: C) -> UInt32? where C.Element == UInt8 {
    if digits.isEmpty { return nil }
    var value: UInt64 = 0
    for c in digits {
        guard c >= 0x30 && c <= 0x39 else { return nil }
        value = value * 10 + UInt64(c - 0x30)
        if value >= 4_294_967_295 { return nil }
    }
    return UInt32(value)
}

extension StaticString {
    /// The literal's bytes, without its NUL.
    @inline(__always)
    var raw: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: utf8Start, count: utf8CodeUnitCount) }
}
