"""The warm link server of `braze run` (src/braze/server.py) against in-process braze links and ld.bfd.

A small make project (tests/c/lserver_proj: a -shared library, programs linking it, an archive) is
built under `braze run` (served links), under `braze run` with BRAZE_NO_SERVER=1 (in-process links)
and with ld.bfd: served outputs are byte-identical to in-process ones and the programs behave as
bfd's.  BRAZE_SERVER_TRACE=1 makes each client say whether its link was served or fell back, so the
tests also check which path was taken: the server killed mid-build, a client of another braze
version, an idle server, must all fall back and still give the same bytes.  These tests always run
the braze console script (they ignore BRAZE_LDDIR)."""
from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from harness import REPO, braze_command, sh, tool_env

PROJ = REPO / "tests" / "c" / "lserver_proj"
OUTPUTS = ("prog", "prog_static", "tool", "libshape.so")
RUNS = (("prog", ()), ("prog", ("x", "y")), ("prog_static", ("a",)), ("tool", ()))
TRACE = {"BRAZE_SERVER_TRACE": "1"}
SERVED = "braze: link server: served ("
FALLBACK = "braze: link server: fallback"
RUNDIR = '"${COMPILER_PATH%%:*}"'        # in a shell under `braze run`: the client's directory
PIDFILE = '"$(dirname "$BRAZE_RUN_SOCKET")/server.pid"'      # in the run's own directory


def _run(cmd, cwd, env=None, timeout=300, **kw):
    try:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace",
                              env=tool_env(env), timeout=timeout, **kw)
    except subprocess.TimeoutExpired as e:
        # what was still running (and in which kernel wait), for a hang seen only in full-suite runs
        ps = subprocess.run(["ps", "-ww", "-eo", "pid,ppid,pgid,stat,wchan:24,args"], capture_output=True,
                            text=True).stdout
        mine = [ln for ln in ps.splitlines()
                if any(w in ln for w in ("braze", "interrupt.py", "in.o", "PID"))]
        pytest.fail(f"timed out after {timeout} s: {sh(cmd)}\nstdout so far: {e.stdout!r}\n"
                    f"stderr so far: {e.stderr!r}\nprocesses:\n" + "\n".join(mine))


def _report(cmd, p) -> str:
    return f"$ {sh(cmd)}\nexit status: {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}"


def _braze_run(shell: str, cwd: Path, env=None, timeout=300):
    cmd = braze_command() + ["run", "--", "sh", "-c", shell]
    p = _run(cmd, cwd, env, timeout)
    return cmd, p


def _untraced(stderr: str) -> str:
    return "".join(ln for ln in stderr.splitlines(True) if not ln.startswith(SERVED))


def _project(tmp: Path, name: str) -> Path:
    d = tmp / name
    shutil.copytree(PROJ, d)
    return d


def _bytes(d: Path) -> dict[str, bytes]:
    return {o: (d / o).read_bytes() for o in OUTPUTS}


