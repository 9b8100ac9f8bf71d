/* braze's link-server client in C (see server.py): the `ld` gcc runs under `braze run` when a C
 * compiler was found.  It does what client.py does, at a fraction of Python's start-up cost: send
 * argv, cwd, environment, umask and fds 0-2 to the server, forward signals to the link's process,
 * exit with its status.  Whenever the server cannot take the link it execs the plain in-process
 * braze (FALLBACK in ld.conf next to this executable; the socket is $BRAZE_RUN_SOCKET).  The request is marshal data (Python's
 * format: tuple, list, dict, bytes, str, int), decoded by the server with marshal.loads. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;
static char *buf; static size_t len, cap;
static pid_t link_pid;
static volatile sig_atomic_t got_sig;

static void put(const void *p, size_t n) {
    if (len + n > cap) { cap = (len + n) * 2 + 4096; buf = realloc(buf, cap); if (!buf) _exit(70); }
    memcpy(buf + len, p, n); len += n;
}
static void put_u32(uint32_t v) { unsigned char b[4] = {v, v >> 8, v >> 16, v >> 24}; put(b, 4); }
static void put_bytes(char type, const char *s, size_t n) { put(&type, 1); put_u32(n); put(s, n); }

static char conf[2][PATH_MAX];      /* key, fallback ld */
static char **args;

static void fallback(const char *why) {
    if (got_sig) _exit(128 + got_sig);     /* interrupted before the server took the link: no link */
    if (getenv("BRAZE_SERVER_TRACE")) fprintf(stderr, "braze: link server: fallback (%s)\n", why);
    args[0] = conf[1];
    execv(conf[1], args);
    fprintf(stderr, "braze: error: cannot run %s: %s\n", conf[1], strerror(errno));
    _exit(1);
}

static int recv_exact(int s, unsigned char *p, size_t n) {
    while (n) {
        ssize_t r = recv(s, p, n, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        p += r; n -= r;
    }
    return 0;
}

static void forward(int sig) { got_sig = sig; if (link_pid > 0) kill(link_pid, sig); }

int main(int argc, char **argv) {
    args = argv;
    char self[PATH_MAX], path[PATH_MAX + 16];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) self[n] = 0;
    else if (strchr(argv[0], '/') && strlen(argv[0]) < sizeof self) strcpy(self, argv[0]);  /* no /proc */
    else { fprintf(stderr, "braze: error: link client: cannot find itself\n"); return 1; }
    *strrchr(self, '/') = 0;
    snprintf(path, sizeof path, "%s/ld.conf", self);
    FILE *f = fopen(path, "r");
    for (int i = 0; i < 2; i++)
        if (!f || !fgets(conf[i], sizeof conf[i], f) || !strchr(conf[i], '\n')) {
            fprintf(stderr, "braze: error: link client: cannot read %s\n", path); return 1;
        } else *strchr(conf[i], '\n') = 0;
    fclose(f);
    struct stat st;
    for (int fd = 0; fd < 3; fd++) if (fstat(fd, &st)) fallback("closed fd");
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) fallback("no cwd");
    mode_t um = umask(0); umask(um);
    /* (KEY, [argv...], cwd, {env}, umask) */
    put("(", 1); put_u32(5);
    put_bytes('u', conf[0], strlen(conf[0]));
    put("[", 1); put_u32(argc - 1);
    for (int i = 1; i < argc; i++) put_bytes('s', argv[i], strlen(argv[i]));
    put_bytes('s', cwd, strlen(cwd));
    put("{", 1);
    for (char **e = environ; *e; e++) {
        char *eq = strchr(*e, '=');
        if (!eq || eq == *e) continue;
        put_bytes('s', *e, eq - *e); put_bytes('s', eq + 1, strlen(eq + 1));
    }
    put("0", 1);
    put("i", 1); put_u32(um);

    /* Forwarding is in place before the request is sent: a signal that comes while the server has
     * not yet answered (busy, or still warming up) is kept and forwarded once the link's pid is known,
     * so the link it would interrupt never runs on unnoticed. */
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    sigset_t fwd_set;
    sigemptyset(&fwd_set);
    for (int i = 0; i < 4; i++) {
        struct sigaction old, sa2 = {.sa_handler = forward};
        sigaction(sigs[i], NULL, &old);
        if (old.sa_handler != SIG_IGN) sigaction(sigs[i], &sa2, NULL);   /* ignored: the link ignores it too */
        sigaddset(&fwd_set, sigs[i]);
    }
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    const char *sock = getenv("BRAZE_RUN_SOCKET");
    if (!sock || !*sock) fallback("no server");
    if (strlen(sock) >= sizeof sa.sun_path) fallback("socket path too long");
    strcpy(sa.sun_path, sock);
    if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof sa)) fallback("server unreachable");
    unsigned char hdr[8]; uint64_t blen = len;
    for (int i = 0; i < 8; i++) hdr[i] = blen >> (8 * i);
    int fds[3] = {0, 1, 2};
    char cbuf[CMSG_SPACE(sizeof fds)];
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov = {hdr, 8};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    if (sendmsg(s, &m, MSG_NOSIGNAL) != 8) fallback("server unreachable");
    for (size_t off = 0; off < len;) {
        ssize_t w = send(s, buf + off, len - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) fallback("server unreachable");
        off += w;
    }
    unsigned char a[13];
    if (recv_exact(s, a, 5)) fallback("no answer");
    if (a[0] != 'A') fallback("refused");
    sigset_t saved;
    sigprocmask(SIG_BLOCK, &fwd_set, &saved);     /* (so a signal is forwarded once, here or in forward) */
    link_pid = a[1] | a[2] << 8 | a[3] << 16 | (uint32_t)a[4] << 24;
    if (got_sig) kill(link_pid, got_sig);
    sigprocmask(SIG_SETMASK, &saved, NULL);
    if (recv_exact(s, a, 13) || a[0] != 'S') {
        if (got_sig) _exit(128 + got_sig);
        fallback("link process died");
    }
    int status = a[1] | a[2] << 8 | a[3] << 16 | a[4] << 24;
    if (getenv("BRAZE_SERVER_TRACE")) {
        uint64_t us = 0;
        for (int i = 0; i < 8; i++) us |= (uint64_t)a[5 + i] << (8 * i);
        fprintf(stderr, "braze: link server: served (cpu %.3f ms)\n", us / 1e3);
    }
    return status;
}
