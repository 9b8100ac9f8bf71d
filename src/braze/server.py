"""A warm link server for the duration of `braze run -- CMD`.

A plain link pays Python's start-up and braze's imports (~18 ms of CPU) and re-reads the cached parse
of libc.so, crt objects and static libraries every time.  Under `braze run`, the `ld` that gcc finds
is a tiny client (python -E -S with only C modules imported) that hands the link to a server started
by `braze run`: the server has imported all of braze and holds the persistent input cache's files
decoded in memory, and forks one child per link.  Fork isolates links (no state survives from one
link to the next, concurrent links run in parallel); the child takes the client's argv, cwd,
environment, umask and stdin/stdout/stderr (passed as file descriptors with SCM_RIGHTS) and sends
back the exit status.

Robustness: the client falls back to an ordinary in-process link, silently, whenever the server
cannot take the link: no server (crashed, killed, idle-timed-out: connect fails), a server whose
code key differs from the client's, or whose braze sources changed on disk since it started (it
refuses), or a server child that dies before sending a status (the link is redone in-process).
The server's memory of cache files is only a faster read of those files: each is re-checked by its
stat (inode, size, mtime, ctime) before use, and every record inside is validated against the input
exactly as without a server (inputs/cache.py).  Signals the client receives (Ctrl-C) are forwarded
to the link's process.  The server leaves with `braze run`'s command, when `braze run` dies, or
after BRAZE_SERVER_IDLE seconds (default 600) without a link.

The client is server_client.c, compiled with the C compiler once and kept in the user's cache (it
starts in ~1 ms); without a compiler it is client.py (~10 ms of CPU), BRAZE_SERVER_CLIENT=python
forces that one.  BRAZE_NO_SERVER=1 makes `braze run` use the plain in-process shim;
BRAZE_SERVER_TRACE=1 makes the client say on stderr whether a link was served or fell back, and why.
"""
from __future__ import annotations

import os
import sys

PROTO = 1
_HDR = 8        # first message: payload length (8 bytes little-endian) + SCM_RIGHTS fds 0, 1, 2


def _sources() -> list[str]:
    pkg = os.path.dirname(os.path.abspath(__file__))
    out = []
    for root, dirs, files in os.walk(pkg):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        out += [os.path.join(root, f) for f in sorted(files) if f.endswith(".py")]
    return out


def code_key(paths: list[str]) -> str:
    """A checksum of braze's sources: a client only uses a server running the very same code."""
    import hashlib
    h = hashlib.sha1(f"{PROTO}\0{sys.version}\0".encode())
    for p in paths:
        with open(p, "rb") as f:
            h.update(p.encode("utf-8", "surrogateescape") + b"\0" + f.read() + b"\0")
    return h.hexdigest()


