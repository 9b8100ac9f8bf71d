"""Real clients of -shared: Go (-buildmode=c-shared and c-archive, and an externally linked Go
program) and a Rust cdylib, each built once with the linker under test and once with ld.bfd;
C hosts and Python ctypes must see the same behaviour. Sources: tests/shlib/go, tests/shlib/rust.

Go keeps its build cache in build/gocache (the first run compiles the runtime, later runs reuse it)."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import REPO, need_tool, sh, tool_env
from test_shared import SRC, dynsyms, dyntags, run, run_ctypes

GO_SRC = SRC / "go"
RUST_SRC = SRC / "rust"


def _check(cmd, cwd, env=None):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env or tool_env(), capture_output=True, text=True,
                       errors="replace", timeout=600)
    assert p.returncode == 0, f"command failed (exit {p.returncode})\n$ {sh(cmd)}\n{p.stdout}{p.stderr}"
    return p


def _extld(linker: str, lddir: str) -> str:
    return "-fuse-ld=bfd" if linker == "bfd" else f"-B{lddir}/"


@pytest.fixture(scope="module")
def go_env():
    go = need_tool("go")
    cache = REPO / "build" / "gocache"
    cache.mkdir(parents=True, exist_ok=True)
    env = tool_env({"GOCACHE": str(cache), "GOPATH": str(REPO / "build" / "gopath"), "GOFLAGS": "-mod=mod",
                    "GO111MODULE": "on", "GOTOOLCHAIN": "local", "CGO_ENABLED": "1"})
    return go, env


def go_build(go_env, out: Path, mode: str, linker: str, lddir: str, pkg: str = "."):
    go, env = go_env
    out.parent.mkdir(parents=True, exist_ok=True)
    args = [go, "build", f"-buildmode={mode}", "-o", out]
    if mode != "c-archive":
        args.append(f"-ldflags=-linkmode=external -extldflags={_extld(linker, lddir)}")
    _check([*args, pkg], GO_SRC, env)
    return out


def c_host(src: Path, out: Path, inputs, linker: str = "bfd", lddir: str = "", extra=()):
    _check(["gcc", _extld(linker, lddir), "-O2", src, *map(str, inputs), *extra, "-o", out], out.parent)
    return out


def test_go_c_shared(tmp_path, go_env, braze_lddir):
    res = {}
    for linker in ("bfd", "test"):
        d = tmp_path / linker
        lib = go_build(go_env, d / "libgo.so", "c-shared", linker, braze_lddir)
        host = c_host(GO_SRC / "host.c", d / "host", [lib], extra=[f"-Wl,-rpath,{d}"])
        res[linker] = {
            "link-time": run([host]),
            "ctypes": run_ctypes(lib, ["GoAdd", "GoInits", "GoParallelSum", "GoRepeatLen"]),
            "LD_PRELOAD": run(["/bin/true"], env={"LD_PRELOAD": str(lib)}),
            # Go's go.o already has the .init_array slot for the entry: no second one
            "INIT_ARRAYSZ": dict(dyntags(lib)).get("INIT_ARRAYSZ"),
            "exports": {s for s in dynsyms(lib) if s[4] and s[0].startswith("Go")},
        }
    assert res["bfd"]["link-time"] == (0, "add=42 inits=1 sum=5050 len=14\n", ""), f"harness: {res['bfd']}"
    for k in res["bfd"]:
        assert res["test"][k] == res["bfd"][k], f"{k}: bfd {res['bfd'][k]!r}, test {res['test'][k]!r}"


def test_go_c_archive_linked_into_c_program(tmp_path, go_env, braze_lddir):
    lib = go_build(go_env, tmp_path / "libgo.a", "c-archive", "bfd", braze_lddir)
    res = {}
    for linker in ("bfd", "test"):
        host = c_host(GO_SRC / "host.c", tmp_path / f"host-{linker}", [lib, "-lpthread"], linker, braze_lddir)
        res[linker] = run([host])
    assert res["bfd"] == (0, "add=42 inits=1 sum=5050 len=14\n", ""), f"harness: {res['bfd']}"
    assert res["test"] == res["bfd"]


def test_go_program_linked_externally(tmp_path, go_env, braze_lddir):
    res = {}
    for linker in ("bfd", "test"):
        exe = go_build(go_env, tmp_path / f"prog-{linker}", "exe", linker, braze_lddir, "./exe")
        res[linker] = run([exe, "x"])
    assert res["bfd"][0] == 0 and res["bfd"][1], f"harness: {res['bfd']}"
    assert res["test"] == res["bfd"]


def _rustc() -> str:
    path = shutil.which("rustc") or (os.path.expanduser("~/.cargo/bin/rustc")
                                     if os.path.exists(os.path.expanduser("~/.cargo/bin/rustc")) else None)
    if path is None:
        pytest.fail("rustc is not installed (neither on PATH nor in ~/.cargo/bin): the Rust tests need it")
    return path


def test_rust_cdylib(tmp_path, braze_lddir):
    rustc = _rustc()
    res = {}
    for linker in ("bfd", "test"):
        d = tmp_path / linker
        d.mkdir()
        lib = d / "librust.so"
        # without linker-features=-lld, rustc >= 1.90 would link with its own lld
        _check([rustc, "-O", "--crate-type=cdylib", "-C", "linker-features=-lld",
                "-C", f"link-arg={_extld(linker, braze_lddir)}", RUST_SRC / "lib.rs", "-o", lib], d,
               tool_env({"PATH": f"{Path(rustc).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}"}))
        host = c_host(RUST_SRC / "host.c", d / "host", [lib], extra=[f"-Wl,-rpath,{d}"])
        rc, out, err = run([host])
        rc2, out2, err2 = run_ctypes(lib, ["rust_add", "rust_calls", "rust_catch"])
        # the caught panic prints its message (with a thread id) on stderr
        assert "panicked" in err and "panicked" in err2, f"{linker}: {err}{err2}"
        res[linker] = (rc, out, rc2, out2, {s for s in dynsyms(lib) if s[4] and s[0].startswith("rust_")})
    assert res["bfd"][0] == 0 and "catch=77" in res["bfd"][1], f"harness: {res['bfd']}"
    assert res["test"] == res["bfd"]
