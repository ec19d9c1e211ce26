/// The environment a program will be exec'd with: entries `NAME=VALUE` as bytes, in
/// the order they came. Built from `environ` once, changed in memory (never with
/// setenv), rendered into a fresh envp at exec time.
public struct Environment {
    public private(set) var entries: [Bytes]
    /// The changes made since the snapshot, in order, kept only when `recording` (for
    /// traces): each one is a copy, and the fast path has no use for them.
    public private(set) var changes: [Change]
    public var recording: Bool

    public enum Change: Equatable {
        case set(Bytes, Bytes)
        case unset(Bytes)
    }

    public init(entries: [Bytes], recording: Bool = true) {
        self.entries = entries
        self.changes = []
        self.recording = recording
    }

    /// A copy of the process environment.
    public static func current(recording: Bool = true) -> Environment {
        var list = [Bytes]()
        var p = Sys.environment
        while let entry = p.pointee {
            list.append(Bytes(cString: entry))
            p += 1
        }
        return Environment(entries: list, recording: recording)
    }

    static func nameLength(_ entry: Bytes) -> Int {
        var i = 0
        while i < entry.count && entry[i] != 0x3D { i += 1 }
        return i
    }

    static func matches(_ entry: Bytes, _ name: Bytes) -> Bool {
        guard entry.count > name.count, entry[name.count] == 0x3D else { return false }
        for i in 0..<name.count where entry[i] != name[i] { return false }
        return true
    }

    /// The value of `name`, or nil when unset. The first entry wins, as with getenv.
    public func get(_ name: Bytes) -> Bytes? {
        for e in entries where Environment.matches(e, name) {
            return e.suffix(from: name.count + 1)
        }
        return nil
    }

    public func get(_ name: StaticString) -> Bytes? { get(Bytes(name)) }

    /// True when `name` is set and not empty.
    public func isSetNonEmpty(_ name: StaticString) -> Bool {
        guard let v = get(name) else { return false }
        return !v.isEmpty
    }

    /// Sets `name` to `value`, replacing every earlier entry of that name in place.
    public mutating func set(_ name: Bytes, _ value: Bytes) {
        // NAME=VALUE in one allocation, two block copies.
        let entry = Bytes(unsafeUninitializedCapacity: name.count + 1 + value.count) { buf, n in
            name.withUnsafeBufferPointer { Memory.copy(buf.baseAddress!, $0.baseAddress!, count: $0.count) }
            buf[name.count] = 0x3D
            value.withUnsafeBufferPointer { Memory.copy(buf.baseAddress! + name.count + 1, $0.baseAddress!, count: $0.count) }
            n = name.count + 1 + value.count
        }
        var replaced = false
        var i = 0
        while i < entries.count {
            if Environment.matches(entries[i], name) {
                if replaced { entries.remove(at: i); continue }
                entries[i] = entry
                replaced = true
            }
            i += 1
        }
        if !replaced { entries.append(entry) }
        if recording { changes.append(.set(name, value)) }
    }

    public mutating func set(_ name: StaticString, _ value: Bytes) { set(Bytes(name), value) }

    /// Removes every entry of `name`; records a change only when something was removed.
    public mutating func unset(_ name: Bytes) {
        let before = entries.count
        entries.removeAll { Environment.matches($0, name) }
        if recording && entries.count != before { changes.append(.unset(name)) }
    }

    public mutating func unset(_ name: StaticString) { unset(Bytes(name)) }

    /// Keeps only the named variables (as execline's `emptyenv -p` keeps PATH).
    public mutating func keepOnly(_ names: [Bytes]) {
        var kept = [Bytes]()
        for e in entries {
            let n = Environment.nameLength(e)
            var keep = false
            for name in names where name.count == n && Environment.matches(e, name) { keep = true }
            if keep { kept.append(e) } else if recording { changes.append(.unset(Bytes(e[..<n]))) }
        }
        entries = kept
    }

    /// Applies a list of changes in order.
    public mutating func apply(_ list: [Change]) {
        for c in list {
            switch c {
            case .set(let n, let v): set(n, v)
            case .unset(let n): unset(n)
            }
        }
    }
}