def _stamps(paths: list[str]) -> list:
    out = []
    for p in paths:
        try:
            st = os.stat(p)
            out.append((st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
        except OSError:
            out.append(None)
    return out


# The client: only C modules (_socket, marshal, _signal), so it starts in a few ms.  KEY and PKG are
# filled in by write_client(); the run's socket comes from the environment (SOCKET_VAR).
_CLIENT = r'''import sys, os, _socket, marshal, _signal
KEY = %(key)r
SOCK = os.environ.get("BRAZE_RUN_SOCKET")
PKG = %(pkg)r
TRACE = os.environ.get("BRAZE_SERVER_TRACE")


def fallback(why):
    if got:         # interrupted before the server took the link: no link
        os._exit(128 + got[-1])
    for sig, h in saved.items():
        _signal.signal(sig, h)
    if TRACE:
        os.write(2, ("braze: link server: fallback (%%s)\n" %% why).encode())
    sys.path.insert(0, PKG)
    sys.argv[1:1] = ["--argv0=ld"]
    from braze.main import main
    sys.exit(main())


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            return None
        b += c
    return b


got = []
pending = []
pid = []
saved = {}


def forward(sig, frame):
    got.append(sig)
    if not pid:
        pending.append(sig)     # forwarded once the server names the link's process
        return
    try:
        os.kill(pid[0], sig)
    except OSError:
        pass


def serve():
    # forwarding is in place before the request is sent: a signal that comes while the server has not
    # yet answered (busy, or still warming up) is kept and forwarded once the link's pid is known
    for sig in (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP, _signal.SIGQUIT):
        h = _signal.getsignal(sig)
        if h != _signal.SIG_IGN:   # ignored (a `&` job): the link ignores it too
            saved[sig] = h
            _signal.signal(sig, forward)
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            return "closed fd %%d" %% fd
    um = os.umask(0)
    os.umask(um)
    try:
        cwd = os.getcwd()
    except OSError:
        return "no cwd"
    if not SOCK:
        return "no server"
    body = marshal.dumps((KEY, [os.fsencode(a) for a in sys.argv[1:]], os.fsencode(cwd),
                          dict(os.environb), um))
    try:
        s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        s.connect(SOCK)
        fds = b"".join(i.to_bytes(4, sys.byteorder) for i in (0, 1, 2))
        s.sendmsg([len(body).to_bytes(8, "little")], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)])
        s.sendall(body)
        a = recv_exact(s, 5)
    except OSError as e:
        return "server unreachable: %%s" %% e.strerror
    if a is None or a[:1] != b"A":
        return "refused" if a else "no answer"
    pid.append(int.from_bytes(a[1:5], "little"))
    if pending:     # (handlers run between bytecodes: a signal is either pending or forwarded)
        try:
            os.kill(pid[0], pending[-1])
        except OSError:
            pass
    try:
        st = recv_exact(s, 13)
    except OSError:
        st = None
    if st is None or st[:1] != b"S":
        if got:         # the link was interrupted on our behalf: do not redo it
            os._exit(128 + got[-1])
        return "link process died"
    if TRACE:       # with the CPU time the link took in the server (bench/run.py --server adds it)
        os.write(2, ("braze: link server: served (cpu %%.3f ms)\n" %% (int.from_bytes(st[5:13], "little") / 1e3)).encode())
    os._exit(int.from_bytes(st[1:5], "little"))     # as an in-process link: 130 after Ctrl-C


fallback(serve())
'''


SOCKET_VAR = "BRAZE_RUN_SOCKET"


def write_client(rundir: str, key: str) -> str:
    """The directory of the run's `ld` (the client), kept in the user's cache per code key so the
    path stays valid after the run: configure scripts and libtool store `gcc -print-prog-name=ld`,
    and a link through it once the run is over (no SOCKET_VAR, or its socket gone) falls back to an
    in-process link.  In `rundir` when the cache cannot be written."""
    from .main import _q, shim_dir
    import hashlib
    import shutil
    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    fallback = os.path.join(shim_dir(), "ld")
    native = _native_client() if os.environ.get("BRAZE_SERVER_CLIENT") != "python" else None
    tag = hashlib.sha1(f"{key}\0{sys.executable}\0{pkg}\0{fallback}\0{native}".encode()).hexdigest()[:12]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    final = os.path.join(base, "braze", f"run-{tag}")
    if os.path.isfile(os.path.join(final, "ld")):
        return final
    tmp = f"{final}.{os.getpid()}.tmp"
    for d in (tmp, rundir):
        try:
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "client.py"), "w") as f:
                f.write(_CLIENT % {"key": key, "pkg": pkg})
            ld = os.path.join(d, "ld")
            if native is not None:
                with open(os.path.join(d, "ld.conf"), "w") as f:
                    f.write(f"{key}\n{fallback}\n")
                shutil.copyfile(native, ld)
            else:
                script = os.path.join(rundir if d == rundir else final, "client.py")   # (where it will be)
                with open(ld, "w") as f:
                    f.write(f"#!/bin/sh\nexec {_q(sys.executable)} -E -S {_q(script)} \"$@\"\n")
            os.chmod(ld, 0o755)
            if d == rundir:
                return d
            os.rename(tmp, final)       # complete, or not there: (another run may have made it first)
            return final
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if os.path.isfile(os.path.join(final, "ld")):
                return final
    raise OSError("cannot write the link client")


