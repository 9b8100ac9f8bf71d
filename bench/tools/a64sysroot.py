#!/usr/bin/env python3
"""The aarch64 sysroot of Debian arm64 packages that the aarch64 corpus jobs and the ctypes test use.

Debian's cross packages (libc6-arm64-cross in /usr/aarch64-linux-gnu) have no libsqlite3.a,
liblua5.4.a, libcrypto.a and no Python.  Their arm64 .debs are fetched with apt-get (the arm64
architecture is added to dpkg when missing, which needs root) and unpacked with `dpkg -x` into a
directory, never into /.  qemu-aarch64 -L <sysroot> runs its python3.11, whose ld.so and libc come
from the same sysroot (libc6:arm64 is unpacked too, same glibc as the cross toolchain's).

    bench/tools/a64sysroot.py [DIR]     make sure DIR (default: $BRAZE_A64_SYSROOT, else
                                        bench/work/a64-sysroot) holds the packages; print DIR

Stdlib only; importable (`ensure(path=None) -> path`, raises SysrootError).
"""
from __future__ import annotations

import fcntl
import glob
import os
import shutil
import subprocess
import sys
import tempfile

BENCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DIR = os.path.join(BENCH_DIR, "work", "a64-sysroot")

# static archives for the corpus jobs, and a Python with ctypes (libffi) for the fourth way of
# loading a library; libc6/libgcc-s1 give python3.11 its loader and libc inside the sysroot
PACKAGES = (
    "libsqlite3-dev", "liblua5.4-dev", "libssl-dev",
    "python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib",
    "libffi8", "zlib1g", "libexpat1", "libc6", "libgcc-s1",
)
ARCH = "arm64"


class SysrootError(Exception):
    """The sysroot cannot be made (no root to add the architecture, download failed, ...)."""


def default_dir() -> str:
    return os.path.abspath(os.environ.get("BRAZE_A64_SYSROOT") or DEFAULT_DIR)


def _stamp() -> str:
    return " ".join(PACKAGES) + "\n"


def _run(argv: list[str], what: str, cwd: str | None = None) -> str:
    try:
        p = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace",
                           env=dict(os.environ, LC_ALL="C", DEBIAN_FRONTEND="noninteractive"))
    except FileNotFoundError:
        raise SysrootError(f"{what}: {argv[0]} not found (a Debian system with apt-get and dpkg "
                           f"is needed)") from None
    if p.returncode != 0:
        raise SysrootError(f"{what} failed (exit {p.returncode}): {' '.join(argv)}\n"
                           + "\n".join(p.stdout.splitlines()[-15:]))
    return p.stdout


def _have_arm64_lists() -> bool:
    out = subprocess.run(["apt-cache", "policy", f"python3.11-minimal:{ARCH}"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, env=dict(os.environ, LC_ALL="C")).stdout
    return "Candidate:" in out and "Candidate: (none)" not in out


def _prepare_apt() -> None:
    foreign = _run(["dpkg", "--print-foreign-architectures"], "dpkg").split()
    if ARCH in foreign and _have_arm64_lists():
        return
    if os.geteuid() != 0:
        raise SysrootError(f"the {ARCH} package lists are missing and adding them needs root: run "
                           f"`make deps` as root (or: dpkg --add-architecture {ARCH} && apt-get update)")
    if ARCH not in foreign:
        _run(["dpkg", "--add-architecture", ARCH], "adding the arm64 architecture")
    _run(["apt-get", "update", "-qq"], "apt-get update")


def ensure(path: str | None = None) -> str:
    """Make sure `path` holds the unpacked packages (done once; a lock serialises parallel callers)."""
    path = os.path.abspath(path or default_dir())
    stamp = os.path.join(path, ".ok")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(stamp) as f:
                if f.read() == _stamp():
                    return path
        except OSError:
            pass
        _prepare_apt()
        with tempfile.TemporaryDirectory(prefix="a64sysroot-") as tmp:
            # _apt cannot write into a root-owned mkdtemp directory: let it (or apt warns)
            os.chmod(tmp, 0o777)
            _run(["apt-get", "download", "-q", *(f"{p}:{ARCH}" for p in PACKAGES)],
                 "downloading the arm64 packages", cwd=tmp)
            debs = sorted(glob.glob(os.path.join(tmp, "*.deb")))
            if len(debs) != len(PACKAGES):
                raise SysrootError(f"apt-get download gave {len(debs)} .debs for {len(PACKAGES)} packages")
            if os.path.exists(path):
                shutil.rmtree(path)
            part = path + ".part"
            if os.path.exists(part):
                shutil.rmtree(part)
            os.makedirs(part)
            for deb in debs:
                _run(["dpkg", "-x", deb, part], f"unpacking {os.path.basename(deb)}")
            with open(os.path.join(part, ".ok"), "w") as f:
                f.write(_stamp())
            os.rename(part, path)
    return path


def main(argv: list[str]) -> int:
    try:
        print(ensure(argv[0] if argv else None))
    except SysrootError as e:
        sys.stderr.write(f"a64sysroot: error: {e}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
