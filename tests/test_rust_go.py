"""Programs of other toolchains, linked through gcc with the linker under test and with ld.bfd:
a Rust binary (rustc, with its bundled rust-lld switched off by `-C linker-features=-lld`) and a Go
program linked externally (cgo, goroutines, TLS; Go asks for --compress-debug-sections=zlib).
Both runs must print the same (thread ids normalised); nothing here states an expected output."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import REPO, Store, _clip, run_env, sh, tool_env

RUST_SRC = REPO / "tests" / "rust" / "panic_threads.rs"


def _rustc() -> str:
    path = shutil.which("rustc") or os.path.expanduser("~/.cargo/bin/rustc")
    assert os.access(path, os.X_OK), "rustc is not installed (the CI image provides ~/.cargo/bin/rustc)"
    return path


def _rustc_linker_flags(rustc: str) -> list[str]:
    """rustc >= 1.90 links with its own rust-lld unless told not to; older ones lack the option."""
    p = subprocess.run([rustc, "-C", "linker-features=-lld", "--print", "sysroot"], capture_output=True,
                       text=True, env=tool_env())
    return ["-C", "linker-features=-lld"] if p.returncode == 0 else []


def _comment(exe: Path) -> str:
    return subprocess.run(["readelf", "-p", ".comment", str(exe)], capture_output=True, text=True,
                          env=tool_env()).stdout


def _run(cmd: list[str], cwd: Path, env: dict[str, str], what: str, timeout: int = 600) -> None:
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, errors="replace",
                       timeout=timeout)
    assert p.returncode == 0, f"{what} failed (exit {p.returncode})\n$ {sh(cmd)}\n{_clip(p.stdout + p.stderr)}"


def _exec(exe: Path, rundir: Path, env: dict[str, str]) -> tuple[int, str, str]:
    rundir.mkdir(parents=True, exist_ok=True)
    p = subprocess.run([str(exe)], cwd=rundir, env=run_env(rundir, env), capture_output=True,
                       text=True, errors="replace", timeout=60)
    return p.returncode, p.stdout, p.stderr


_THREAD_ID = re.compile(r"(thread '[^']*') \(\d+\)")


def _compare(what: str, ref: tuple[int, str, str], got: tuple[int, str, str]) -> None:
    ref = (ref[0], ref[1], _THREAD_ID.sub(r"\1 (N)", ref[2]))
    got = (got[0], got[1], _THREAD_ID.sub(r"\1 (N)", got[2]))
    assert ref == got, (f"{what}: behaviour differs from the bfd-linked program\n"
                        f"--- bfd: exit {ref[0]}\n{_clip(ref[1])}\n{_clip(ref[2])}\n"
                        f"--- under test: exit {got[0]}\n{_clip(got[1])}\n{_clip(got[2])}")


def test_rust_panic_backtrace_threads(store: Store, braze_lddir, under_test_label):
    rustc = _rustc()
    base = [rustc, "-O", "-g", *_rustc_linker_flags(rustc), str(RUST_SRC)]
    out = {}
    for label, link_arg in (("bfd", "-fuse-ld=bfd"), (under_test_label, f"-B{braze_lddir}/")):
        d = store.dir(f"rust-{label}")
        with store.locked(f"rust-{label}"):
            if not (d / "prog").exists():
                d.mkdir(parents=True, exist_ok=True)
                _run([*base, "-C", f"link-arg={link_arg}", "-o", "prog"], d, tool_env(),
                     f"rustc (linking with {label})")
        assert "LLD" not in _comment(d / "prog"), f"rustc used its own rust-lld for the {label} link"
        out[label] = _exec(d / "prog", d / "run", {"RUST_BACKTRACE": "1"})
    ref, got = out["bfd"], out[under_test_label]
    # the oracle itself: panics caught, threads ran, the backtrace names our functions
    assert ref[0] == 0 and "caught: value 3 too large" in ref[1] and "threads: [(0," in ref[1], ref
    assert "::braze_panicking" in ref[2] and "::main::{{closure}}" in ref[2] and "stack backtrace:" in ref[2], ref[2]
    _compare("rust", ref, got)