def _native_client() -> str | None:
    """server_client.c compiled (once per source and compiler, kept in the user's cache): a client
    that starts in about a millisecond where the Python one needs ~10 ms of CPU.  None without a
    working C compiler (the Python client is used then)."""
    import hashlib
    import shutil
    import subprocess
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "server_client.c")
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None or not os.path.isfile(src):
        return None
    with open(src, "rb") as f:
        text = f.read()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    key = hashlib.sha1(text + b"\0" + os.path.realpath(cc).encode()).hexdigest()[:12]
    exe = os.path.join(base, "braze", f"client-{key}")
    if os.access(exe, os.X_OK):
        return exe
    env = {k: v for k, v in os.environ.items() if k not in ("COMPILER_PATH", "GCC_EXEC_PREFIX")}
    tmp = f"{exe}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(exe), exist_ok=True)
        for extra in (["-static"], []):     # static: no dynamic loader work at each start
            p = subprocess.run([cc, "-O2", *extra, "-o", tmp, src], env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
            if p.returncode == 0:
                os.replace(tmp, exe)
                return exe
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        os.unlink(tmp)
    except OSError:
        pass
    return None


def _warm_imports() -> None:
    """Import every braze module a link may import, so children never pay for an import."""
    import importlib
    pkg = os.path.dirname(os.path.abspath(__file__))
    for p in _sources():
        rel = os.path.relpath(p, pkg)[:-3].replace(os.sep, ".")
        if rel.endswith("__init__"):
            rel = rel[:-len("__init__")].rstrip(".")
        if rel in ("__main__", "server"):
            continue
        try:
            importlib.import_module("braze" + ("." + rel if rel else ""))
        except Exception:       # an optional module that cannot load here: a link would fail the same way
            pass
    try:
        from .inputs import cache
        cache.code_stamp("ar"), cache.code_stamp("so")
    except Exception:
        pass


def serve(ls, sock_path: str, key: str, parent: int) -> None:
    """The server's main loop on the listening socket `ls` (bound by `braze run` before CMD starts, so
    no early link finds no server); runs in its own session, stdio on /dev/null; never returns."""
    import marshal
    import signal
    code = 0
    try:
        paths = _sources()
        stamps = _stamps(paths)
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)     # links are never waited for: reap them
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _warm_imports()
        from .inputs import cache
        cache.warm_start()
        idle = float(os.environ.get("BRAZE_SERVER_IDLE") or 600)
        used_r, used_w = os.pipe()      # children name the cache files they read, one per line
        os.set_blocking(used_r, False)
        import select
        quiet = 0.0
        pending = b""
        while True:
            ready = select.select([ls, used_r], [], [], 1.0)[0]
            if not ready:
                if os.getppid() != parent:
                    break           # `braze run` is gone
                quiet += 1.0
                if quiet >= idle:
                    break
                continue
            quiet = 0.0
            if used_r in ready:
                try:
                    pending += os.read(used_r, 1 << 16)
                except BlockingIOError:
                    pass
                lines = pending.split(b"\n")
                pending = lines.pop()
                cache.warm(os.fsdecode(x) for x in lines if x)
            if ls not in ready:
                continue
            try:
                conn, _ = ls.accept()
            except OSError:
                continue
            pid = os.fork()
            if pid == 0:
                ls.close()
                os.close(used_r)
                _child(conn, key, paths, stamps, marshal, used_w)
            conn.close()
    except BaseException:
        code = 1
        _debug()
    finally:
        try:
            os.unlink(sock_path)
        except OSError:
            pass
    os._exit(code)


