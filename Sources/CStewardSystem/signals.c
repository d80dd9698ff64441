// Signal delivery through a self-pipe. The handler does one async-signal-safe thing: write(2) one
// byte. A Swift thread blocked in read(2) on the other end turns bytes into events, so nothing polls.
#define _GNU_SOURCE
#include "CStewardSystem.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static int signal_pipe[2] = {-1, -1};
static pthread_mutex_t pipe_lock = PTHREAD_MUTEX_INITIALIZER;

// Per-signal arrival counters: the source of truth. The pipe byte is only a wake-up, so a full
// pipe (a burst of SIGCHLD) can never lose a SIGTERM or merge two SIGTERMs into one.
static volatile int pending[NSIG];
// The disposition each signal had before we caught it, restored when nobody wants it any more.
static struct sigaction previous[NSIG];
static int caught[NSIG];

static void steward_signal_handler(int signo) {
    int saved = errno;
    __atomic_fetch_add(&pending[signo], 1, __ATOMIC_SEQ_CST);
    unsigned char byte = (unsigned char)signo;
    ssize_t ignored = write(signal_pipe[1], &byte, 1);
    (void)ignored;
    errno = saved;
}

int steward_signal_take(int signo) {
    if (signo <= 0 || signo >= NSIG) return 0;
    return __atomic_exchange_n(&pending[signo], 0, __ATOMIC_SEQ_CST);
}

int steward_signal_pipe_open(void) {
    pthread_mutex_lock(&pipe_lock);
    if (signal_pipe[0] < 0) {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) {
            int saved = errno;
            pthread_mutex_unlock(&pipe_lock);
            errno = saved;
            return -1;
        }
        // Both ends non-blocking: the handler must never block, and the reader is event-driven.
        fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
        fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
        signal_pipe[0] = fds[0];
        signal_pipe[1] = fds[1];
    }
    int fd = signal_pipe[0];
    pthread_mutex_unlock(&pipe_lock);
    return fd;
}

int steward_signal_catch(int signo) {
    if (signo <= 0 || signo >= NSIG) { errno = EINVAL; return -1; }
    if (steward_signal_pipe_open() < 0) return -1;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = steward_signal_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    pthread_mutex_lock(&pipe_lock);
    int rc = sigaction(signo, &action, caught[signo] ? NULL : &previous[signo]);
    if (rc == 0) caught[signo] = 1;
    pthread_mutex_unlock(&pipe_lock);
    return rc;
}

int steward_signal_default(int signo) {
    if (signo <= 0 || signo >= NSIG) { errno = EINVAL; return -1; }
    pthread_mutex_lock(&pipe_lock);
    int rc = 0;
    if (caught[signo]) {
        rc = sigaction(signo, &previous[signo], NULL);
        if (rc == 0) caught[signo] = 0;
    }
    pthread_mutex_unlock(&pipe_lock);
    return rc;
}

int steward_signal_unblock(int signo) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    int rc = pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    if (rc != 0) { errno = rc; return -1; }
    return 0;
}

int steward_signal_realtime_min(void) { return SIGRTMIN; }
int steward_signal_realtime_max(void) { return SIGRTMAX; }
