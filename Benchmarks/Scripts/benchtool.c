// benchtool: the small C helpers of the side-by-side benchmarks (../run builds it with cc -O2).
//
//   benchtool spawn N [PROGRAM ARGS…]   the raw posix_spawn limit: spawns N children (default
//                                       `sleep infinity`), prints "SPAWNED n=N spawn_ns=…" once the
//                                       last posix_spawn returned, then waits for a line (or EOF)
//                                       on stdin, SIGKILLs and reaps them, prints "REAPED kill_ns=…".
//   benchtool orphans N FILE            forks N children that block on a pipe whose only writer is
//                                       this process, writes their pids and then "exit_ns=T" to
//                                       FILE, and exits: the children see EOF and exit at once, as
//                                       orphans of the nearest subreaper (the init under test).
//   benchtool zwatch FILE TIMEOUT_S     waits for FILE to be complete, then until none of its
//                                       pids exists any more (kill(pid, 0) == ESRCH: a zombie
//                                       still exists), and prints "REAPED n=N reap_ns=…" measured
//                                       from the orphans' parent's exit_ns.
//   benchtool flap MS [CODE]            prints "FLAP start T", sleeps MS ms, prints "FLAP end T"
//                                       and exits CODE (default 1): a child that keeps crashing,
//                                       with its own start and exit instants (restart latency).
//   benchtool stamp FILE                appends one line, CLOCK_REALTIME in nanoseconds, to FILE
//                                       (a cron job's command: when did this fire really start?).
//
// Every T is CLOCK_MONOTONIC in nanoseconds, comparable across the processes of the machine.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void say(const char *text) {
    size_t left = strlen(text);
    while (left > 0) {
        ssize_t n = write(1, text, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        text += n;
        left -= (size_t)n;
    }
}

static int spawn_command(int argc, char **argv) {
    if (argc < 3) return 64;
    int n = atoi(argv[2]);
    char *default_argv[] = {"sleep", "infinity", NULL};
    char **child_argv = argc > 3 ? argv + 3 : default_argv;
    pid_t *pids = calloc((size_t)n, sizeof(pid_t));
    int64_t start = now_ns();
    for (int i = 0; i < n; i++) {
        int rc = posix_spawnp(&pids[i], child_argv[0], NULL, NULL, child_argv, environ);
        if (rc != 0) {
            fprintf(stderr, "benchtool spawn: posix_spawnp #%d: %s\n", i, strerror(rc));
            return 1;
        }
    }
    int64_t spawned = now_ns();
    char line[128];
    snprintf(line, sizeof line, "SPAWNED n=%d spawn_ns=%lld\n", n, (long long)(spawned - start));
    say(line);
    char byte;
    while (read(0, &byte, 1) > 0 && byte != '\n') {}
    int64_t kill_start = now_ns();
    for (int i = 0; i < n; i++) kill(pids[i], SIGKILL);
    for (int i = 0; i < n; i++) {
        while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR) {}
    }
    snprintf(line, sizeof line, "REAPED kill_ns=%lld\n", (long long)(now_ns() - kill_start));
    say(line);
    return 0;
}

static int orphans_command(int argc, char **argv) {
    if (argc != 4) return 64;
    int n = atoi(argv[2]);
    int fds[2];
    if (pipe(fds) != 0) return 1;
    FILE *out = fopen(argv[3], "w");
    if (!out) return 1;
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("benchtool orphans: fork");
            return 1;
        }
        if (pid == 0) {
            close(fds[1]);
            char byte;
            while (read(fds[0], &byte, 1) < 0 && errno == EINTR) {}
            _exit(0);
        }
        fprintf(out, "%d\n", (int)pid);
    }
    close(fds[0]);
    fflush(out);
    // The instant just before this process exits; its exit closes the pipe's only write end.
    fprintf(out, "exit_ns=%lld\n", (long long)now_ns());
    fclose(out);
    _exit(0);
}

static int zwatch_command(int argc, char **argv) {
    if (argc != 4) return 64;
    double timeout_s = atof(argv[3]);
    int64_t deadline = now_ns() + (int64_t)(timeout_s * 1e9);
    int capacity = 1024, count = 0;
    pid_t *pids = malloc(sizeof(pid_t) * (size_t)capacity);
    long long exit_ns = -1;
    // Wait for the complete file (its last line is exit_ns=…).
    while (exit_ns < 0) {
        if (now_ns() > deadline) {
            fprintf(stderr, "benchtool zwatch: %s never completed\n", argv[2]);
            return 1;
        }
        FILE *in = fopen(argv[2], "r");
        count = 0;
        if (in) {
            char line[64];
            while (fgets(line, sizeof line, in)) {
                if (strncmp(line, "exit_ns=", 8) == 0) {
                    exit_ns = atoll(line + 8);
                } else {
                    if (count == capacity) {
                        capacity *= 2;
                        pids = realloc(pids, sizeof(pid_t) * (size_t)capacity);
                    }
                    pids[count++] = (pid_t)atoi(line);
                }
            }
            fclose(in);
        }
        if (exit_ns < 0) usleep(200);
    }
    // Poll until every pid is gone (reaped); a short pause between sweeps leaves the CPU to the
    // init under test.
    int first_alive = 0;
    while (1) {
        while (first_alive < count && kill(pids[first_alive], 0) != 0 && errno == ESRCH) first_alive++;
        if (first_alive == count) break;
        if (now_ns() > deadline) {
            printf("TIMEOUT n=%d left=%d\n", count, count - first_alive);
            return 2;
        }
        usleep(50);
    }
    char line[128];
    snprintf(line, sizeof line, "REAPED n=%d reap_ns=%lld\n", count, (long long)(now_ns() - exit_ns));
    say(line);
    return 0;
}

static int flap_command(int argc, char **argv) {
    if (argc < 3) return 64;
    int ms = atoi(argv[2]);
    int code = argc > 3 ? atoi(argv[3]) : 1;
    char line[96];
    snprintf(line, sizeof line, "FLAP start %lld\n", (long long)now_ns());
    say(line);
    struct timespec pause = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {}
    snprintf(line, sizeof line, "FLAP end %lld\n", (long long)now_ns());
    say(line);
    return code;
}

static int stamp_command(int argc, char **argv) {
    if (argc != 3) return 64;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char line[64];
    int len = snprintf(line, sizeof line, "%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    int fd = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return 1;
    ssize_t written = write(fd, line, (size_t)len);
    close(fd);
    return written == len ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "spawn") == 0) return spawn_command(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "orphans") == 0) return orphans_command(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "zwatch") == 0) return zwatch_command(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "flap") == 0) return flap_command(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "stamp") == 0) return stamp_command(argc, argv);
    fprintf(stderr, "usage: benchtool spawn N [CMD…] | orphans N FILE | zwatch FILE TIMEOUT_S | flap MS [CODE] | stamp FILE\n");
    return 64;
}
