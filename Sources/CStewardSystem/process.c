// Variadic prctl(2) is not callable from Swift; these wrappers fix its arguments.
#define _GNU_SOURCE
#include "CStewardSystem.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

int steward_set_child_subreaper(int on) {
#ifdef __linux__
    return prctl(PR_SET_CHILD_SUBREAPER, (unsigned long)(on ? 1 : 0), 0, 0, 0);
#else
    (void)on;
    errno = ENOSYS;
    return -1;
#endif
}

int steward_set_parent_death_signal(int signo) {
#ifdef __linux__
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signo, 0, 0, 0);
#else
    (void)signo;
    errno = ENOSYS;
    return -1;
#endif
}

int steward_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

#ifdef __linux__
#include <sys/syscall.h>
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

int steward_pidfd_open(int pid) {
#ifdef __linux__
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

int steward_pidfd_send_signal(int pidfd, int signo) {
#ifdef __linux__
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signo, NULL, 0);
#else
    (void)pidfd; (void)signo;
    errno = ENOSYS;
    return -1;
#endif
}