def _behaviour(d: Path) -> list:
    out = []
    for exe, args in RUNS:
        p = subprocess.run([str(d / exe), *args], cwd=d, capture_output=True, text=True, timeout=60,
                           env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})
        out.append((exe, args, p.returncode, p.stdout, p.stderr))
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The project linked in-process by braze (BRAZE_NO_SERVER=1) and by ld.bfd."""
    tmp = tmp_path_factory.mktemp("lserver_ref")
    plain = _project(tmp, "plain")
    cmd, p = _braze_run("make -j2", plain, {"BRAZE_NO_SERVER": "1", **TRACE})
    assert p.returncode == 0, _report(cmd, p)
    assert "link server" not in p.stderr, "BRAZE_NO_SERVER=1 still used the server\n" + _report(cmd, p)
    bfd = _project(tmp, "bfd")
    p = _run(["make", "-j2", "LDFLAGS=-fuse-ld=bfd"], bfd)
    assert p.returncode == 0, p.stderr
    want = _behaviour(bfd)
    assert _behaviour(plain) == want, "harness: in-process braze links do not behave as bfd's"
    return {"bytes": _bytes(plain), "behaviour": want, "plain": plain}


def _check_outputs(d: Path, reference, what: str) -> None:
    got = _bytes(d)
    for o in OUTPUTS:
        assert got[o] == reference["bytes"][o], f"{what}: {o} differs from the in-process link's"
    assert _behaviour(d) == reference["behaviour"], f"{what}: the programs do not behave as bfd's"


@pytest.mark.parametrize("client", ["native", "python"])
def test_make_parallel_served(tmp_path, reference, client):
    """Both clients: the C one `braze run` compiles, and client.py (BRAZE_SERVER_CLIENT=python)."""
    d = _project(tmp_path, "p")
    env = {**TRACE, **({"BRAZE_SERVER_CLIENT": "python"} if client == "python" else {})}
    kind = ("test \"$(head -c 4 " + RUNDIR + "/ld)\" " + ("=" if client == "native" else "!=")
            + " \"$(printf '\\177ELF')\" && ")
    cmd, p = _braze_run(kind + "make -j4", d, env)
    assert p.returncode == 0, _report(cmd, p)
    assert p.stderr.count(SERVED) == len(OUTPUTS) and FALLBACK not in p.stderr, (
        "every link of the build should be served\n" + _report(cmd, p))
    _check_outputs(d, reference, "make -j4 under braze run")
    # a second build from scratch in the same server: nothing of the first build leaks into it
    clean = "rm -f prog prog_static tool libshape.so"
    cmd, p = _braze_run(f"{clean} && make -j4 && {clean} && make -j4", d, env)
    assert p.returncode == 0, _report(cmd, p)
    assert p.stderr.count(SERVED) == 2 * len(OUTPUTS), _report(cmd, p)
    _check_outputs(d, reference, "rebuild under one server")


def test_server_killed_mid_build(tmp_path, reference):
    d = _project(tmp_path, "p")
    shell = (f"make -j2 tool && kill $(cat {PIDFILE}) && sleep 0.5 && make -j4")
    cmd, p = _braze_run(shell, d, TRACE)
    assert p.returncode == 0, _report(cmd, p)
    lines = [ln for ln in p.stderr.splitlines() if "link server" in ln]
    assert lines and lines[0].startswith(SERVED), _report(cmd, p)
    assert all(ln.startswith(FALLBACK) for ln in lines[1:]) and len(lines) == len(OUTPUTS), (
        "the links after the server was killed should fall back to in-process links\n" + _report(cmd, p))
    _check_outputs(d, reference, "server killed mid-build")


def test_concurrent_links(tmp_path, reference):
    d = _project(tmp_path, "p")
    p = _run(["make", "-j2", "main.o", "shape.o", "util.o", "libutil.a"], d)
    assert p.returncode == 0, p.stderr
    links = " & ".join(f"gcc -o prog_static.{i} main.o shape.o libutil.a" for i in range(8))
    cmd, p = _braze_run(f"{links} & wait", d, TRACE)
    assert p.returncode == 0, _report(cmd, p)
    assert p.stderr.count(SERVED) == 8, _report(cmd, p)
    for i in range(8):
        assert (d / f"prog_static.{i}").read_bytes() == reference["bytes"]["prog_static"], (
            f"concurrent link {i} differs from the in-process link")


def test_error_link(tmp_path):
    """An undefined symbol: the served link says what the in-process one says, exit 1, no output;
    bfd also fails with status 1 and leaves no output."""
    d = _project(tmp_path, "p")
    p = _run(["make", "main.o", "shape.o"], d)
    assert p.returncode == 0, p.stderr
    link = "gcc -o bad main.o shape.o; echo status=$?; test -e bad && echo output-left; true"
    got_cmd, got = _braze_run(link, d, TRACE)
    want_cmd, want = _braze_run(link, d, {"BRAZE_NO_SERVER": "1"})
    assert SERVED in got.stderr, _report(got_cmd, got)
    assert got.stdout == want.stdout == "status=1\n", _report(got_cmd, got) + _report(want_cmd, want)
    assert _untraced(got.stderr) == want.stderr, _report(got_cmd, got) + _report(want_cmd, want)
    assert "util_sum" in got.stderr, _report(got_cmd, got)
    bfd = _run(["sh", "-c", link.replace("gcc ", "gcc -fuse-ld=bfd ", 1)], d)
    assert bfd.stdout == "status=1\n", bfd.stdout + bfd.stderr


def test_stdio_cwd_umask(tmp_path):
    """The server's link child uses the client's stdin (a response file read from /dev/stdin), stdout
    (--version, -M), stderr, working directory (relative paths from a subdirectory) and umask."""
    d = _project(tmp_path, "p")
    (d / "sub").mkdir()
    p = _run(["make", "main.o", "shape.o", "util.o"], d)
    assert p.returncode == 0, p.stderr
    shell = (f"cd sub && umask 077 && echo '-r ../main.o ../shape.o -o part.o' | {RUNDIR}/ld @/dev/stdin"
             f" && {RUNDIR}/ld --version | head -1 && {RUNDIR}/ld -r -t ../util.o -o part2.o | grep -c util.o"
             f" && {RUNDIR}/ld -r ../nonexistent.o -o part3.o; echo status=$?")
    got_cmd, got = _braze_run(shell, d, TRACE)
    assert got.stderr.count(SERVED) == 4, _report(got_cmd, got)
    served = {f: (d / "sub" / f).read_bytes() for f in ("part.o", "part2.o")}
    modes = {f: stat.S_IMODE((d / "sub" / f).stat().st_mode) for f in served}
    assert not (d / "sub" / "part3.o").exists()
    shutil.rmtree(d / "sub")
    (d / "sub").mkdir()
    want_cmd, want = _braze_run(shell, d, {"BRAZE_NO_SERVER": "1"})
    assert got.stdout == want.stdout and "braze" in got.stdout and "status=1" in got.stdout, (
        _report(got_cmd, got) + _report(want_cmd, want))
    assert _untraced(got.stderr) == want.stderr, _report(got_cmd, got) + _report(want_cmd, want)
    for f, b in served.items():
        assert b == (d / "sub" / f).read_bytes(), f"{f}: served -r output differs from in-process"
        assert modes[f] == stat.S_IMODE((d / "sub" / f).stat().st_mode)
    # bfd, same umask: the same permission bits
    p = _run(["sh", "-c", "umask 077 && ld.bfd -r main.o shape.o -o part_bfd.o"], d)
    assert p.returncode == 0, p.stderr
    assert modes["part.o"] == stat.S_IMODE((d / "part_bfd.o").stat().st_mode)


def test_other_version_client_falls_back(tmp_path, reference):
    """A client whose code key is not the server's is refused and links in-process."""
    d = _project(tmp_path, "p")
    shell = (f"sed 's/^KEY = .*/KEY = \"0000\"/' {RUNDIR}/client.py > other.py && make -j2 main.o shape.o "
             "util.o libutil.a && gcc -B$PWD/bin -o prog_static main.o shape.o libutil.a")
    (d / "bin").mkdir()
    (d / "bin" / "ld").write_text(f"#!/bin/sh\nexec {sh([str(Path(braze_command()[0]).parent / 'python')])}"
                                  f" -E -S {d}/other.py \"$@\"\n")
    (d / "bin" / "ld").chmod(0o755)
    cmd, p = _braze_run(shell, d, TRACE)
    assert p.returncode == 0, _report(cmd, p)
    assert "braze: link server: fallback (refused)" in p.stderr and SERVED not in p.stderr, _report(cmd, p)
    assert (d / "prog_static").read_bytes() == reference["bytes"]["prog_static"]


