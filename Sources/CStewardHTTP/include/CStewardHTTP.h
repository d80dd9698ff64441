#ifndef C_STEWARD_HTTP_H
#define C_STEWARD_HTTP_H

#include <stdint.h>
#include <sys/types.h>

/// epoll(7), eventfd(2), accept4(2) and thread naming for StewardHTTP's event loop. Swift's Glibc
/// module does not export <sys/epoll.h> or <sys/eventfd.h> nor the _GNU_SOURCE functions, and
/// `struct epoll_event` is packed on x86_64 (Swift cannot import packed structs), so these
/// wrappers take and return plain integers. Linux only: elsewhere they fail with ENOSYS.

/// Readiness bits, as in <sys/epoll.h>.
extern const uint32_t steward_http_epoll_in;
extern const uint32_t steward_http_epoll_out;
extern const uint32_t steward_http_epoll_err;
extern const uint32_t steward_http_epoll_hup;
extern const uint32_t steward_http_epoll_rdhup;

/// `epoll_create1(EPOLL_CLOEXEC)`. Returns the descriptor, or -1 with errno set.
int steward_http_epoll_create(void);

/// Registers `fd` with `events`, tagging its notifications with `tag`. Returns 0 or -1 (errno).
int steward_http_epoll_add(int epfd, int fd, uint32_t events, uint64_t tag);

/// Changes the events and tag of a registered `fd`. Returns 0 or -1 (errno).
int steward_http_epoll_modify(int epfd, int fd, uint32_t events, uint64_t tag);

/// Unregisters `fd`. Returns 0 or -1 (errno).
int steward_http_epoll_remove(int epfd, int fd);

/// `epoll_wait` for at most `capacity` (<= 1024) events: the i-th ready descriptor's events and tag
/// are stored in `events[i]` and `tags[i]`. `timeout_ms` -1 waits forever. Returns the number of
/// events, or -1 with errno set (EINTR included).
int steward_http_epoll_wait(int epfd, uint32_t *events, uint64_t *tags, int capacity, int timeout_ms);

/// `eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)`. Returns the descriptor, or -1 with errno set.
int steward_http_eventfd(void);

/// `accept4(fd, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC)` (`accept4` needs _GNU_SOURCE,
/// which Swift's Glibc module lacks). `address` points to a `struct sockaddr_storage` or is NULL.
/// Returns the descriptor, or -1 with errno set.
int steward_http_accept(int fd, void *address, unsigned int *length);

/// Names the calling thread (at most 15 bytes are kept). Returns 0 or an error number.
int steward_http_name_thread(const char *name);

/// The credentials of a Unix socket's peer (`SO_PEERCRED`; `struct ucred` needs _GNU_SOURCE).
/// Returns 0, or -1 with errno set.
int steward_http_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

#endif
