/// Append-only storage for C strings: chunks of 1 KiB (a larger string gets its own),
/// chained through their first word, freed together. Nothing in it moves or changes
/// once written, so pointers into it stay valid while the store lives. A container
/// start writes a few hundred bytes: small chunks keep what it allocates after them on
/// the pages already touched.
final class StringStore {
    static let chunkSize = 1024
    /// Each chunk starts with the pointer to the one made before it.
    private var newest: UnsafeMutableRawPointer? = nil
    private var next: UnsafeMutableRawPointer? = nil
    private var room = 0

    deinit {
        var c = newest
        while let chunk = c {
            c = chunk.load(as: UnsafeMutableRawPointer?.self)
            chunk.deallocate()
        }
    }

    /// A new chunk with at least `count` bytes to write to, chained to the others.
    private func newChunk(_ count: Int) -> UnsafeMutableRawBufferPointer {
        let header = MemoryLayout<UnsafeMutableRawPointer?>.stride
        let size = Swift.max(StringStore.chunkSize, header + count)
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: header)
        chunk.storeBytes(of: newest, as: UnsafeMutableRawPointer?.self)
        newest = chunk
        return UnsafeMutableRawBufferPointer(start: chunk + header, count: size - header)
    }

    /// `count` bytes to write to.
    func allocate(_ count: Int) -> UnsafeMutableRawPointer {
        if count <= room, let p = next {
            next = p + count
            room -= count
            return p
        }
        let fresh = newChunk(count)
        // A chunk of its own for a large string; the current one keeps its room.
        if fresh.count - count >= room {
            next = fresh.baseAddress! + count
            room = fresh.count - count
        }
        return fresh.baseAddress!
    }

    /// A string written in place whose length is not known before (a value read from a
    /// file): the current chunk's free bytes, moved to a block of its own by `grow` when
    /// it outgrows them. Nothing is taken until `keep`.
    struct Draft {
        private(set) var bytes: UnsafeMutableRawBufferPointer
        fileprivate var inChunk: Bool
        fileprivate init(_ bytes: UnsafeMutableRawBufferPointer, inChunk: Bool) {
            self.bytes = bytes
            self.inChunk = inChunk
        }
    }

    /// A draft of at least `minimum` bytes (a fresh chunk when the current one has fewer).
    func draft(atLeast minimum: Int) -> Draft {
        if minimum > room || next == nil {
            let fresh = newChunk(minimum)
            next = fresh.baseAddress
            room = fresh.count
        }
        return Draft(UnsafeMutableRawBufferPointer(start: next, count: room), inChunk: true)
    }

    /// Twice the room, with the first `used` bytes of the draft copied over.
    func grow(_ d: inout Draft, keeping used: Int) {
        let size = d.bytes.count * 2
        let bigger = UnsafeMutableRawBufferPointer(start: allocate(size), count: size)
        bigger.baseAddress!.copyMemory(from: d.bytes.baseAddress!, byteCount: used)
        d = Draft(bigger, inChunk: false)
    }

    /// Keeps the draft's first `count` bytes (which hold the string and its NUL).
    func keep(_ d: Draft, count: Int) -> UnsafeMutablePointer<CChar> {
        if d.inChunk {
            next! += count
            room -= count
        }
        return d.bytes.baseAddress!.assumingMemoryBound(to: CChar.self)
    }

    /// A NUL-terminated copy of `bytes`.
    func string(_ bytes: UnsafeRawBufferPointer) -> UnsafeMutablePointer<CChar> {
        let p = allocate(bytes.count + 1)
        Memory.copy(p, bytes)
        p.storeBytes(of: 0, toByteOffset: bytes.count, as: UInt8.self)
        return p.assumingMemoryBound(to: CChar.self)
    }

    /// `NAME=` followed by the parts and a NUL.
    func entry(_ name: UnsafeRawBufferPointer, _ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer,
               _ c: UnsafeRawBufferPointer) -> UnsafeMutablePointer<CChar> {
        let p = allocate(name.count + 1 + a.count + b.count + c.count + 1)
        var at = p
        Memory.copy(at, name)
        at += name.count
        at.storeBytes(of: 0x3D, as: UInt8.self)
        at += 1
        Memory.copy(at, a)
        at += a.count
        Memory.copy(at, b)
        at += b.count
        Memory.copy(at, c)
        at += c.count
        at.storeBytes(of: 0, as: UInt8.self)
        return p.assumingMemoryBound(to: CChar.self)
    }
}