def test_other_version_native_client_falls_back(tmp_path, reference):
    """The C client with another code key in its ld.conf: refused, links in-process (its fallback)."""
    d = _project(tmp_path, "p")
    (d / "bin").mkdir()
    shell = (f"cp {RUNDIR}/ld bin/ld && sed '1s/.*/0000/' {RUNDIR}/ld.conf > bin/ld.conf && make -j2 main.o "
             "shape.o util.o libutil.a && gcc -B$PWD/bin -o prog_static main.o shape.o libutil.a")
    cmd, p = _braze_run(shell, d, TRACE)
    assert p.returncode == 0, _report(cmd, p)
    assert "braze: link server: fallback (refused)" in p.stderr and SERVED not in p.stderr, _report(cmd, p)
    assert (d / "prog_static").read_bytes() == reference["bytes"]["prog_static"]


def test_idle_server_leaves(tmp_path, reference):
    d = _project(tmp_path, "p")
    cmd, p = _braze_run("make -j2 tool && sleep 4 && make prog_static", d,
                        {"BRAZE_SERVER_IDLE": "1", **TRACE})
    assert p.returncode == 0, _report(cmd, p)
    lines = [ln for ln in p.stderr.splitlines() if "link server" in ln]
    assert lines[0].startswith(SERVED) and lines[1].startswith(FALLBACK), _report(cmd, p)
    assert (d / "prog_static").read_bytes() == reference["bytes"]["prog_static"]


