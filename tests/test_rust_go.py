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


def _build_both(store: Store, name: str, under_test_label: str, braze_lddir: str, build) -> dict[str, Path]:
    """Build `name` once with bfd and once with the linker under test: ``build(gcc_flag, exe)``
    gets the gcc flag that selects the linker. Returns label -> executable."""
    exes = {}
    for label, flag in (("bfd", "-fuse-ld=bfd"), (under_test_label, f"-B{braze_lddir}/")):
        d = store.dir(f"{name}-{label}")
        with store.locked(f"{name}-{label}"):
            if not (d / "prog").exists():
                d.mkdir(parents=True, exist_ok=True)
                build(flag, d / "prog", label)
        exes[label] = d / "prog"
    return exes


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
    exes = _build_both(store, "rust", under_test_label, braze_lddir, lambda flag, exe, label: _run(
        [*base, "-C", f"link-arg={flag}", "-o", str(exe)], exe.parent, tool_env(), f"rustc (linking with {label})"))
    out = {}
    for label, exe in exes.items():
        assert "LLD" not in _comment(exe), f"rustc used its own rust-lld for the {label} link"
        out[label] = _exec(exe, exe.parent / "run", {"RUST_BACKTRACE": "1"})
    ref, got = out["bfd"], out[under_test_label]
    # the oracle itself: panics caught, threads ran, the backtrace names our functions
    assert ref[0] == 0 and "caught: value 3 too large" in ref[1] and "threads: [(0," in ref[1], ref
    assert "::braze_panicking" in ref[2] and "::main::{{closure}}" in ref[2] and "stack backtrace:" in ref[2], ref[2]
    _compare("rust", ref, got)


GO_SRC = REPO / "tests" / "go" / "cgo_tls"


def _go_env(store: Store) -> dict[str, str]:
    """Offline, self-contained Go builds: caches in the test build dir, no module downloads."""
    return tool_env({"GOCACHE": str(store.dir("go-cache")), "GOPATH": str(store.dir("go-path")),
                     "GOPROXY": "off", "GOFLAGS": "-mod=mod", "GO111MODULE": "on",
                     "GOTOOLCHAIN": "local", "CGO_ENABLED": "1"})


def _compressed_sections(exe: Path) -> set[str]:
    out = subprocess.run(["readelf", "-SW", str(exe)], capture_output=True, text=True, env=tool_env()).stdout
    names = set()
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+([A-Za-z]*)\s", line)
        if m and "C" in m.group(2):
            names.add(m.group(1))
    return names


def test_go_cgo_external_link(store: Store, braze_lddir, under_test_label):
    go = shutil.which("go")
    assert go, "go is not installed (Makefile APT_PKGS: golang-go)"
    env = _go_env(store)
    exes = _build_both(store, "go", under_test_label, braze_lddir, lambda flag, exe, label: _run(
        [go, "build", f"-ldflags=-linkmode=external -extldflags={flag}", "-o", str(exe), "."],
        GO_SRC, env, f"go build (external link with {label})"))
    out = {label: _exec(exe, exe.parent / "run", {}) for label, exe in exes.items()}
    ref, got = out["bfd"], out[under_test_label]
    assert ref[0] == 0 and "hello, go, from C" in ref[1] and "[7 10160]" in ref[1], ref
    _compare("go", ref, got)
    # Go asks for --compress-debug-sections=zlib: the same sections compressed, and still readable
    want = _compressed_sections(exes["bfd"])
    assert ".debug_info" in want, f"harness: bfd compressed no debug section ({sorted(want)})"
    have = _compressed_sections(exes[under_test_label])
    assert have == want, f"compressed sections {sorted(have)} != bfd's {sorted(want)}"
    dump = subprocess.run(["readelf", "--debug-dump=info,line,aranges", str(exes[under_test_label])],
                          capture_output=True, text=True, errors="replace", env=tool_env())
    assert dump.returncode == 0 and not dump.stderr.strip(), f"readelf --debug-dump complains:\n{_clip(dump.stderr)}"
    assert "DW_TAG_compile_unit" in dump.stdout and "Go cmd/compile" in dump.stdout
