#ifndef C_STEWARD_SYSTEM_H
#define C_STEWARD_SYSTEM_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "CStewardSpawn.h"

/// Creates the self-pipe that signal handlers write to. Both ends are close-on-exec and non-blocking
/// (a full pipe drops the byte rather than blocking inside a handler).
/// Returns the read end, or -1 with errno set. Idempotent: later calls return the same read end.
int steward_signal_pipe_open(void);

/// Installs a handler for `signo` that writes the signal number (one byte) to the self-pipe.
/// SA_RESTART is set so that interrupted syscalls elsewhere in the process resume.
/// Returns 0, or -1 with errno set.
int steward_signal_catch(int signo);

/// Restores the disposition `signo` had before `steward_signal_catch` (an inherited SIG_IGN stays
/// ignored). A no-op for a signal not caught. Returns 0, or -1 with errno set.
int steward_signal_default(int signo);

/// How many times `signo` arrived since the last call (and resets the count). The self-pipe byte is
/// only a wake-up; these counters never lose an arrival.
int steward_signal_take(int signo);

/// Unblocks `signo` in the calling thread (signals must be deliverable to reach the handler).
// The first and last real-time signal numbers this libc leaves to applications (SIGRTMIN and
// SIGRTMAX are function calls in glibc, not constants Swift can import).
int steward_signal_realtime_min(void);
int steward_signal_realtime_max(void);
int steward_signal_unblock(int signo);

/// Datagrams with their sender's pid (notify.c): `SO_PASSCRED` on, then `recvmsg` reading the
/// kernel's SCM_CREDENTIALS (the real sender, whatever it claims). `struct ucred` and the CMSG
/// macros need _GNU_SOURCE and C.
/// Turns SO_PASSCRED on for `fd`. Returns 0, or -1 with errno set.
int steward_socket_pass_credentials(int fd);
/// Receives one datagram (MSG_DONTWAIT) into `buffer`; `*sender` and `*sender_uid` are the sending
/// process's pid and uid (0 and -1 when the kernel attached none). Returns the length, or -1 with
/// errno set.
long steward_receive_with_sender(int fd, void *buffer, unsigned long length, int *sender, unsigned int *sender_uid);

/// `prctl(PR_SET_CHILD_SUBREAPER, on)`. Returns 0, or -1 with errno set (ENOSYS off Linux).
int steward_set_child_subreaper(int on);

/// `prctl(PR_SET_PDEATHSIG, signo)`. Returns 0, or -1 with errno set (ENOSYS off Linux).
int steward_set_parent_death_signal(int signo);

/// `pidfd_open(pid, 0)`: a descriptor that names this process, not its number, so a signal sent
/// through it can never reach a process that reused the number (close-on-exec; Linux 5.3+).
/// Returns the descriptor, or -1 with errno set (ENOSYS on older kernels and elsewhere).
int steward_pidfd_open(int pid);
/// `pidfd_send_signal(pidfd, signo, NULL, 0)`. Returns 0, or -1 with errno set (ESRCH once the
/// process has exited).
int steward_pidfd_send_signal(int pidfd, int signo);

/// `pipe2(fds, O_CLOEXEC)`: a pipe whose ends are not inherited by exec'd children.
int steward_pipe_cloexec(int fds[2]);

/// epoll(7), eventfd(2), accept4(2), thread naming and SO_PEERCRED, for the descriptor watcher
/// of StewardProcesses and the HTTP event loop (epoll.c). Swift's Glibc module exports neither
/// <sys/epoll.h> nor <sys/eventfd.h> nor the _GNU_SOURCE functions, and `struct epoll_event` is
/// packed on x86_64 (Swift cannot import packed structs), so these take and return plain
/// integers. Linux only: elsewhere they fail with ENOSYS.

/// Readiness bits, as in <sys/epoll.h>.
extern const uint32_t steward_epoll_in;
extern const uint32_t steward_epoll_out;
extern const uint32_t steward_epoll_err;
extern const uint32_t steward_epoll_hup;
extern const uint32_t steward_epoll_rdhup;

/// `epoll_create1(EPOLL_CLOEXEC)`. Returns the descriptor, or -1 with errno set.
int steward_epoll_create(void);

/// Registers `fd` with `events`, tagging its notifications with `tag`. Returns 0 or -1 (errno).
int steward_epoll_add(int epfd, int fd, uint32_t events, uint64_t tag);

/// Changes the events and tag of a registered `fd`. Returns 0 or -1 (errno).
int steward_epoll_modify(int epfd, int fd, uint32_t events, uint64_t tag);

/// Unregisters `fd`. Returns 0 or -1 (errno).
int steward_epoll_remove(int epfd, int fd);

/// `epoll_wait` for at most `capacity` (<= 1024) events: the i-th ready descriptor's events and tag
/// are stored in `events[i]` and `tags[i]`. `timeout_ms` -1 waits forever. Returns the number of
/// events, or -1 with errno set (EINTR included).
int steward_epoll_wait(int epfd, uint32_t *events, uint64_t *tags, int capacity, int timeout_ms);

/// `eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)`. Returns the descriptor, or -1 with errno set.
int steward_eventfd(void);

/// `accept4(fd, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC)` (`accept4` needs _GNU_SOURCE,
/// which Swift's Glibc module lacks). `address` points to a `struct sockaddr_storage` or is NULL.
/// Returns the descriptor, or -1 with errno set.
int steward_accept(int fd, void *address, unsigned int *length);

/// Names the calling thread (at most 15 bytes are kept). Returns 0 or an error number.
int steward_name_thread(const char *name);

/// The credentials of a Unix socket's peer (`SO_PEERCRED`; `struct ucred` needs _GNU_SOURCE).
/// Returns 0, or -1 with errno set.
int steward_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

/// Signals through a signalfd (signalfd.c), for a process whose threads all block them: what
/// StewardCore's executor loop does instead of a handler and a self-pipe.
/// Blocks every asynchronous signal in the calling thread (all but SIGSEGV, SIGBUS, SIGFPE,
/// SIGILL, SIGTRAP, SIGSYS, SIGABRT and the unblockable two); threads it creates later inherit
/// the mask. Returns 0, or -1 with errno set.
int steward_signals_block_asynchronous(void);
/// A non-blocking, close-on-exec signalfd for the signals `steward_signals_block_asynchronous`
/// blocks. Returns the descriptor, or -1 with errno set.
int steward_signalfd_open(void);
/// Reads up to `capacity` (<= 16) pending signals from `fd` into `numbers`. Returns how many
/// (0 when none is pending), or -1 with errno set.
int steward_signalfd_read(int fd, int *numbers, int capacity);
/// Applies the default action of `signo`, which arrived blocked and nobody observes: nothing for
/// a signal ignored or ignored by default; otherwise it is raised, unblocked, in the calling
/// thread (terminating, dumping core, or stopping until continued). Returns 0, or -1 with errno.
int steward_signal_act_default(int signo);

/// `timerfd_create(clock, flags)` and `timerfd_settime` (<sys/timerfd.h> is not in Swift's Glibc
/// module). Called directly, not looked up with dlsym: a fully static binary has no dynamic
/// symbol table to look in. Return as the system calls do (-1 with errno set on failure).

int steward_timerfd_create(int clock, int flags);
int steward_timerfd_settime(int fd, int flags, const struct itimerspec *value, struct itimerspec *old);

#endif