INTERRUPT = r"""
import os, signal, subprocess, sys, time
signal.signal(signal.SIGINT, signal.SIG_DFL)    # (a suite run as a `&` job has it ignored: so would the link)
p = subprocess.Popen([sys.argv[1], "-r", "in.o", "-o", "out.o"])
time.sleep(1.5)
p.send_signal(signal.SIGINT)
print(f"status={p.wait()}")
if os.path.exists("out.o"):
    print("output-left")
"""


def test_ctrl_c_reaches_link(tmp_path):
    """SIGINT to the client interrupts the link in the server's child (blocked opening a FIFO input),
    which ends as an in-process link does: status 130, no output, nobody left reading the FIFO."""
    results = {}
    for label, env in (("served", TRACE), ("in-process", {"BRAZE_NO_SERVER": "1"})):
        d = tmp_path / label
        d.mkdir()
        os.mkfifo(d / "in.o")
        (d / "interrupt.py").write_text(INTERRUPT)
        shell = f"python3 interrupt.py {RUNDIR}/ld; sleep 0.5"
        cmd, p = _braze_run(shell, d, env, timeout=120)
        assert p.returncode == 0, _report(cmd, p)
        try:        # a reader still blocked on the FIFO would make this open succeed
            fd = os.open(d / "in.o", os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
            pytest.fail(f"{label}: the interrupted link still has the FIFO open\n" + _report(cmd, p))
        except OSError:
            pass
        results[label] = p.stdout
        assert "Traceback" not in p.stderr, _report(cmd, p)
    assert results["served"] == results["in-process"] == "status=130\n", results


INTERRUPT_EARLY = r"""
import os, signal, subprocess, sys, time
signal.signal(signal.SIGINT, signal.SIG_DFL)    # (a suite run as a `&` job has it ignored: so would the link)
server = int(open(sys.argv[2]).read())
os.kill(server, signal.SIGSTOP)         # the server cannot take the link yet (as when it is busy)
try:
    p = subprocess.Popen([sys.argv[1], "-r", "in.o", "-o", "out.o"])
    time.sleep(1.0)
    p.send_signal(signal.SIGINT)        # Ctrl-C while the client still waits for the server
    time.sleep(0.3)
finally:
    os.kill(server, signal.SIGCONT)
print(f"status={p.wait()}")
if os.path.exists("out.o"):
    print("output-left")
"""


@pytest.mark.parametrize("client", ["native", "python"])
def test_ctrl_c_before_server_answers(tmp_path, client):
    """SIGINT to the client before the server has taken the link (stopped here, busy in real life):
    the signal is kept and forwarded once the link's process exists, so the link ends with 130 and
    does not run on (blocked on its FIFO input, holding the build's output pipes, or writing an output
    after the user pressed Ctrl-C)."""
    os.mkfifo(tmp_path / "in.o")
    (tmp_path / "interrupt.py").write_text(INTERRUPT_EARLY)
    env = {**TRACE, "BRAZE_SERVER_CLIENT": client}
    shell = f"python3 interrupt.py {RUNDIR}/ld {PIDFILE}; sleep 0.5"
    cmd, p = _braze_run(shell, tmp_path, env, timeout=60)
    assert p.returncode == 0, _report(cmd, p)
    assert p.stdout == "status=130\n", _report(cmd, p)
    assert "Traceback" not in p.stderr, _report(cmd, p)
    try:        # a reader still blocked on the FIFO would make this open succeed
        fd = os.open(tmp_path / "in.o", os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        pytest.fail("the interrupted link still has the FIFO open\n" + _report(cmd, p))
    except OSError:
        pass


def test_server_leaves_with_braze_run(tmp_path):
    """`braze run` killed outright (SIGKILL): its server notices and exits."""
    cmd = braze_command() + ["run", "--", "sh", "-c", f"echo $$; cat {PIDFILE}; exec sleep 60"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=tool_env(), cwd=tmp_path)
    sleeper = None
    try:
        sleeper = int(proc.stdout.readline())
        pid = int(proc.stdout.readline())
        assert _alive(pid), "harness: no server running"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 15
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(pid), "the server outlived `braze run`"
    finally:
        proc.kill()
        proc.wait()
        if sleeper:
            try:
                os.kill(sleeper, signal.SIGKILL)
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_outliving_process_still_links_with_braze(tmp_path):
    """After `braze run` ends its own directory (socket, pid file) is gone; COMPILER_PATH still leads
    to braze: the client's directory is kept, then the plain shim (a process that outlives the command
    must not silently link with the system ld)."""
    cmd, p = _braze_run('echo "$COMPILER_PATH"; echo "$BRAZE_RUN_SOCKET"', tmp_path)
    assert p.returncode == 0, _report(cmd, p)
    path, sock = p.stdout.split()
    assert not os.path.exists(os.path.dirname(sock)), "the run's directory was left behind"
    q = _run(["gcc", "-print-prog-name=ld"], tmp_path, {"COMPILER_PATH": path})
    assert q.stdout.strip() == os.path.join(path.split(os.pathsep)[0], "ld"), q.stdout + q.stderr
    shim = _run(braze_command() + ["shim-dir"], tmp_path).stdout.strip()
    assert path.split(os.pathsep)[1] == shim, path


@pytest.mark.parametrize("client", ["native", "python"])
def test_stored_ld_path_after_run(tmp_path, reference, client):
    """configure and libtool store `gcc -print-prog-name=ld` (libtool's LD=): after `braze run` has
    ended, that path still links, in-process (the client finds no server), with the same bytes."""
    d = _project(tmp_path, "p")
    env = {**TRACE, "BRAZE_SERVER_CLIENT": client}
    cmd, p = _braze_run("gcc -print-prog-name=ld > ld.path && make -j2 main.o shape.o util.o libutil.a",
                        d, env)
    assert p.returncode == 0, _report(cmd, p)
    ld = (d / "ld.path").read_text().strip()
    bindir = d / "stored"
    bindir.mkdir()
    (bindir / "ld").symlink_to(ld)      # gcc -B<dir> runs <dir>/ld: the stored path, as libtool's $LD
    for extra in ({}, {"BRAZE_RUN_SOCKET": str(tmp_path / "gone" / "sock")}):   # (a leftover variable)
        (d / "prog_static").unlink(missing_ok=True)
        link = ["gcc", f"-B{bindir}/", "-o", "prog_static", "main.o", "shape.o", "libutil.a"]
        q = _run(link, d, {**env, **extra})
        assert q.returncode == 0, _report(link, q)
        assert FALLBACK in q.stderr and SERVED not in q.stderr, _report(link, q)
        assert (d / "prog_static").read_bytes() == reference["bytes"]["prog_static"]
    r = _run([ld, "--version"], d, env)
    assert r.returncode == 0 and "braze" in r.stdout, _report([ld, "--version"], r)
