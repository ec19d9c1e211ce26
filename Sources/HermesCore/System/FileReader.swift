import CHermes

/// The one owner of the scratch page, and of what happens to a descriptor once read.
/// The scratch page (`CHermes_scratchPage`, 4 KiB of .bss) takes what a start reads
/// before it is copied out at its own size: a small file, the current directory, an
/// environment directory's records. Only this type touches it, so every build, the
/// tests' included, has one page and one set of users. It is not copyable, and each use
/// holds it exclusively for its closure: a reader holding directory records cannot read
/// a small file into the page under them (the compiler refuses the overlapping access;
/// SourceLayoutTests proves it).
///
/// `execFollows`: the program goes straight on to execve (privdrop, hermes-init's exec
/// modes), so close-on-exec descriptors are left to the exec to close, which saves one
/// system call each, up to 64 of them; a supervisor that lives on closes as it goes.
struct FileReader: ~Copyable {
    let page: UnsafeMutableRawPointer
    var descriptors: Descriptors

    init(execFollows: Bool) {
        page = CHermes_scratchPage()!
        descriptors = Descriptors(leaveToExec: execFollows)
    }

    /// The page's size.
    static let pageSize = 4096

    /// What a read does with the descriptor it opened (opened close-on-exec here).
    struct Descriptors {
        let leaveToExec: Bool
        var leftOpen = 0

        mutating func done(_ fd: Int32) {
            if leaveToExec && leftOpen < 64 {
                leftOpen += 1
            } else {
                Sys.close(fd)
            }
        }
    }

    /// Reads one of the image's own small files (/etc/passwd, /etc/group, the venv's
    /// activate, the subcommand list), regular files in any image, and hands its bytes
    /// to `body`: one read into the page, no fstat (a short read of a regular file is its
    /// end); a file that fills the page is read on to its end, onto the heap. Not for
    /// procfs or pipes: `readFile` is.
    mutating func withSmallFile(_ path: UnsafePointer<CChar>, limit: Int = 64 << 20,
                                       _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(Errno) {
        let fd = try Sys.open(path, .readOnly)
        defer { descriptors.done(fd) }
        let n = Sys.read(fd, page, FileReader.pageSize)
        if n < 0 { throw Errno.current }
        if n < FileReader.pageSize {
            body(UnsafeBufferPointer(start: page.assumingMemoryBound(to: UInt8.self), count: n))
            return
        }
        var whole = Bytes(copying: page, count: n)
        whole.append(contentsOf: try Sys.readAll(fd, limit: limit - n))
        whole.withUnsafeBufferPointer(body)
    }

    /// The same as an array of exactly the file's bytes.
    mutating func readSmallFile(_ path: UnsafePointer<CChar>, limit: Int = 64 << 20) throws(Errno) -> Bytes {
        var result = Bytes()
        try withSmallFile(path, limit: limit) { result = Bytes(copying: $0.baseAddress!, count: $0.count) }
        return result
    }

    /// The current directory: into the page (PATH_MAX, its NUL included, is the most the
    /// kernel returns), then an array of the path's own size.
    mutating func currentDirectory() throws(Errno) -> Bytes {
        let p = page.assumingMemoryBound(to: CChar.self)
        if getcwd(p, Int(PATH_MAX)) == nil { throw Errno.current }
        return Bytes(copying: p, count: cStringLength(p))
    }

    /// The records of the open directory `fd`, read into the page (moved to the heap only
    /// when they outgrow it), for `body`, which may close descriptors but cannot read
    /// into the page while it holds them.
    mutating func withDirectoryRecords<R>(
        _ fd: Int32, _ body: (borrowing Sys.DirectoryRecords, inout Descriptors) throws(Failure) -> R,
        failure: (Errno) -> Failure
    ) throws(Failure) -> R {
        let records: Sys.DirectoryRecords
        do throws(Errno) { records = try Sys.DirectoryRecords(fd, page: page, pageSize: FileReader.pageSize) } catch {
            throw failure(error)
        }
        return try body(records, &descriptors)
    }

    /// Where the page is, for the tests that show its users share it.
    var pageAddress: UnsafeMutableRawPointer { page }
}
