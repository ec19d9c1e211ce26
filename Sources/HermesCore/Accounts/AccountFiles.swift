/// Where the account files live. The product always reads the real ones; tests give
/// the binaries their own files through a mount namespace instead of a switch here.
enum AccountFiles {
    static let passwdPath: StaticString = "/etc/passwd"
    static let groupPath: StaticString = "/etc/group"

    /// Reads one of them; a failure names the file.
    static func load(_ path: StaticString, reader: inout FileReader) throws(Failure) -> Bytes {
        do {
            return try reader.readSmallFile(path.cString)
        } catch {
            var op = Bytes("read ")
            op.add(path)
            throw Failure.system(op, error)
        }
    }
}
