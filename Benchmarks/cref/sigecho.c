/* PID-1 hand-off probe: waits for SIGUSR1 and prints CLOCK_MONOTONIC (ns) the moment
 * each one arrives; prints "ready" first. Exits on SIGTERM or when stdout closes. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <time.h>

int main(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("ready\n");
    for (;;) {
        int sig = sigwaitinfo(&set, NULL);
        if (sig == SIGTERM) return 0;
        if (sig != SIGUSR1) continue;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        if (printf("%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec) < 0) return 0;
    }
}
