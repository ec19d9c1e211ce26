/// A NUL-terminated `char *[]` that points at existing strings (argv tails), with an
/// optional owned first and last element. Nothing is copied but the pointers.
public final class PointerArray {
    public let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    let owned: (UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<CChar>?)

    public init(prefix: Bytes?, _ tail: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, count: Int, suffix: Bytes? = nil) {
        let extra = prefix == nil ? 0 : 1
        let total = count + extra + (suffix == nil ? 0 : 1)
        pointer = .allocate(capacity: total + 1)
        let first = prefix.map(PointerArray.copy)
        let last = suffix.map(PointerArray.copy)
        owned = (first, last)
        if let first { pointer[0] = first }
        for i in 0..<count { pointer[extra + i] = tail[i] }
        if let last { pointer[total - 1] = last }
        pointer[total] = nil
    }

    static func copy(_ b: Bytes) -> UnsafeMutablePointer<CChar> {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: b.count + 1)
        for (i, c) in b.enumerated() { p[i] = CChar(bitPattern: c) }
        p[b.count] = 0
        return p
    }

    deinit {
        owned.0?.deallocate()
        owned.1?.deallocate()
        pointer.deallocate()
    }
}
