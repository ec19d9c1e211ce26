// libc declarations for HermesCore, shared by the SwiftPM (glibc) build and the
// Embedded Swift build against musl's headers. Only what Swift cannot call directly
// is wrapped here: variadic functions, function-like macros and errno.
#ifndef CHERMES_H
#define CHERMES_H

// No _GNU_SOURCE here: system headers included with other feature macros than the
// rest of the process's modules (Foundation's, in the tests) declare conflicting
// structures. The few GNU declarations we use are repeated below instead. (The
// Embedded build compiles against musl with -D_GNU_SOURCE, where nothing else is.)

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

// Declared under _GNU_SOURCE only; repeated here.
extern int setresuid(uid_t ruid, uid_t euid, uid_t suid);
extern int setresgid(gid_t rgid, gid_t egid, gid_t sgid);
extern int getresuid(uid_t *ruid, uid_t *euid, uid_t *suid);
extern int getresgid(gid_t *rgid, gid_t *egid, gid_t *sgid);
extern char **environ;
extern int pipe2(int fds[2], int flags);
extern void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);

// errno is a macro.
static inline int CHermes_errno(void) { return errno; }

// environ is a global the Embedded build cannot import through an overlay.
static inline char **CHermes_environ(void) { return environ; }

// open and openat are variadic.
// openat(AT_FDCWD): musl's open() adds an fcntl(F_SETFD) after every O_CLOEXEC open.
static inline int CHermes_open(const char *path, int flags) { return openat(AT_FDCWD, path, flags); }
static inline int CHermes_openat(int dirfd, const char *path, int flags) {
    return openat(dirfd, path, flags);
}
// A new file with its mode (the mode is the variadic part).
static inline int CHermes_create(const char *path, mode_t mode) {
    return openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
}

// prctl is variadic.
static inline int CHermes_prctl_set_no_new_privs(void) {
    return prctl(PR_SET_NO_NEW_PRIVS, 1UL, 0UL, 0UL, 0UL);
}
static inline int CHermes_prctl_set_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL);
}

// The set*id calls as plain system calls. musl wraps each in __synccall, which blocks
// and restores every signal three times per call so that all threads change together;
// our programs are single-threaded, so the plain system call is the same change.
static inline int CHermes_setgroups(size_t n, const gid_t *list) { return (int)syscall(SYS_setgroups, n, list); }
static inline int CHermes_setresgid(gid_t r, gid_t e, gid_t s) { return (int)syscall(SYS_setresgid, r, e, s); }
static inline int CHermes_setresuid(uid_t r, uid_t e, uid_t s) { return (int)syscall(SYS_setresuid, r, e, s); }
static inline int CHermes_setuid(uid_t u) { return (int)syscall(SYS_setuid, u); }

// The buffer small files, the current directory and an environment directory's records
// are read into before they are copied out at their own size (Sys.withSmallFile,
// Sys.currentDirectory, Sys.DirectoryRecords): touched as far as the largest read and
// reused by the rest, instead of a heap block each. 64-byte aligned, not page-aligned,
// which would align all of .bss and start it on a page of its own. Here rather than in a
// .c file so that CHermes stays header-only for every build (the fuzz and sanitizer
// builds compile the sources with this header alone); a build that compiles the Swift
// sources one object at a time may hold one buffer per object, which only costs room.
static inline void *CHermes_scratchPage(void) {
  static unsigned char page[4096] __attribute__((aligned(64)));
  return page;
}

// getdents64 has no wrapper in musl 1.2.3's headers without _LARGEFILE64_SOURCE games.
static inline long CHermes_getdents64(int fd, void *buf, size_t n) { return syscall(SYS_getdents64, fd, buf, n); }

// The wait-status macros.
static inline int CHermes_WIFEXITED(int status) { return WIFEXITED(status); }
static inline int CHermes_WEXITSTATUS(int status) { return WEXITSTATUS(status); }
static inline int CHermes_WIFSIGNALED(int status) { return WIFSIGNALED(status); }
static inline int CHermes_WTERMSIG(int status) { return WTERMSIG(status); }

// Constants that are macros of an expression, not a literal.
static inline unsigned long CHermes_AT_SECURE(void) { return AT_SECURE; }

#endif
