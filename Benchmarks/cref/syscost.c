/* What the kernel charges here for the operations the start path is made of: a bare
 * system call (getppid), reading a small file (openat + read, close left to exec), the
 * same with fstat first, access(). Means over 20000 each, in ns. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
  const char *file = argc > 1 ? argv[1] : "/etc/hostname";
  enum { N = 20000 };
  char buf[4096];
  struct stat st;
  long long t0 = now();
  for (int i = 0; i < N; i++) getppid();
  long long t1 = now();
  for (int i = 0; i < N; i++) { int fd = openat(AT_FDCWD, file, O_RDONLY | O_CLOEXEC); if (read(fd, buf, sizeof buf) < 0) return 1; close(fd); }
  long long t2 = now();
  for (int i = 0; i < N; i++) { int fd = openat(AT_FDCWD, file, O_RDONLY | O_CLOEXEC); fstat(fd, &st); if (read(fd, buf, sizeof buf) < 0) return 1; close(fd); }
  long long t3 = now();
  for (int i = 0; i < N; i++) { int fd = open("/dev/null", O_RDONLY); close(fd); }
  long long t4 = now();
  for (int i = 0; i < N; i++) access("/tmp/.", X_OK);
  long long t5 = now();
  double close_ns = 0;
  { long long a = now(); for (int i = 0; i < N; i++) close(-1); close_ns = (now() - a) / (double)N; }
  printf("{\"syscall_ns\": %.0f, \"open_read_ns\": %.0f, \"open_fstat_read_ns\": %.0f, \"open_close_ns\": %.0f, "
         "\"access_ns\": %.0f, \"close_ns\": %.0f}\n",
         (t1 - t0) / (double)N, (t2 - t1) / (double)N - close_ns, (t3 - t2) / (double)N - close_ns,
         (t4 - t3) / (double)N, (t5 - t4) / (double)N, close_ns);
  return 0;
}
