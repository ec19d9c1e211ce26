/* Interleaved exec latency: runs each command in turn, ROUNDS times, timing spawn to
 * reap with CLOCK_MONOTONIC, so that drift and noise hit every command alike. Each
 * round starts one command further on, so every command runs in every position equally
 * often: a fixed order measured the same binary 3 to 6 us apart by where it stood.
 *   interleave ROUNDS CMD1... -- CMD2... [-- CMD3...]
 * Prints one line per command: median_ns p10_ns mean_ns. Any non-zero exit aborts (2). */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
extern char **environ;

static int cmp(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 3) return 100;
  int rounds = atoi(argv[1]);
  char **cmds[64];
  int n = 0;
  cmds[n++] = argv + 2;
  for (int i = 2; i < argc; i++)
    if (!strcmp(argv[i], "--")) { argv[i] = NULL; if (n < 64) cmds[n++] = argv + i + 1; }
  long long *t = calloc((size_t)rounds * n, sizeof *t);
  if (!t) return 111;
  for (int r = 0; r < rounds; r++) {
    for (int k = 0; k < n; k++) {
      int c = (r + k) % n;
      struct timespec a, b;
      pid_t pid;
      int status;
      clock_gettime(CLOCK_MONOTONIC, &a);
      if (posix_spawn(&pid, cmds[c][0], NULL, NULL, cmds[c], environ)) { perror("spawn"); return 111; }
      while (waitpid(pid, &status, 0) < 0) {}
      clock_gettime(CLOCK_MONOTONIC, &b);
      if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        fprintf(stderr, "interleave: %s exited %d\n", cmds[c][0], status);
        return 2;
      }
      t[c * rounds + r] = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    }
  }
  for (int c = 0; c < n; c++) {
    long long *x = t + (size_t)c * rounds, sum = 0;
    for (int r = 0; r < rounds; r++) sum += x[r];
    qsort(x, rounds, sizeof *x, cmp);
    printf("%lld %lld %lld\n", x[rounds / 2], x[rounds / 10], sum / rounds);
  }
  return 0;
}
