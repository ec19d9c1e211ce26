/// One side of an ACCOUNT: a name or a numeric id.
enum IDRef: Equatable {
    case name(Bytes)
    case id(UInt32)

    /// All digits means an id; anything else is a name.
    static func parse(_ part: ArraySlice<UInt8>) -> IDRef {
        if let n = parseID(part) { return .id(n) }
        return .name(Bytes(part))
    }
}

/// What the ACCOUNT argument asks for. Parsing is pure; nothing is looked up here.
///
/// Accepted forms:
/// - `""`: no change at all (as `s6-setuidgid ""`);
/// - `name` or `uid`: the passwd entry's uid and primary gid, and its groups from
///   /etc/group; a bare uid must have a passwd entry (never a silent gid 0);
/// - `user:group` with each side a name or a number: exactly that uid and that one
///   group. `uid:gid` needs no passwd or group entry (as `s6-setuidgid uid:gid`).
enum UserSpec: Equatable {
    case unchanged
    case user(IDRef)
    case userGroup(IDRef, IDRef)

    enum ParseError: Error, Equatable {
        case emptyUser
        case emptyGroup
        case tooManyColons
        case idOutOfRange
    }

    static func parse(_ spec: Bytes) throws(ParseError) -> UserSpec {
        if spec.isEmpty { return .unchanged }
        var colon: Int? = nil
        for (i, c) in spec.enumerated() where c == 0x3A {
            if colon != nil { throw .tooManyColons }
            colon = i
        }
        guard let colon else {
            let ref = IDRef.parse(spec[...])
            try checkRange(ref, spec[...])
            return .user(ref)
        }
        let userPart = spec[..<colon]
        let groupPart = spec[(colon + 1)...]
        if userPart.isEmpty { throw .emptyUser }
        if groupPart.isEmpty { throw .emptyGroup }
        let user = IDRef.parse(userPart)
        let group = IDRef.parse(groupPart)
        try checkRange(user, userPart)
        try checkRange(group, groupPart)
        return .userGroup(user, group)
    }

    /// A string of digits that did not parse as an id is too large (or is
    /// 4294967295): refuse it rather than treat it as a name.
    static func checkRange(_ ref: IDRef, _ part: ArraySlice<UInt8>) throws(ParseError) {
        if case .name = ref, !part.isEmpty, part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            throw .idOutOfRange
        }
    }
}

extension UserSpec.ParseError {
    var reason: Bytes {
        switch self {
        case .emptyUser: return Bytes("the user before ':' is empty")
        case .emptyGroup: return Bytes("the group after ':' is empty")
        case .tooManyColons: return Bytes("more than one ':'")
        case .idOutOfRange: return Bytes("id out of range (0 to 4294967294)")
        }
    }
}
