/// An owned, NUL-terminated `char *[]` built from byte strings, for execve.
public final class CStringArray {
    public let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    let count: Int

    public init(_ items: [Bytes]) {
        count = items.count
        pointer = .allocate(capacity: items.count + 1)
        for (i, item) in items.enumerated() {
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: item.count + 1)
            item.withUnsafeBytes { raw in
                if raw.count > 0 { UnsafeMutableRawPointer(p).copyMemory(from: raw.baseAddress!, byteCount: raw.count) }
            }
            p[item.count] = 0
            pointer[i] = p
        }
        pointer[items.count] = nil
    }

    deinit {
        for i in 0..<count { pointer[i]?.deallocate() }
        pointer.deallocate()
    }
}
