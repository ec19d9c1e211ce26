import CHermes

/// The calls that change files, for the boot steps, and chdir. Each throws the errno
/// it failed with.
extension Sys {
    @inline(__always)
    static func check(_ r: Int32) throws(Errno) { if r != 0 { throw Errno.current } }

    static func mkdir(_ path: UnsafePointer<CChar>, _ mode: UInt32) throws(Errno) { try check(CHermes.mkdir(path, mode_t(mode))) }
    static func chmod(_ path: UnsafePointer<CChar>, _ mode: UInt32) throws(Errno) { try check(CHermes.chmod(path, mode_t(mode))) }
    static func chmod(_ fd: Int32, _ mode: UInt32) throws(Errno) { try check(fchmod(fd, mode_t(mode))) }

    /// Creates a new file for writing with `mode` (less the umask): never an existing
    /// file, never through a symlink. Close-on-exec.
    static func create(_ path: UnsafePointer<CChar>, mode: UInt32) throws(Errno) -> Int32 {
        let fd = retrying { CHermes_create(path, mode_t(mode)) }
        if fd < 0 { throw Errno.current }
        return fd
    }

    static func changeDirectory(_ path: UnsafePointer<CChar>) throws(Errno) { try check(chdir(path)) }
}
