import CHermes

/// stat, lstat and fstat, reduced to what the callers look at.
extension Sys {
    struct FileStatus {
        /// `st_mode`: the file type and permission bits.
        var mode: UInt32
        var size: Int

        init(_ st: stat) {
            mode = UInt32(st.st_mode)
            size = Int(st.st_size)
        }

        @inline(__always) func isType(_ t: Int32) -> Bool { mode & UInt32(S_IFMT) == UInt32(t) }
        var isRegular: Bool { isType(S_IFREG) }
        var isDirectory: Bool { isType(S_IFDIR) }
    }

    /// `stat(path)`, following symlinks; nil when it fails (errno says why).
    static func status(_ path: UnsafePointer<CChar>) -> FileStatus? {
        var st = stat()
        return stat(path, &st) == 0 ? FileStatus(st) : nil
    }

    /// `fstat(fd)`.
    static func status(_ fd: Int32) -> FileStatus? {
        var st = stat()
        return fstat(fd, &st) == 0 ? FileStatus(st) : nil
    }

    /// True when `path` is a directory (following symlinks).
    static func isDirectory(_ path: UnsafePointer<CChar>) -> Bool {
        status(path)?.isDirectory ?? false
    }

    /// True when `path` is a regular file with an execute bit.
    static func isExecutableFile(_ path: UnsafePointer<CChar>) -> Bool {
        guard let st = status(path) else { return false }
        return st.isRegular && st.mode & 0o111 != 0
    }

    /// `access(path, F_OK)`: something is there.
    static func exists(_ path: UnsafePointer<CChar>) -> Bool { access(path, F_OK) == 0 }

    /// `access(path, X_OK)`: a file we may execute, or a directory we may enter.
    static func mayExecute(_ path: UnsafePointer<CChar>) -> Bool { access(path, X_OK) == 0 }
}

/// statvfs, reduced to the two mount flags hermes-init looks at.
extension Sys {
    struct MountFlags: Equatable {
        var readOnly: Bool
        var noExec: Bool
    }

    /// The flags of the file system `path` is on; nil when statvfs fails (no such path).
    static func mountFlags(_ path: UnsafePointer<CChar>) -> MountFlags? {
        var st = statvfs()
        guard statvfs(path, &st) == 0 else { return nil }
        // ST_RDONLY and ST_NOEXEC: Linux's MS_RDONLY and MS_NOEXEC (glibc names the
        // second only with _GNU_SOURCE).
        return MountFlags(readOnly: st.f_flag & 1 != 0, noExec: st.f_flag & 8 != 0)
    }
}
