/// The environment a program will be exec'd with: `NAME=VALUE` C strings in order, ours
/// pointed at, new ones written once into a `StringStore`, so the envp copies pointers
/// only. Changed in memory, never with setenv.
struct Environment {
    /// One pointer per entry, in order.
    var slots: [UnsafeMutablePointer<CChar>]
    let store: StringStore
    /// The changes made since the snapshot, in order, kept only when `recording` (for
    /// traces): each one is a copy, and the fast path has no use for them.
    private(set) var changes: [Change]
    var recording: Bool

    enum Change: Equatable {
        case set(Bytes, Bytes)
        case unset(Bytes)
    }

    /// An environment of copies of `entries`.
    init(entries: [Bytes], recording: Bool = true) {
        let store = StringStore()
        var list = [UnsafeMutablePointer<CChar>]()
        list.reserveCapacity(entries.count)
        for e in entries { e.withUnsafeBytes { list.append(store.string($0)) } }
        self.store = store
        slots = list
        changes = []
        self.recording = recording
    }

    /// The process environment, pointed at. Room is kept for the dozen entries the CMD
    /// rules add, so the list grows once at most.
    static func current(recording: Bool = true) -> Environment {
        var n = 0
        while Sys.environment[n] != nil { n += 1 }
        return Environment(borrowing: Sys.environment, count: n, recording: recording)
    }

    init(borrowing list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, count: Int, recording: Bool) {
        store = StringStore()
        slots = []
        slots.reserveCapacity(count + 24)
        for i in 0..<count { slots.append(list[i]!) }
        changes = []
        self.recording = recording
    }

    /// Copies of the entries, in order (for tests and the boot steps' dump).
    var entries: [Bytes] { slots.map { Bytes(cString: $0) } }

    var count: Int { slots.count }

    static func nameLength(_ entry: Bytes) -> Int {
        var i = 0
        while i < entry.count && entry[i] != 0x3D { i += 1 }
        return i
    }

    /// True when the C string `entry` is `name=…`. Stops at the first difference, so
    /// never reads past the entry's NUL (a name holds no NUL).
    @inline(__always)
    static func matches(_ entry: UnsafeMutablePointer<CChar>, _ name: UnsafeRawBufferPointer) -> Bool {
        let e = UnsafeMutableRawPointer(entry).assumingMemoryBound(to: UInt8.self)
        var i = 0
        while i < name.count {
            if e[i] != name[i] { return false }
            i += 1
        }
        return e[i] == 0x3D
    }

    /// The index of the first entry of `name`.
    @inline(__always)
    func index(_ name: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        while i < slots.count {
            if Environment.matches(slots[i], name) { return i }
            i += 1
        }
        return nil
    }

    /// The value of `name` in place, no copy; nil when unset. The first entry wins, as
    /// with getenv. Valid while the environment (or a copy of it) lives.
    func value(_ name: UnsafeRawBufferPointer) -> UnsafeBufferPointer<UInt8>? {
        guard let i = index(name) else { return nil }
        let v = UnsafeMutableRawPointer(slots[i] + name.count + 1).assumingMemoryBound(to: UInt8.self)
        return UnsafeBufferPointer(start: v, count: cStringLength(slots[i] + name.count + 1))
    }

    func value(_ name: StaticString) -> UnsafeBufferPointer<UInt8>? { value(name.raw) }

    /// A copy of the value of `name`, or nil when unset.
    func get(_ name: Bytes) -> Bytes? {
        name.withUnsafeBytes { n in value(n).map { Bytes(copying: $0.baseAddress!, count: $0.count) } }
    }

    func get(_ name: StaticString) -> Bytes? {
        value(name.raw).map { Bytes(copying: $0.baseAddress!, count: $0.count) }
    }

    /// True when `name` is set and not empty.
    func isSetNonEmpty(_ name: StaticString) -> Bool {
        guard let v = value(name) else { return false }
        return !v.isEmpty
    }

    /// Removes the entries of `name` from index `start` on.
    private mutating func remove(_ name: UnsafeRawBufferPointer, from start: Int) {
        var i = start
        while i < slots.count {
            if Environment.matches(slots[i], name) { slots.remove(at: i) } else { i += 1 }
        }
    }

    /// Puts the finished entry `NAME=…` (its name `nameLength` bytes) in place of the
    /// first entry of that name, dropping any later ones, or at the end; recorded as a set.
    mutating func put(_ entry: UnsafeMutablePointer<CChar>, nameLength: Int) {
        let name = UnsafeRawBufferPointer(start: entry, count: nameLength)
        if let first = index(name) {
            slots[first] = entry
            remove(name, from: first + 1)
        } else {
            slots.append(entry)
        }
        if recording {
            let v = entry + nameLength + 1
            changes.append(.set(Bytes(name), Bytes(copying: v, count: cStringLength(v))))
        }
    }

    /// Sets `name` to the concatenation of up to three parts, written once into the store.
    mutating func set(_ name: UnsafeRawBufferPointer, _ a: UnsafeRawBufferPointer,
                      _ b: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                      _ c: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) {
        put(store.entry(name, a, b, c), nameLength: name.count)
    }

    mutating func set(_ name: StaticString, _ a: UnsafeRawBufferPointer,
                      _ b: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                      _ c: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) {
        set(name.raw, a, b, c)
    }

    /// Sets `name` to `value`, replacing every earlier entry of that name in place.
    mutating func set(_ name: Bytes, _ value: Bytes) {
        name.withUnsafeBytes { n in value.withUnsafeBytes { v in set(n, v) } }
    }

    mutating func set(_ name: StaticString, _ value: Bytes) {
        value.withUnsafeBytes { v in set(name.raw, v) }
    }

    mutating func set(_ name: StaticString, _ value: StaticString) { set(name.raw, value.raw) }

    /// Removes every entry of `name`; records a change only when something was removed.
    mutating func unset(_ name: UnsafeRawBufferPointer) {
        guard let first = index(name) else { return }
        remove(name, from: first)
        if recording { changes.append(.unset(Bytes(name))) }
    }

    mutating func unset(_ name: Bytes) { name.withUnsafeBytes { unset($0) } }

    mutating func unset(_ name: StaticString) { unset(name.raw) }

    /// Keeps only `name`'s entries (as execline's `emptyenv -p` keeps PATH), in place.
    mutating func keepOnly(_ name: StaticString) {
        var removed = [Change]()
        let record = recording
        slots.removeAll { e in
            if Environment.matches(e, name.raw) { return false }
            if record {
                let p = UnsafeMutableRawPointer(e).assumingMemoryBound(to: UInt8.self)
                var n = 0
                while p[n] != 0 && p[n] != 0x3D { n += 1 }
                removed.append(.unset(Bytes(copying: p, count: n)))
            }
            return true
        }
        changes += removed
    }

    /// Applies what `Envdir.read` read, in order: entries are put in as they are.
    mutating func apply(_ items: [Envdir.Item]) {
        for item in items {
            if item.isSet {
                put(item.entry, nameLength: item.nameLength)
            } else {
                unset(UnsafeRawBufferPointer(start: item.entry, count: item.nameLength))
            }
        }
    }

    /// Applies a list of changes in order.
    mutating func apply(_ list: [Change]) {
        for c in list {
            switch c {
            case .set(let n, let v): set(n, v)
            case .unset(let n): unset(n)
            }
        }
    }

    /// The NULL-terminated envp for execve: the pointers, copied once; the strings stay
    /// where they are, kept alive by the array.
    func render() -> CStringArray { CStringArray(pointers: slots, store: store) }
}
