/* CShims: the few operating-system calls Swift cannot import or call directly (no Wayland here). Every symbol is prefixed `sw_`, and each
 * says why it exists. Nothing here holds state of its own. */
#pragma once
#include <stdint.h>
#include <sys/types.h>

/* --- File sealing. The F_*SEAL* macros are only visible with _GNU_SOURCE and fcntl(2) is variadic. --- */
enum {
    SW_F_SEAL_SEAL = 0x0001,
    SW_F_SEAL_SHRINK = 0x0002,
    SW_F_SEAL_GROW = 0x0004,
    SW_F_SEAL_WRITE = 0x0008,
    SW_F_SEAL_FUTURE_WRITE = 0x0010,
};
enum {
    SW_MFD_CLOEXEC = 0x0001,
    SW_MFD_ALLOW_SEALING = 0x0002,
    SW_MFD_HUGETLB = 0x0004,
};
/* fcntl(fd, F_GET_SEALS): the seal bits, or -1 with errno. */
int sw_get_seals(int fd);
/* fcntl(fd, F_ADD_SEALS, seals): 0, or -1 with errno. */
int sw_add_seals(int fd, int seals);
/* memfd_create(2), declared by glibc only under _GNU_SOURCE. */
int sw_memfd_create(const char *name, unsigned int flags);

/* fstatfs(2)'s f_type (the filesystem's magic number) in *type; 0 or -1 with errno. */
int sw_fstatfs_type(int fd, unsigned long *type);
/* mremap(2) with MREMAP_MAYMOVE: the function is variadic in glibc. Returns MAP_FAILED with errno. */
void *sw_mremap_maymove(void *old_address, size_t old_size, size_t new_size);
/* fallocate(fd, FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE, ...): _GNU_SOURCE only. */
int sw_punch_hole(int fd, int64_t offset, int64_t length);

/* --- Process facts tests read. --- */
/* The current disposition of `signo`: 0 = SIG_DFL, 1 = SIG_IGN, 2 = a handler installed, -1 error. */
int sw_signal_disposition(int signo);
/* signal(signo, SIG_DFL): SIG_DFL is a cast macro Swift does not import. 0, or -1 with errno. */
int sw_signal_set_default(int signo);

/* --- Clocks. --- */
/* A non-blocking timerfd on CLOCK_MONOTONIC firing every `period_ns`, first at `first_ns` (absolute).
 * timerfd_create/settime live in <sys/timerfd.h>, which Swift's Glibc module does not include. fd or -1. */
int sw_timerfd_periodic(uint64_t first_ns, uint64_t period_ns);
/* Re-arms timerfd `fd` to fire every `period_ns`, first at `first_ns` (absolute); both 0: disarmed (it fires no
 * more until armed again). 0 or -1. */
int sw_timerfd_arm(int fd, uint64_t first_ns, uint64_t period_ns);
/* Reads the expiration count of a timerfd (0 if none pending). */
uint64_t sw_timerfd_expirations(int fd);
/* A non-blocking, close-on-exec eventfd starting at 0 (<sys/eventfd.h> is not in Swift's Glibc module). fd or -1. */
int sw_eventfd(void);
/* Adds 1 to an eventfd's counter (from any thread). 0, or -1 with errno. */
int sw_eventfd_signal(int fd);
/* Reads and resets an eventfd's counter (0 if it was 0). */
uint64_t sw_eventfd_drain(int fd);

/* --- Starting programs (seawall run). --- */
#include <signal.h>
/* Starts `file` (searched in PATH when it has no '/', as execvpe does) with `argv` and `envp`, in a process
 * group of its own, with the signal mask `mask`, every catchable signal at its default action except those
 * in `ignored` (SIG_IGN), RLIMIT_NOFILE's soft limit set to `nofile_soft`, and `keep_fd` (if >= 0) left open
 * across exec, and `stderr_fd` (if >= 0) as its stderr. Between fork and exec only async-signal-safe calls are allowed, which Swift code cannot
 * promise (it may allocate or take runtime locks), so this side is C. Returns the pid, or -1 with errno; when
 * the exec itself failed (ENOENT, EACCES, ENOEXEC…) errno is the exec's, and the child has been reaped. */
pid_t sw_spawn(const char *file, char *const argv[], char *const envp[], const sigset_t *mask,
               const sigset_t *ignored, uint64_t nofile_soft, int keep_fd, int stderr_fd);
