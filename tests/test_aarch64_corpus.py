"""aarch64 corpus jobs and the fourth way of loading a library (issue 12).

* The bench's aarch64 jobs (bench/jobs.py: a64-sqlite, a64-lua, a64-openssl with Debian's arm64
  static libraries, a64-cpp with exceptions/iostream/thread_local and libstdc++), compiled once per
  session with the cross compiler, linked through `aarch64-linux-gnu-gcc` by aarch64 ld.bfd and by the
  linker under test (-B<dir>/: collect2 finds that `ld`), run under qemu-aarch64: same stdout,
  stderr and exit status, and the readelf views of test_aarch64.py.
* ctypes: an aarch64 shared library (c/a64c_ctypes) linked by both linkers, loaded by Debian's arm64
  python3.11 (unpacked by bench/tools/a64sysroot.py, not installed) under qemu: same output.

The arm64 packages are fetched once (bench/work/a64-sysroot, or $BRAZE_A64_SYSROOT; `make deps` does
it as root); when that is impossible the tests fail and say why, they are not skipped.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import a64_harness as H
from harness import REPO, tool_env
from test_aarch64 import views

sys.path.insert(0, str(REPO))
from bench import jobs as J  # noqa: E402

CTYPES = Path(__file__).resolve().parent / "c" / "a64c_ctypes"
A64_JOBS = [j.name for j in J.select_jobs("a64")]


@pytest.fixture(scope="session")
def a64_sysroot() -> str:
    assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"
    try:
        return J.a64_sysroot(ensure=True)
    except J.BenchError as e:
        pytest.fail(f"cannot make the arm64 package sysroot: {e}")


@pytest.fixture(scope="session")
def corpus(store, a64_sysroot):
    """The bench work directory of this session, with every aarch64 job's objects compiled."""
    work = store.dir("a64-corpus")
    with store.locked("a64-corpus"):
        J.build_inputs(str(work), A64_JOBS)
    return work


def _link(store, work, job, lddir, label):
    out = work / "out" / label / job
    with store.locked(f"a64-corpus-{label}-{job}"):
        exe = Path(J.exe_path(job, str(out)))
        if not exe.exists():
            J.link(job, lddir, str(out), str(work), linker="bfd" if lddir is None else None)
    return str(exe)


@pytest.mark.parametrize("job", A64_JOBS)
def test_corpus_job(store, corpus, braze_lddir, job):
    ref = _link(store, corpus, job, None, "bfd")
    got = _link(store, corpus, job, braze_lddir, "test")
    rb, rt = J.run(job, ref), J.run(job, got)
    assert rb.returncode == 0 and rb.stdout, f"harness: bfd's {job} failed: {rb}"
    assert (rt.returncode, rt.stdout, rt.stderr) == (rb.returncode, rb.stdout, rb.stderr), \
        f"{job}: behaviour differs\nbfd:  {rb}\ntest: {rt}"
    vb, vt = views(ref), views(got)
    for k in vb:
        assert vt[k] == vb[k], f"{job}: {k} differs\nbfd:  {vb[k]}\ntest: {vt[k]}"


def test_cross_driver_runs_the_shim(braze_lddir):
    """`aarch64-linux-gnu-gcc -B<dir>/` resolves `ld` to the linker under test (collect2 looks there
    before its own aarch64-linux-gnu-ld), so the corpus links above are really the linker under test's."""
    p = subprocess.run([H.PREFIX + "gcc", f"-B{braze_lddir}/", "-print-prog-name=ld"], capture_output=True,
                       text=True, env=tool_env())
    assert os.path.realpath(p.stdout.strip()) == os.path.realpath(os.path.join(braze_lddir, "ld"))
    q = subprocess.run([H.PREFIX + "gcc", "-print-prog-name=ld"], capture_output=True, text=True, env=tool_env())
    assert os.path.realpath(q.stdout.strip()) != os.path.realpath(os.path.join(braze_lddir, "ld"))


# ------------------------------------------------------------------------- ctypes under qemu

CT_VARIANTS = {
    "default": ((), ()),
    "z-now": ((), ("-Wl,-z,now",)),
    "tls-trad-bsymbolic": (("-mtls-dialect=trad",), ("-Wl,-Bsymbolic",)),
}


def python_under_qemu(sysroot: str, *args: str) -> subprocess.CompletedProcess:
    """Debian's arm64 python3.11 from the sysroot; its loader and libc come from the sysroot too
    (qemu -L), -I keeps the host's PYTHON* variables out."""
    env = {k: v for k, v in tool_env().items() if not k.startswith(("PYTHON", "QEMU_"))}
    return subprocess.run([H.QEMU, "-L", sysroot, f"{sysroot}/usr/bin/python3.11", "-I", *args],
                          capture_output=True, text=True, errors="replace", env=env, timeout=300)


@pytest.mark.parametrize("variant", sorted(CT_VARIANTS))
def test_ctypes_loads_library(tmp_path, a64_sysroot, braze_lddir, variant):
    cflags, ldflags = CT_VARIANTS[variant]
    obj = tmp_path / "ctlib.o"
    subprocess.run([H.PREFIX + "gcc", "-c", "-O2", "-fPIC", *cflags, str(CTYPES / "ctlib.c"), "-o", str(obj)],
                   check=True, env=tool_env())
    res, libs = {}, {}
    for linker, how in (("bfd", "-fuse-ld=bfd"), ("test", f"-B{braze_lddir}/")):
        d = tmp_path / linker
        d.mkdir()
        lib = d / "libctlib.so"
        p = subprocess.run([H.PREFIX + "gcc", how, "-shared", str(obj), *ldflags, "-Wl,-soname,libctlib.so",
                            "-o", str(lib)], capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, f"{linker}: link failed\n{p.stderr}"
        q = python_under_qemu(a64_sysroot, str(CTYPES / "load.py"), str(lib))
        res[linker], libs[linker] = (q.returncode, q.stdout, q.stderr), str(lib)
    assert res["bfd"][0] == 0 and "ready 42\n" in res["bfd"][1] and "ifunc 1005\n" in res["bfd"][1], \
        f"harness: python/ctypes with bfd's library: {res['bfd']}"
    assert res["test"] == res["bfd"], f"ctypes behaviour differs\nbfd:  {res['bfd']}\ntest: {res['test']}"
    vb, vt = views(libs["bfd"]), views(libs["test"])
    for k in vb:
        assert vt[k] == vb[k], f"{k} differs\nbfd:  {vb[k]}\ntest: {vt[k]}"


def test_python_is_aarch64(a64_sysroot):
    """The interpreter of the ctypes test really is an aarch64 one (so the library is loaded by an
    aarch64 dynamic loader, not by the host's Python)."""
    exe = f"{a64_sysroot}/usr/bin/python3.11"
    assert "Machine:                           AArch64" in H.readelf(["-h"], exe)
    q = python_under_qemu(a64_sysroot, "-c", "import platform, ctypes; print(platform.machine(), "
                                             "ctypes.sizeof(ctypes.c_void_p))")
    assert (q.returncode, q.stdout) == (0, "aarch64 8\n"), q
