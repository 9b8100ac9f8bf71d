"""braze's own command line: --version, --help, shim-dir, run, and invocation as `ld`.

These always exercise the braze console script (they ignore BRAZE_LDDIR)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from harness import REPO, braze_command, run_program, sh, tool_env
from programs import Case

HELLO_C = r"""
#include <stdio.h>
int main(int argc, char **argv) { printf("hello from %s, argc=%d\n", argv[0], argc); return 7; }
"""


def _braze(*args, env=None, cwd=None, timeout=120):
    cmd = braze_command() + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", env=env or tool_env(),
                       cwd=cwd or REPO, timeout=timeout)
    return cmd, p


def _report(cmd, p) -> str:
    return f"$ {sh(cmd)}\nexit status: {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}"


@pytest.fixture(scope="module")
def pkg_version() -> str:
    return version("braze")


@pytest.fixture(scope="module")
def shim(tmp_path_factory) -> str:
    cmd, p = _braze("shim-dir")
    assert p.returncode == 0, _report(cmd, p)
    return p.stdout.strip()


def _check_version_output(cmd, p, pkg_version):
    assert p.returncode == 0, _report(cmd, p)
    first = p.stdout.splitlines()[0] if p.stdout.strip() else ""
    assert re.search(r"\bbraze\b", first, re.I), "the version line does not say braze\n" + _report(cmd, p)
    assert pkg_version in first, f"the version line lacks the package version {pkg_version}\n" + _report(cmd, p)
    assert "Traceback" not in p.stderr, _report(cmd, p)


def test_version(pkg_version):
    cmd, p = _braze("--version")
    _check_version_output(cmd, p, pkg_version)


def test_python_m_braze_version(pkg_version):
    cmd = [sys.executable, "-m", "braze", "--version"]
    p = subprocess.run(cmd, capture_output=True, text=True, env=tool_env(), cwd=REPO, timeout=60)
    _check_version_output(cmd, p, pkg_version)


def test_help():
    cmd, p = _braze("--help")
    assert p.returncode == 0, _report(cmd, p)
    assert len(p.stdout.splitlines()) >= 3, "--help output is suspiciously short\n" + _report(cmd, p)
    assert re.search(r"(^|\s)-o\b", p.stdout), "--help does not document -o\n" + _report(cmd, p)
    assert "Traceback" not in p.stderr, _report(cmd, p)


def test_shim_dir(shim, pkg_version):
    ld = os.path.join(shim, "ld")
    assert os.path.isabs(shim), f"shim-dir printed a relative path: {shim!r}"
    assert os.path.isfile(ld) and os.access(ld, os.X_OK), f"{ld} is not executable"
    p = subprocess.run(["gcc", f"-B{shim}/", "-print-prog-name=ld"], capture_output=True, text=True,
                       env=tool_env())
    assert os.path.realpath(p.stdout.strip()) == os.path.realpath(ld), p.stdout
    p = subprocess.run([ld, "--version"], capture_output=True, text=True, env=tool_env(), timeout=60)
    assert p.returncode == 0, _report([ld, "--version"], p)
    assert pkg_version in p.stdout, _report([ld, "--version"], p)


def test_shim_dir_is_stable(shim):
    cmd, p = _braze("shim-dir")
    assert p.returncode == 0 and p.stdout.strip() == shim, _report(cmd, p)


@pytest.mark.parametrize("server", [False, True], ids=["no-server", "server"])
def test_run_sets_compiler_path(shim, server):
    """Without the link server (BRAZE_NO_SERVER=1) COMPILER_PATH leads to the shim dir; with it, to the
    directory of the server's client `ld` (tests/test_link_server.py), BRAZE_RUN_SOCKET to the run's."""
    extra = {"COMPILER_PATH": "/nonexistent/previous"} | ({} if server else {"BRAZE_NO_SERVER": "1"})
    cmd, p = _braze("run", "--", "sh", "-c", 'echo "$COMPILER_PATH"; echo "$BRAZE_RUN_SOCKET"; '
                    'test -x "${COMPILER_PATH%%:*}/ld"', env=tool_env(extra))
    assert p.returncode == 0, _report(cmd, p)
    lines = p.stdout.splitlines()
    parts = lines[0].split(os.pathsep)
    if server:
        # the client's directory is kept (a stored path to its ld still links); the run's is not
        assert os.path.basename(parts[0]).startswith("run-") and os.path.isfile(os.path.join(parts[0], "ld")), \
            _report(cmd, p)
        assert os.path.basename(os.path.dirname(lines[1])).startswith("braze-run-"), _report(cmd, p)
        assert not os.path.exists(os.path.dirname(lines[1])), "the run's directory was left behind\n" + \
            _report(cmd, p)
    else:
        assert parts[0] == shim, f"COMPILER_PATH does not start with the shim dir {shim}\n" + _report(cmd, p)
    assert "/nonexistent/previous" in parts, "the previous COMPILER_PATH was dropped\n" + _report(cmd, p)


def test_run_propagates_exit_status():
    cmd, p = _braze("run", "--", "sh", "-c", "exit 3")
    assert p.returncode == 3, _report(cmd, p)


def test_run_without_command():
    cmd, p = _braze("run")
    assert p.returncode != 0, _report(cmd, p)
    assert "braze: error:" in p.stderr and "Traceback" not in p.stderr, _report(cmd, p)


def test_run_gcc_uses_braze(shim, tmp_path, pkg_version):
    cmd, p = _braze("run", "--", "gcc", "-print-prog-name=ld", env=tool_env({"BRAZE_NO_SERVER": "1"}))
    assert p.returncode == 0, _report(cmd, p)
    assert os.path.realpath(p.stdout.strip()) == os.path.realpath(os.path.join(shim, "ld")), _report(cmd, p)
    # gcc passes -Wl,--version to the linker it runs: the answer must come from braze
    (tmp_path / "hello.c").write_text(HELLO_C)
    cmd, p = _braze("run", "--", "gcc", "-Wl,--version", "hello.c", "-o", "hello_v", cwd=tmp_path,
                    timeout=300)
    assert p.returncode == 0, _report(cmd, p)
    assert re.search(r"\bbraze\b", p.stdout, re.I) and pkg_version in p.stdout, (
        "gcc under `braze run` did not run braze as its linker\n" + _report(cmd, p))


def test_run_gcc_builds_working_program(tmp_path):
    (tmp_path / "hello.c").write_text(HELLO_C)
    cmd, p = _braze("run", "--", "gcc", "hello.c", "-o", "hello", cwd=tmp_path, timeout=300)
    assert p.returncode == 0, _report(cmd, p)
    ref = subprocess.run(["gcc", "-fuse-ld=bfd", "hello.c", "-o", "hello_bfd"], cwd=tmp_path,
                         capture_output=True, text=True, env=tool_env())
    assert ref.returncode == 0, ref.stderr
    case = Case("hello", args=("a", "b"))
    got = run_program(str(tmp_path / "hello"), case, tmp_path / "run1")
    want = run_program(str(tmp_path / "hello_bfd"), case, tmp_path / "run2")
    assert want.stdout, "harness: bfd-linked hello printed nothing"
    assert (got.returncode, got.stdout, got.stderr) == (want.returncode, want.stdout, want.stderr), (
        got.describe("braze run") + want.describe("bfd"))


def test_ld_symlink(tmp_path, pkg_version):
    script = Path(sys.executable).parent / "braze"
    assert script.is_file(), f"no braze console script next to {sys.executable} (run `make venv`)"
    link = tmp_path / "ld"
    link.symlink_to(script)
    cmd = [str(link), "--version"]
    p = subprocess.run(cmd, capture_output=True, text=True, env=tool_env(), timeout=60)
    assert p.returncode == 0, _report(cmd, p)
    first = p.stdout.splitlines()[0] if p.stdout.strip() else ""
    assert pkg_version in first, "`ld --version` (symlink to braze) printed no version line\n" + _report(cmd, p)
    assert "Traceback" not in p.stderr, _report(cmd, p)


def test_output_to_fifo_keeps_the_fifo(tmp_path):
    """`-o` naming something that is not a regular file (/dev/null, a FIFO) is written into, not
    replaced by a rename — a rename over /dev/null would break the whole machine."""
    import threading
    (tmp_path / "hello.c").write_text(HELLO_C)
    obj = tmp_path / "hello.o"
    subprocess.run(["gcc", "-c", str(tmp_path / "hello.c"), "-o", str(obj)], check=True, env=tool_env())
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got = bytearray()

    def drain():
        with open(fifo, "rb") as f:
            got.extend(f.read())
    t = threading.Thread(target=drain, daemon=True)
    t.start()
    cmd, p = _braze("-o", str(fifo), str(obj), "-e", "main", "--unresolved-symbols=ignore-all")
    t.join(timeout=20)
    assert p.returncode == 0, _report(cmd, p)
    import stat
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO given to -o was replaced by a regular file"
    assert got[:4] == b"\x7fELF", f"the FIFO received {bytes(got[:16])!r}, not an ELF file"


def _asm_objects(tmp_path, sources: dict[str, str]) -> list[str]:
    objs = []
    for name, text in sources.items():
        src = tmp_path / f"{name}.s"
        src.write_text(text)
        obj = tmp_path / f"{name}.o"
        subprocess.run(["as", str(src), "-o", str(obj)], check=True, env=tool_env())
        objs.append(str(obj))
    return objs


def test_two_process_apply_is_byte_identical(tmp_path):
    """--threads=2 forces the forked relocation pass even for a small link: same bytes as --threads=1."""
    (tmp_path / "hello.c").write_text(HELLO_C)
    obj = tmp_path / "hello.o"
    subprocess.run(["gcc", "-c", "-fPIE", str(tmp_path / "hello.c"), "-o", str(obj)], check=True,
                   env=tool_env())
    outs = []
    for n in ("1", "2"):
        out = tmp_path / f"prog{n}"
        cmd, p = _braze(f"--threads={n}", "-pie", "-e", "main", "-o", str(out), str(obj),
                        "--unresolved-symbols=ignore-all")
        assert p.returncode == 0, _report(cmd, p)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1], "--threads=2 output differs from --threads=1"


def test_two_process_apply_reports_child_errors(tmp_path):
    """An overflow found by the forked half still fails the link: message, exit 1, no output."""
    objs = _asm_objects(tmp_path, {
        "a": ".data\n.globl a\na: .long big\n",          # R_X86_64_32 of a value beyond 32 bits
        "b": ".data\n.globl _start\n_start: .quad a\n",
    })
    out = tmp_path / "prog"
    cmd, p = _braze("--threads=2", "-no-pie", "--defsym", "big=0x123456789", "-o", str(out), *objs)
    assert p.returncode == 1, _report(cmd, p)
    assert "braze: error:" in p.stderr and "R_X86_64_32" in p.stderr and "a.o" in p.stderr, _report(cmd, p)
    assert "Traceback" not in p.stderr, _report(cmd, p)
    assert not out.exists(), "a failed link left an output file"


def test_response_file_quoting_like_binutils(tmp_path):
    """@file words as libiberty splits them (a backslash escapes inside quotes too), checked against
    ld.bfd reading the same file."""
    d = tmp_path / "d x"
    d.mkdir()
    (tmp_path / "hello.c").write_text(HELLO_C)
    subprocess.run(["gcc", "-c", str(tmp_path / "hello.c"), "-o", str(d / "r.o")], check=True, env=tool_env())
    rsp = tmp_path / "args.rsp"
    rsp.write_text('"d\\ x/r.o" -e main --unresolved-symbols=ignore-all -o \'out file\'\n')
    ref = subprocess.run(["ld.bfd", f"@{rsp}"], cwd=tmp_path, capture_output=True, text=True, env=tool_env())
    assert ref.returncode == 0 and (tmp_path / "out file").exists(), f"harness: ld.bfd: {ref.stderr}"
    (tmp_path / "out file").unlink()
    cmd, p = _braze(f"@{rsp}", cwd=tmp_path)
    assert p.returncode == 0, _report(cmd, p)
    assert (tmp_path / "out file").exists(), "braze did not write the output named in the response file"