def _child(conn, key: str, paths: list[str], stamps: list, marshal, used_w: int) -> None:
    """One link, in a forked child of the server.  Never returns."""
    import signal
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import resource

    def cpu() -> float:         # microsecond resolution (os.times counts clock ticks)
        a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime
    cpu0 = cpu()
    status = None
    try:
        conn.settimeout(None)
        import socket as _socket
        msg, anc, _flags, _ = conn.recvmsg(_HDR, _socket.CMSG_SPACE(3 * 4))
        fds = []
        for level, typ, data in anc:
            if level == _socket.SOL_SOCKET and typ == _socket.SCM_RIGHTS:
                fds += [int.from_bytes(data[i:i + 4], sys.byteorder) for i in range(0, len(data) - 3, 4)]
        if len(msg) != _HDR or len(fds) != 3:
            raise OSError("bad request")
        n = int.from_bytes(msg, "little")
        body = b""
        while len(body) < n:
            c = conn.recv(min(n - len(body), 1 << 20))
            if not c:
                raise OSError("short request")
            body += c
        ckey, argv, cwd, env, umask = marshal.loads(body)
        if ckey != key or _stamps(paths) != stamps:
            conn.sendall(b"R\0\0\0\0")      # not this code: the client links in-process
            os._exit(0)
        for i, fd in enumerate(fds):
            os.dup2(fd, i)
            os.close(fd)
        try:        # as Python sets it up at start-up: line-buffered on a terminal
            sys.stdout.reconfigure(line_buffering=os.isatty(1))
        except (AttributeError, ValueError, OSError):
            pass
        os.chdir(cwd)
        os.umask(umask)
        os.environ.clear()
        for k, v in env.items():
            os.environb[k] = v
        sys.argv = ["ld"] + [os.fsdecode(a) for a in argv]
        conn.sendall(b"A" + os.getpid().to_bytes(4, "little"))
        from .main import main
        try:
            status = main(["--argv0=ld"] + sys.argv[1:])
        except KeyboardInterrupt:
            status = 130
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
        cpu_us = int((cpu() - cpu0) * 1e6)
        conn.sendall(b"S" + (status & 0xffffffff).to_bytes(4, "little") + max(cpu_us, 0).to_bytes(8, "little"))
        from .inputs import cache
        if cache._USED:         # after the status: the client does not wait for this
            names = [os.fsencode(f) + b"\n" for f in dict.fromkeys(cache._USED)]
            chunk = b""
            for n in names:         # writes of at most PIPE_BUF bytes are not interleaved
                if len(chunk) + len(n) > 4096:
                    os.write(used_w, chunk)
                    chunk = b""
                if len(n) <= 4096:
                    chunk += n
            if chunk:
                os.write(used_w, chunk)
    except BaseException:
        _debug()            # no status sent: the client links in-process
    os._exit(0)


def _debug() -> None:
    if os.environ.get("BRAZE_SERVER_DEBUG"):
        import traceback
        traceback.print_exc()


def run(cmd: list[str], env: dict) -> int:
    """`braze run -- CMD` with a link server; returns CMD's exit status (128+N if killed by signal N)."""
    import shutil
    import signal
    import tempfile
    rundir = tempfile.mkdtemp(prefix="braze-run-")
    try:
        paths = _sources()
        key = code_key(paths)
        client = write_client(rundir, key)
        sock = os.path.join(rundir, "sock")
        if len(sock.encode()) > 100:        # sun_path holds 108 bytes
            raise OSError("socket path too long")
        import socket
        ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        ls.bind(sock)
        ls.listen(128)
    except OSError:
        shutil.rmtree(rundir, ignore_errors=True)
        return -1
    parent = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    server = os.fork()
    if server == 0:
        try:
            os.setsid()         # out of the terminal's process group: Ctrl-C reaches links via clients
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2) if not os.environ.get("BRAZE_SERVER_DEBUG") else (0, 1):
                os.dup2(null, fd)
        finally:
            serve(ls, sock, key, parent)
    ls.close()
    with open(os.path.join(rundir, "server.pid"), "w") as f:
        f.write(f"{server}\n")
    env = dict(env)
    # the client (its directory outlives the run), then the plain shim: a process that outlives CMD
    # still links with braze
    from .main import shim_dir
    env[SOCKET_VAR] = sock
    env["COMPILER_PATH"] = os.pathsep.join([client, shim_dir()] + ([env["COMPILER_PATH"]]
                                                                   if env.get("COMPILER_PATH") else []))
    child = None
    fwd = {}
    try:
        try:
            child = os.fork()
        except OSError:
            child = None
            raise
        if child == 0:
            try:
                os.execvpe(cmd[0], cmd, env)
            except OSError as e:
                os.write(2, f"braze: error: run: {cmd[0]}: {e.strerror}\n".encode())
            os._exit(127)

        def forward(sig, frame):
            try:
                os.kill(child, sig)
            except OSError:
                pass
        # like a shell waiting for a foreground job: Ctrl-C goes to CMD (same process group), and
        # `braze run` outlives it to clean up
        for sig in (signal.SIGINT, signal.SIGQUIT):
            fwd[sig] = signal.signal(sig, signal.SIG_IGN)
        for sig in (signal.SIGTERM, signal.SIGHUP):
            fwd[sig] = signal.signal(sig, forward)
        _, st = os.waitpid(child, 0)
        return os.waitstatus_to_exitcode(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st)
    finally:
        try:
            os.kill(server, signal.SIGTERM)
            os.waitpid(server, 0)
        except OSError:
            pass
        shutil.rmtree(rundir, ignore_errors=True)
        for sig, h in fwd.items():
            signal.signal(sig, h)
