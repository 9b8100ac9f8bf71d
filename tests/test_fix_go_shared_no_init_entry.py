"""No library-init entry in Go's -buildmode=shared libraries (the ones -linkshared programs use).

braze adds an .init_array slot for `_rt0_<arch>_<os>_lib` to any -shared link that defines it (its
own feature, libinit.py). Go's -buildmode=shared go.o defines it too, but the Go runtime in such a
library (libstd.so, `libruntime,sync-atomic.so`) is started by the -linkshared executable, and Go
puts no such slot in .init_array: braze's slot started a second runtime at load time, and the
programs crashed at random (`fatal: morestack on g0`, `runtime/cgo: bad stack bounds`,
`fatal error: malloc deadlock`): 13 of 30 tests of Go 1.19's misc/cgo/testshared failed. That go.o
is recognised by its `.note.go.abihash` section; with it braze adds no slot, like bfd.

Compared with bfd: INIT_ARRAYSZ, and whether the entry ran when the library is loaded."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import BuildDir, tool_env

SRC = Path(__file__).resolve().parent / "shlib"
ENTRY = "_rt0_amd64_linux_lib"

# Go's note: name "Go", type 1 (ELF_NOTE_GOABIHASH_TAG), a 32-byte hash
NOTE = """.section .note.go.abihash,"a",@note
.balign 4
.long 3, 32, 1
.asciz "Go"
.balign 4
.fill 32, 1, 0x5a
"""

HOST = r"""#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv) {
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    printf("loaded\n");
    return 0;
}
"""


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("goshared"), braze_lddir)
    (w.root / "note.s").write_text(NOTE)
    (w.root / "host.c").write_text(HOST)
    w.run(["gcc", "-c", "note.s"])
    w.run(["gcc", "-fPIC", "-O1", f"-DENTRY={ENTRY}", "-c", str(SRC / "entry.c"), "-o", "entry.o"])
    w.run(["gcc", "-o", "host", "host.c", "-ldl"])
    return w


def _initsz(w, lib):
    out = w.run(["readelf", "-W", "-d", lib]).stdout
    return [ln.split()[-2] for ln in out.splitlines() if "(INIT_ARRAYSZ)" in ln]


@pytest.mark.parametrize("case", ["go-shared", "plain"])
def test_go_shared_library_gets_no_init_entry(work, case):
    objs = ["entry.o", "note.o"] if case == "go-shared" else ["entry.o"]
    res = {}
    for linker in ("bfd", "test"):
        lib = f"lib{case}-{linker}.so"
        work.run(["gcc", *work.ld(linker), "-shared", "-o", lib, *objs])
        log = work.root / f"{lib}.log"
        log.unlink(missing_ok=True)
        p = subprocess.run([str(work.root / "host"), str(work.root / lib)], capture_output=True, text=True,
                           env={**tool_env(), "INIT_LOG": str(log)}, timeout=60)
        ran = log.read_text().splitlines() if log.exists() else []
        res[linker] = (_initsz(work, lib), p.returncode, p.stdout, ran)
    assert res["bfd"][1:3] == (0, "loaded\n") and res["bfd"][3] == [], res["bfd"]
    if case == "go-shared":
        assert res["test"] == res["bfd"]
    else:       # braze's own feature, unchanged: one more slot, the entry runs once
        assert res["test"][3] == ["entry argc=2"], res["test"]
