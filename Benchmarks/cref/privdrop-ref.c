/* The practical limit for a privilege drop, written here as a yardstick: resolve the
 * user (musl's getpwnam reads /etc/passwd directly), set the groups from /etc/group,
 * then gid, then uid, then execvp. No verification, no diagnostics beyond perror.
 *   privdrop-ref USER PROG [ARG...] */
#define _GNU_SOURCE
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) return 100;
    struct passwd *pw = getpwnam(argv[1]);
    if (!pw) return 1;
    gid_t groups[256];
    int n = 256;
    if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0) return 111;
    if (setgroups((size_t)n, groups) || setgid(pw->pw_gid) || setuid(pw->pw_uid)) return 111;
    execvp(argv[2], argv + 2);
    perror("execvp");
    return 127;
}
