#ifndef C_STEWARD_SPAWN_H
#define C_STEWARD_SPAWN_H

#include <sys/types.h>

/// What the child needs before `execve`. Every pointer is owned by the caller and only read.
struct steward_spawn_request {
    /// Absolute path of the executable (PATH search happens in Swift, before spawning).
    const char *path;
    /// NULL-terminated argv and envp.
    char *const *argv;
    char *const *envp;
    /// Working directory, or NULL to inherit.
    const char *cwd;
    /// 1 to switch to `gid`/`uid` (supplementary groups dropped), 0 to keep the parent's ids.
    int set_ids;
    uid_t uid;
    gid_t gid;
    /// 1 = new session (setsid), 2 = new process group (setpgid 0 0), 0 = neither.
    int group_mode;
    /// Descriptors to install: fd_sources[i] becomes fd_targets[i] in the child (targets 0, 1, 2
    /// for stdio; anything else, e.g. a readiness notification fd). Every other descriptor >= 3
    /// is closed on exec.
    const int *fd_sources;
    const int *fd_targets;
    int fd_count;
    /// A terminal descriptor whose foreground process group becomes the child's new group (as a
    /// shell does for a foreground job, and tini for its child), or -1. Only with group_mode 2.
    int foreground_terminal;
};

/// Which step of the child's preparation failed (reported with its errno).
enum steward_spawn_step {
    STEWARD_SPAWN_STEP_NONE = 0,
    STEWARD_SPAWN_STEP_SESSION = 1,
    STEWARD_SPAWN_STEP_FDS = 2,
    STEWARD_SPAWN_STEP_CWD = 3,
    STEWARD_SPAWN_STEP_GROUPS = 4,
    STEWARD_SPAWN_STEP_GID = 5,
    STEWARD_SPAWN_STEP_UID = 6,
    STEWARD_SPAWN_STEP_EXEC = 7,
    STEWARD_SPAWN_STEP_FORK = 8,
};

/// Starts a child with an empty signal mask, default dispositions for every signal, the requested
/// descriptors, directory, ids and process group, then `execve`s it. Uses vfork semantics with all
/// signals blocked in the parent meanwhile (no handler may run in a child sharing our memory).
/// Returns 0 and sets *pid_out on success; on failure returns -1 and sets *step_out and *errno_out
/// (a child that failed before exec has already exited with status 127 and still needs reaping).
int steward_spawn(const struct steward_spawn_request *request, pid_t *pid_out, int *step_out, int *errno_out);

/// Makes the calling process's group the foreground group of the terminal `fd` again (after a
/// child that had it exited or stopped). SIGTTOU is blocked in the calling thread meanwhile, so a
/// background caller is not stopped by it. Returns 0, or -1 with errno.
int steward_terminal_take(int fd);

/// Makes `pgid` the foreground process group of the terminal `fd` (SIGTTOU blocked meanwhile).
int steward_terminal_give(int fd, pid_t pgid);

#endif
