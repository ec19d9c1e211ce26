/* The floor of a privilege drop: the same, after hard-coded setgroups, setresgid and
 * setresuid to 65534 as raw system calls (no lookup, no checks). */
#include <sys/syscall.h>
#include <unistd.h>
extern char **environ;
int main(int argc, char **argv) {
  unsigned int g[1] = {65534};
  if (argc < 2) return 100;
  if (syscall(SYS_setgroups, 1, g) || syscall(SYS_setresgid, 65534, 65534, 65534) ||
      syscall(SYS_setresuid, 65534, 65534, 65534))
    return 111;
  execve(argv[1], argv + 1, environ);
  return 127;
}
