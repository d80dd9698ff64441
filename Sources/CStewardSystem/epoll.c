// What the descriptor watcher and the HTTP event loop cannot call from Swift: epoll and eventfd
// (Swift's Glibc module exports neither header, and `struct epoll_event` is packed on x86_64, which
// Swift cannot import), and the _GNU_SOURCE functions accept4, pthread_setname_np and SO_PEERCRED.
#define _GNU_SOURCE
#include "CStewardSystem.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>

int steward_accept(int fd, void *address, unsigned int *length) {
#ifdef __linux__
    return accept4(fd, (struct sockaddr *)address, (socklen_t *)length, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    (void)fd; (void)address; (void)length;
    errno = ENOSYS;
    return -1;
#endif
}

int steward_name_thread(const char *name) {
    char truncated[16];
    strncpy(truncated, name, sizeof truncated - 1);
    truncated[sizeof truncated - 1] = 0;
#ifdef __linux__
    return pthread_setname_np(pthread_self(), truncated);
#else
    return pthread_setname_np(truncated);
#endif
}

#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>

const uint32_t steward_epoll_in = EPOLLIN;
const uint32_t steward_epoll_out = EPOLLOUT;
const uint32_t steward_epoll_err = EPOLLERR;
const uint32_t steward_epoll_hup = EPOLLHUP;
const uint32_t steward_epoll_rdhup = EPOLLRDHUP;

int steward_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

static int control(int epfd, int op, int fd, uint32_t events, uint64_t tag) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = tag;
    return epoll_ctl(epfd, op, fd, &event);
}

int steward_epoll_add(int epfd, int fd, uint32_t events, uint64_t tag) {
    return control(epfd, EPOLL_CTL_ADD, fd, events, tag);
}

int steward_epoll_modify(int epfd, int fd, uint32_t events, uint64_t tag) {
    return control(epfd, EPOLL_CTL_MOD, fd, events, tag);
}

int steward_epoll_remove(int epfd, int fd) {
    struct epoll_event unused = {0};
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &unused);
}

int steward_epoll_wait(int epfd, uint32_t *events, uint64_t *tags, int capacity, int timeout_ms) {
    struct epoll_event ready[1024];
    if (capacity > 1024) capacity = 1024;
    if (capacity < 1) capacity = 1;
    int count = epoll_wait(epfd, ready, capacity, timeout_ms);
    for (int i = 0; i < count; i++) {
        events[i] = ready[i].events;
        tags[i] = ready[i].data.u64;
    }
    return count;
}

int steward_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

#else

const uint32_t steward_epoll_in = 0x001;
const uint32_t steward_epoll_out = 0x004;
const uint32_t steward_epoll_err = 0x008;
const uint32_t steward_epoll_hup = 0x010;
const uint32_t steward_epoll_rdhup = 0x2000;

int steward_epoll_create(void) { errno = ENOSYS; return -1; }
int steward_epoll_add(int epfd, int fd, uint32_t events, uint64_t tag) {
    (void)epfd; (void)fd; (void)events; (void)tag; errno = ENOSYS; return -1;
}
int steward_epoll_modify(int epfd, int fd, uint32_t events, uint64_t tag) {
    (void)epfd; (void)fd; (void)events; (void)tag; errno = ENOSYS; return -1;
}
int steward_epoll_remove(int epfd, int fd) { (void)epfd; (void)fd; errno = ENOSYS; return -1; }
int steward_epoll_wait(int epfd, uint32_t *events, uint64_t *tags, int capacity, int timeout_ms) {
    (void)epfd; (void)events; (void)tags; (void)capacity; (void)timeout_ms; errno = ENOSYS; return -1;
}
int steward_eventfd(void) { errno = ENOSYS; return -1; }

#endif

int steward_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid) {
#ifdef __linux__
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -1;
    *pid = credentials.pid;
    *uid = credentials.uid;
    *gid = credentials.gid;
    return 0;
#else
    (void)fd; (void)pid; (void)uid; (void)gid;
    errno = ENOSYS;
    return -1;
#endif
}
