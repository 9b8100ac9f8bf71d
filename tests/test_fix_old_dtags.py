"""DT_FLAGS under --disable-new-dtags, against ld.bfd 2.40. bfd writes DT_FLAGS only with new dtags,
or when the back end set DF_STATIC_TLS (x86-64: initial-exec TLS in a shared library); otherwise -z now
is said by the old DT_BIND_NOW (in DT_FLAGS's place) and DF_ORIGIN/DF_SYMBOLIC/DF_TEXTREL are not
written (DT_SYMBOLIC and DT_TEXTREL still are). braze wrote DT_FLAGS whatever the dtags (found by the
fuzzer's -z origin / -z now programs with --disable-new-dtags).
Compared: the dynamic tags in order and the DT_FLAGS/DT_FLAGS_1 values (readelf -d), for programs
and shared libraries, and that the program runs the same."""
from __future__ import annotations

import platform
import re
import subprocess

import pytest

from harness import BuildDir, tool_env

LIB = "int lf(void) { return 4; }\n"
# initial-exec TLS in a shared library: DF_STATIC_TLS on x86-64 (bfd's aarch64 back end sets none)
LIB_TLS = "__thread int t __attribute__((tls_model(\"initial-exec\")));\nint lf(void) { return t + 4; }\n"
MAIN = '#include <stdio.h>\nint lf(void);\nint main(void) { printf("%d\\n", lf()); return 0; }\n'

OPTS = {
    "now": ["-Wl,-z,now"],
    "origin": ["-Wl,-z,origin"],
    "now-origin": ["-Wl,-z,now", "-Wl,-z,origin"],
    "symbolic-now": ["-Wl,-Bsymbolic", "-Wl,-z,now"],
    "nodelete": ["-Wl,-z,nodelete"],
}


def _tags(path) -> list[str]:
    """(tag, value) of every entry but those holding addresses or sizes, in order."""
    out = subprocess.run(["readelf", "-W", "-d", str(path)], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    rows = []
    for m in re.finditer(r"^\s*0x[0-9a-f]+\s+\((\w+)\)[ \t]*(.*)$", out, re.M):
        tag, val = m.groups()
        rows.append(tag + (" " + val.strip() if tag in ("FLAGS", "FLAGS_1") else ""))
    return rows


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    w = BuildDir(tmp_path_factory.mktemp("olddtags"), braze_lddir)
    (w.root / "lib.c").write_text(LIB)
    (w.root / "libtls.c").write_text(LIB_TLS)
    (w.root / "main.c").write_text(MAIN)
    w.run(["gcc", "-O2", "-fPIC", "-c", "lib.c", "libtls.c"])
    w.run(["gcc", "-O2", "-fPIE", "-c", "main.c"])
    return w


@pytest.mark.parametrize("dtags", ["--disable-new-dtags", "--enable-new-dtags"])
@pytest.mark.parametrize("opts", sorted(OPTS))
@pytest.mark.parametrize("lib", ["lib", "libtls"])
def test_dtags_vs_bfd(work, lib, opts, dtags):
    flags = OPTS[opts] + ["-Wl," + dtags]
    res = {}
    for linker in ("bfd", "test"):
        so = f"{lib}-{opts}{dtags}-{linker}.so"
        exe = f"main-{lib}-{opts}{dtags}-{linker}"
        work.run(["gcc", *work.ld(linker), "-shared", "-o", so, f"{lib}.o", *flags])
        work.run(["gcc", *work.ld(linker), "-pie", "-o", exe, "main.o", so, *flags])
        ran = work.run([f"./{exe}"], env=tool_env({"LD_LIBRARY_PATH": str(work.root)}))
        res[linker] = (_tags(work.root / so), _tags(work.root / exe), ran.stdout)
    assert res["test"] == res["bfd"]


def test_static_tls_keeps_flags(work):
    """The DF_STATIC_TLS exception is x86-64's; check bfd still behaves so here, or the test above
    compares nothing of it."""
    if platform.machine() != "x86_64":
        pytest.skip("x86-64 back end")
    work.run(["gcc", "-fuse-ld=bfd", "-shared", "-o", "probe.so", "libtls.o", "-Wl,-z,now",
              "-Wl,--disable-new-dtags"])
    tags = _tags(work.root / "probe.so")
    assert any(t.startswith("FLAGS ") and "STATIC_TLS" in t for t in tags), tags


# an absolute pointer in .text: a dynamic relocation there, so DT_TEXTREL
TEXTREL_S = ".text\n.globl tr_ptr\ntr_ptr: .quad lf\n"


@pytest.mark.parametrize("lib", ["lib", "libtls"])
@pytest.mark.parametrize("opts", [[], ["-Wl,-z,now"]], ids=["lazy", "now"])
def test_textrel_tag_after_rela_tags(work, lib, opts):
    """bfd adds DT_TEXTREL after DT_RELA/RELASZ/RELAENT (_bfd_elf_add_dynamic_tags); braze wrote it
    before DT_PLTGOT (a shared library with a text relocation and static TLS, from the fuzzer)."""
    (work.root / "textrel.s").write_text(TEXTREL_S)
    work.run(["gcc", "-c", "textrel.s"])
    res = {}
    for linker in ("bfd", "test"):
        so = f"{lib}-textrel-{len(opts)}-{linker}.so"
        exe = f"main-{lib}-textrel-{len(opts)}-{linker}"
        work.run(["gcc", *work.ld(linker), "-shared", "-o", so, f"{lib}.o", "textrel.o", *opts])
        work.run(["gcc", *work.ld(linker), "-pie", "-o", exe, "main.o", "textrel.o", so, *opts])
        ran = work.run([f"./{exe}"], env=tool_env({"LD_LIBRARY_PATH": str(work.root)}))
        res[linker] = (_tags(work.root / so), _tags(work.root / exe), ran.stdout)
    assert "TEXTREL" in res["bfd"][0] and "TEXTREL" in res["bfd"][1], res["bfd"]
    assert res["test"] == res["bfd"]
