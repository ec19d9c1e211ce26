/// The one `char *[]` type: a NULL-terminated array of C strings for execve, its argv or
/// its envp. It points at strings that already exist (argv tails, the environment, a
/// `StringStore`'s entries, kept alive with it) and owns only the copies it made.
final class CStringArray {
    let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    let count: Int
    /// How many of the first elements are copies to free, and whether the last one is.
    let ownedFirst: Int
    let ownsLast: Bool
    let store: StringStore?

    /// Copies of `items`.
    convenience init(_ items: [Bytes]) {
        self.init(count: items.count, ownedFirst: items.count, ownsLast: false, store: nil) { p in
            for (i, item) in items.enumerated() { p[i] = CStringArray.copy(item) }
        }
    }

    /// `tail`'s `count` pointers, with a copy of `prefix` before them and of `suffix`
    /// after them when given: an argv built from our own.
    convenience init(prefix: Bytes?, _ tail: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, count: Int,
                            suffix: Bytes? = nil) {
        let extra = prefix == nil ? 0 : 1
        let total = count + extra + (suffix == nil ? 0 : 1)
        self.init(count: total, ownedFirst: extra, ownsLast: suffix != nil, store: nil) { p in
            if let prefix { p[0] = CStringArray.copy(prefix) }
            for i in 0..<count { p[extra + i] = tail[i] }
            if let suffix { p[total - 1] = CStringArray.copy(suffix) }
        }
    }

    /// The pointers as they are, the strings kept alive by `store`: an envp.
    convenience init(pointers: [UnsafeMutablePointer<CChar>], store: StringStore) {
        self.init(count: pointers.count, ownedFirst: 0, ownsLast: false, store: store) { p in
            for (i, entry) in pointers.enumerated() { p[i] = entry }
        }
    }

    private init(count: Int, ownedFirst: Int, ownsLast: Bool, store: StringStore?,
                 fill: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Void) {
        self.count = count
        self.ownedFirst = ownedFirst
        self.ownsLast = ownsLast
        self.store = store
        pointer = .allocate(capacity: count + 1)
        fill(pointer)
        pointer[count] = nil
    }

    static func copy(_ b: Bytes) -> UnsafeMutablePointer<CChar> {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: b.count + 1)
        b.withUnsafeBytes { raw in
            if raw.count > 0 { UnsafeMutableRawPointer(p).copyMemory(from: raw.baseAddress!, byteCount: raw.count) }
        }
        p[b.count] = 0
        return p
    }

    deinit {
        for i in 0..<ownedFirst { pointer[i]?.deallocate() }
        if ownsLast && count > 0 { pointer[count - 1]?.deallocate() }
        pointer.deallocate()
    }
}
