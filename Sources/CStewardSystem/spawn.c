// Child creation between vfork and execve: only async-signal-safe calls, no allocation, no return
// from this frame in the child. Failures travel to the parent through a close-on-exec pipe: EOF
// means execve succeeded.
#define _GNU_SOURCE
#include "CStewardSpawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

struct spawn_failure {
    int step;
    int error;
};

static void child_fail(int report_fd, int step) {
    struct spawn_failure failure = { step, errno };
    ssize_t ignored = write(report_fd, &failure, sizeof(failure));
    (void)ignored;
    _exit(127);
}

/// Marks every descriptor >= 3 close-on-exec (close_range when the kernel has it, else a loop).
static void cloexec_all_from_three(void) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (int fd = 3; fd < max; fd++) {
        int flags = fcntl(fd, F_GETFD);
        if (flags >= 0) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
}

static void child_main(const struct steward_spawn_request *r, int report_fd) {
    // Default dispositions for every signal (handlers would point into our memory; ignored
    // signals would stay ignored across exec).
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int signo = 1; signo < NSIG; signo++) {
        if (signo == SIGKILL || signo == SIGSTOP) continue;
        if (sigaction(signo, &dfl, NULL) != 0) {
            // glibc refuses its reserved signals (32, 33) but they can still arrive ignored from
            // our parent: reset them with the raw system call. An all-zero kernel sigaction is
            // SIG_DFL with no flags, whatever the architecture's field order.
            unsigned long kernel_action[4] = {0, 0, 0, 0};
            syscall(SYS_rt_sigaction, signo, kernel_action, NULL, sizeof(unsigned long));
        }
    }

    if (r->group_mode == 1 && setsid() < 0) child_fail(report_fd, STEWARD_SPAWN_STEP_SESSION);
    if (r->group_mode == 2 && setpgid(0, 0) < 0) child_fail(report_fd, STEWARD_SPAWN_STEP_SESSION);
    // Every signal is still blocked here (the parent blocked them around vfork), SIGTTOU included,
    // so a background caller may hand the terminal over. A failure (no such terminal any more) is
    // not fatal: the child then runs in the background, as without a terminal.
    if (r->group_mode == 2 && r->foreground_terminal >= 0) (void)tcsetpgrp(r->foreground_terminal, getpid());

    // Move the report pipe and every source above all targets first, so that installing one
    // target can never clobber another source.
    int highest = report_fd;
    for (int i = 0; i < r->fd_count; i++) {
        if (r->fd_targets[i] > highest) highest = r->fd_targets[i];
        if (r->fd_sources[i] > highest) highest = r->fd_sources[i];
    }
    int moved_report = fcntl(report_fd, F_DUPFD_CLOEXEC, highest + 1);
    if (moved_report < 0) child_fail(report_fd, STEWARD_SPAWN_STEP_FDS);
    report_fd = moved_report;
    int staged[64];
    int count = r->fd_count > 64 ? 64 : r->fd_count;
    for (int i = 0; i < count; i++) {
        staged[i] = fcntl(r->fd_sources[i], F_DUPFD_CLOEXEC, highest + 1);
        if (staged[i] < 0) child_fail(report_fd, STEWARD_SPAWN_STEP_FDS);
    }
    cloexec_all_from_three();
    for (int i = 0; i < count; i++) {
        // dup2 clears FD_CLOEXEC on the target: exactly the descriptors the child should keep.
        if (dup2(staged[i], r->fd_targets[i]) < 0) child_fail(report_fd, STEWARD_SPAWN_STEP_FDS);
    }

    if (r->cwd != NULL && chdir(r->cwd) < 0) child_fail(report_fd, STEWARD_SPAWN_STEP_CWD);
    if (r->set_ids) {
        // Raw system calls: glibc's wrappers broadcast id changes to every thread of the process
        // (they would lock and edit the parent's thread list from this vfork child).
        gid_t groups[1] = { r->gid };
        if (syscall(SYS_setgroups, 1, groups) < 0) child_fail(report_fd, STEWARD_SPAWN_STEP_GROUPS);
        if (syscall(SYS_setresgid, r->gid, r->gid, r->gid) < 0) child_fail(report_fd, STEWARD_SPAWN_STEP_GID);
        if (syscall(SYS_setresuid, r->uid, r->uid, r->uid) < 0) child_fail(report_fd, STEWARD_SPAWN_STEP_UID);
    }

    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
    execve(r->path, r->argv, r->envp);
    child_fail(report_fd, STEWARD_SPAWN_STEP_EXEC);
}

int steward_spawn(const struct steward_spawn_request *request, pid_t *pid_out, int *step_out, int *errno_out) {
    *step_out = STEWARD_SPAWN_STEP_NONE;
    *errno_out = 0;
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        *step_out = STEWARD_SPAWN_STEP_FORK;
        *errno_out = errno;
        return -1;
    }
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t pid = vfork();
    if (pid == 0) {
        close(report[0]);
        child_main(request, report[1]);
        _exit(127);  // not reached
    }
    int fork_errno = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        *step_out = STEWARD_SPAWN_STEP_FORK;
        *errno_out = fork_errno;
        return -1;
    }
    struct spawn_failure failure;
    ssize_t got;
    do { got = read(report[0], &failure, sizeof(failure)); } while (got < 0 && errno == EINTR);
    close(report[0]);
    *pid_out = pid;
    if (got == (ssize_t)sizeof(failure)) {
        *step_out = failure.step;
        *errno_out = failure.error;
        return -1;
    }
    return 0;
}

static int terminal_set_foreground(int fd, pid_t pgid) {
    sigset_t ttou, previous;
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    pthread_sigmask(SIG_BLOCK, &ttou, &previous);
    int rc = tcsetpgrp(fd, pgid);
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    errno = saved;
    return rc;
}

int steward_terminal_take(int fd) { return terminal_set_foreground(fd, getpgrp()); }

int steward_terminal_give(int fd, pid_t pgid) { return terminal_set_foreground(fd, pgid); }
