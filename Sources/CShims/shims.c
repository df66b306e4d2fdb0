#define _GNU_SOURCE
#include "CShims.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/vfs.h>


/* The kernel's values; checked here so a header change cannot silently diverge from the enum. */
_Static_assert(SW_F_SEAL_SEAL == F_SEAL_SEAL, "F_SEAL_SEAL");
_Static_assert(SW_F_SEAL_SHRINK == F_SEAL_SHRINK, "F_SEAL_SHRINK");
_Static_assert(SW_F_SEAL_GROW == F_SEAL_GROW, "F_SEAL_GROW");
_Static_assert(SW_F_SEAL_WRITE == F_SEAL_WRITE, "F_SEAL_WRITE");
_Static_assert(SW_MFD_CLOEXEC == MFD_CLOEXEC, "MFD_CLOEXEC");
_Static_assert(SW_MFD_ALLOW_SEALING == MFD_ALLOW_SEALING, "MFD_ALLOW_SEALING");
_Static_assert(SW_MFD_HUGETLB == MFD_HUGETLB, "MFD_HUGETLB");
#ifdef F_SEAL_FUTURE_WRITE
_Static_assert(SW_F_SEAL_FUTURE_WRITE == F_SEAL_FUTURE_WRITE, "F_SEAL_FUTURE_WRITE");
#endif

int sw_get_seals(int fd) { return fcntl(fd, F_GET_SEALS); }
int sw_add_seals(int fd, int seals) { return fcntl(fd, F_ADD_SEALS, seals); }
int sw_memfd_create(const char *name, unsigned int flags) { return memfd_create(name, flags); }

int sw_fstatfs_type(int fd, unsigned long *type) {
    struct statfs info;
    if (fstatfs(fd, &info) != 0) return -1;
    *type = (unsigned long)info.f_type;
    return 0;
}
void *sw_mremap_maymove(void *old_address, size_t old_size, size_t new_size) {
    return mremap(old_address, old_size, new_size, MREMAP_MAYMOVE);
}
int sw_punch_hole(int fd, int64_t offset, int64_t length) {
    return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)offset, (off_t)length);
}

int sw_signal_disposition(int signo) {
    struct sigaction current;
    if (sigaction(signo, NULL, &current) != 0) return -1;
    if (current.sa_flags & SA_SIGINFO) return 2;
    if (current.sa_handler == SIG_DFL) return 0;
    if (current.sa_handler == SIG_IGN) return 1;
    return 2;
}

int sw_signal_set_default(int signo) {
    struct sigaction action = {0};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    return sigaction(signo, &action, NULL);
}

#include <sys/timerfd.h>
#include <unistd.h>

int sw_timerfd_periodic(uint64_t first_ns, uint64_t period_ns) {
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (fd < 0) return -1;
    struct itimerspec spec = {
        .it_interval = { (time_t)(period_ns / 1000000000u), (long)(period_ns % 1000000000u) },
        .it_value = { (time_t)(first_ns / 1000000000u), (long)(first_ns % 1000000000u) },
    };
    if (timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int sw_timerfd_arm(int fd, uint64_t first_ns, uint64_t period_ns) {
    struct itimerspec spec = {
        .it_interval = { (time_t)(period_ns / 1000000000u), (long)(period_ns % 1000000000u) },
        .it_value = { (time_t)(first_ns / 1000000000u), (long)(first_ns % 1000000000u) },
    };
    return timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL) == 0 ? 0 : -1;
}

uint64_t sw_timerfd_expirations(int fd) {
    uint64_t count = 0;
    if (read(fd, &count, sizeof count) != (ssize_t)sizeof count) return 0;
    return count;
}

#include <errno.h>
#include <sys/eventfd.h>

int sw_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

int sw_eventfd_signal(int fd) {
    uint64_t one = 1;
    for (;;) {
        ssize_t n = write(fd, &one, sizeof one);
        if (n == (ssize_t)sizeof one) return 0;
        if (n < 0 && errno == EINTR) continue;
        return -1;
    }
}

uint64_t sw_eventfd_drain(int fd) {
    uint64_t count = 0;
    if (read(fd, &count, sizeof count) != (ssize_t)sizeof count) return 0;
    return count;
}

#include <errno.h>
#include <sys/resource.h>
#include <sys/wait.h>

pid_t sw_spawn(const char *file, char *const argv[], char *const envp[], const sigset_t *mask,
               const sigset_t *ignored, uint64_t nofile_soft, int keep_fd, int stderr_fd) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(report[0]);
        close(report[1]);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        /* The child: only async-signal-safe calls from here to exec. */
        setpgid(0, 0);
        struct rlimit files;
        if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
            files.rlim_cur = (rlim_t)nofile_soft;
            if (files.rlim_cur > files.rlim_max) files.rlim_cur = files.rlim_max;
            setrlimit(RLIMIT_NOFILE, &files);
        }
        for (int signo = 1; signo < NSIG; signo++) {
            if (signo == SIGKILL || signo == SIGSTOP) continue;
            struct sigaction action = {0};
            action.sa_handler = sigismember(ignored, signo) == 1 ? SIG_IGN : SIG_DFL;
            sigemptyset(&action.sa_mask);
            sigaction(signo, &action, NULL);   /* glibc's internal signals answer EINVAL: fine */
        }
        sigprocmask(SIG_SETMASK, mask, NULL);
        if (keep_fd >= 0) fcntl(keep_fd, F_SETFD, 0);
        if (stderr_fd >= 0 && stderr_fd != 2) dup2(stderr_fd, 2);
        execvpe(file, argv, envp);
        int error = errno;
        ssize_t written = write(report[1], &error, sizeof error);
        (void)written;
        _exit(127);
    }
    close(report[1]);
    setpgid(pid, pid);   /* also from here, so the group exists whichever side runs first */
    int error = 0;
    ssize_t got;
    do { got = read(report[0], &error, sizeof error); } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof error) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        errno = error;
        return -1;
    }
    return pid;
}
