// Signals through a signalfd, for a process whose threads all block its asynchronous signals
// (StewardCore's executor loop), and timerfd(2), which Swift's Glibc module does not export.
#define _GNU_SOURCE
#include "CStewardSystem.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

// Every signal but the synchronous faults (raised by the faulting thread itself: blocked, the
// kernel would kill the process anyway) and SIGKILL/SIGSTOP (never blockable). glibc's
// sigfillset already leaves out its two internal signals (32, 33).
static void asynchronous_signals(sigset_t *set) {
    sigfillset(set);
    const int synchronous[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT, SIGKILL, SIGSTOP};
    for (unsigned i = 0; i < sizeof(synchronous) / sizeof(synchronous[0]); i++) sigdelset(set, synchronous[i]);
}

int steward_signals_block_asynchronous(void) {
    sigset_t set;
    asynchronous_signals(&set);
    int rc = pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (rc != 0) { errno = rc; return -1; }
    return 0;
}

int steward_signalfd_open(void) {
    sigset_t set;
    asynchronous_signals(&set);
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int steward_signalfd_read(int fd, int *numbers, int capacity) {
    struct signalfd_siginfo info[16];
    if (capacity > 16) capacity = 16;
    ssize_t got = read(fd, info, sizeof(info[0]) * (size_t)capacity);
    if (got < 0) return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
    int count = (int)(got / (ssize_t)sizeof(info[0]));
    for (int i = 0; i < count; i++) numbers[i] = (int)info[i].ssi_signo;
    return count;
}

int steward_signal_act_default(int signo) {
    if (signo <= 0 || signo >= NSIG) { errno = EINVAL; return -1; }
    struct sigaction current;
    if (sigaction(signo, NULL, &current) != 0) return -1;
    if (current.sa_handler == SIG_IGN) return 0;
    // Default action "ignore": nothing to do (SIGCONT has already continued the process).
    if (signo == SIGCHLD || signo == SIGCONT || signo == SIGURG || signo == SIGWINCH) return 0;
    // Terminate, dump core or stop, as the default disposition would have: unblock it in this
    // thread alone and raise it here. A stop returns once continued; then it is blocked again.
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(signo, &dfl, NULL);
    sigset_t one, previous;
    sigemptyset(&one);
    sigaddset(&one, signo);
    pthread_sigmask(SIG_UNBLOCK, &one, &previous);
    raise(signo);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return 0;
}

int steward_timerfd_create(int clock, int flags) {
    return timerfd_create(clock, flags);
}

int steward_timerfd_settime(int fd, int flags, const struct itimerspec *value, struct itimerspec *old) {
    return timerfd_settime(fd, flags, value, old);
}
