"""x86-64 bfd makes its PLT unwind section (a linker-made `.eh_frame`) whenever it makes the dynamic
sections (-shared, -pie, -static-pie, an executable linked against a library), and when no input has
.eh_frame it stays empty but is not stripped: the output has a zero-size .eh_frame, which with
-z separate-code opens a read-only PT_LOAD of its own (4 PT_LOADs) and moves the data segment's file
offset a page up. braze wrote no .eh_frame (3 PT_LOADs). --no-ld-generated-unwind-info, a static
link and aarch64 (no PLT unwind info) have none. Found comparing CPython builds (cpy helper).

Also: bfd keeps an empty .eh_frame whenever an input has one that ends up with no record (its
script KEEPs them), on both machines, static links too; braze dropped it.

Compared with ld.bfd: the allocated sections (name, type, address, offset, size, alignment) and the
program headers."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from elfrows import tool
from harness import tool_env

NF = "int foo(int x) { return x * 3; }\n"
PLT = "extern int bar(int); int callbar(int x) { return bar(x) + 1; }\n"
START = "void _start(void) { for (;;); }\n"
LIB = "int bar(int x) { return x; }\n"
A64 = "aarch64-linux-gnu-"

CASES = {
    "shared": ("", ["-shared", "nf.o"]),
    "shared-plt": ("", ["-shared", "plt.o"]),
    "shared-noseparate": ("", ["-shared", "nf.o", "-Wl,-z,noseparate-code"]),
    "shared-norelro": ("", ["-shared", "nf.o", "-Wl,-z,norelro"]),
    "shared-no-unwind": ("", ["-shared", "plt.o", "-Wl,--no-ld-generated-unwind-info"]),
    "shared-gc": ("", ["-shared", "nf.o", "-Wl,--gc-sections"]),
    "pie": ("", ["-pie", "st.o"]),
    "pie-dso": ("", ["-pie", "st.o", "plt.o", "libbar.so"]),
    "exe-dso": ("", ["-no-pie", "st.o", "plt.o", "libbar.so"]),
    "static-pie": ("", ["-static-pie", "st.o"]),
    "static": ("", ["-static", "st.o"]),
    # a SECTIONS script: kept where a statement names .eh_frame (bfd's own -shared script), dropped
    # as an orphan (bfd)
    "script-default": ("", ["-shared", "nf.o", "-Wl,-T,shared.ld"]),
    "script-orphan": ("", ["-shared", "nf.o", "-Wl,-T,tiny.ld"]),
    "script-discard": ("", ["-shared", "nf.o", "-Wl,-T,disc.ld"]),
    # an input .eh_frame with no record left (empty, or its FDEs' code collected): bfd's script
    # KEEPs it, so the output section stays, empty, with the inputs' alignment (any link, any arch)
    "empty-input-shared": ("", ["-shared", "emp.o"]),
    "empty-input-static": ("", ["-static", "emp.o", "-Wl,-ef"]),
    "empty-input-discard": ("", ["-shared", "emp.o", "-Wl,-T,disc.ld"]),
    "gc-static": ("", ["-static", "s0.o", "gcu.o", "-Wl,--gc-sections"]),
    "gc-shared": ("", ["-shared", "s0.o", "gcu.o", "-Wl,--gc-sections"]),
    "a64-empty-input-static": (A64, ["-static", "emp.o", "-Wl,-ef"]),
    "a64-empty-input-shared": (A64, ["-shared", "emp.o"]),
    "a64-gc-static": (A64, ["-static", "s0.o", "gcu.o", "-Wl,--gc-sections"]),
    "a64-shared": (A64, ["-shared", "nf.o"]),
    "a64-pie": (A64, ["-pie", "st.o"]),
}


def _rows(path: Path, pre: str) -> dict:
    secs = []
    for ln in tool([pre + "readelf", "-SW", str(path)], None).splitlines():
        f = ln.replace("[ ", "[").split()
        if f and f[0].startswith("[") and f[0][1:-1].isdigit() and len(f) >= 8 and "A" in f[7]:
            secs.append(tuple(f[1:6]) + (f[-1],))
    ph = tool([pre + "readelf", "-lW", str(path)], None).partition("Program Headers:")[2].partition("Section to")[0]
    phdrs = [tuple(ln.split()) for ln in ph.splitlines()[1:] if ln.strip() and not ln.strip().startswith("[")]
    return {"sections": secs, "phdrs": phdrs}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("emptyeh")
    for name, text in (("nf", NF), ("plt", PLT), ("st", START), ("lib", LIB)):
        (d / f"{name}.c").write_text(text)
    for pre in ("", A64):
        if not shutil.which(pre + "gcc"):
            continue
        sub = d / (pre or "x86")
        sub.mkdir()
        (sub / "emp.s").write_text('.text\n.globl f\nf: ret\n.section .eh_frame,"a",@progbits\n')
        (sub / "s0.s").write_text(".text\n.globl _start\n_start: ret\n.section .note.GNU-stack,\"\",@progbits\n")
        (sub / "gcu.c").write_text("int unused(int x) { return x + 1; }\n")
        for name in ("emp", "s0"):
            subprocess.run([pre + "gcc", "-c", f"{name}.s"], cwd=sub, env=tool_env(), check=True)
        subprocess.run([pre + "gcc", "-O1", "-ffunction-sections", "-c", "gcu.c"], cwd=sub, env=tool_env(), check=True)
        (sub / "disc.ld").write_text("SECTIONS { .text : { *(.text) } .dynamic : { *(.dynamic) } "
                                     "/DISCARD/ : { *(.eh_frame) } }\n")
        for name in ("nf", "plt", "st"):
            subprocess.run([pre + "gcc", "-O1", "-fPIC", "-fno-asynchronous-unwind-tables", "-fno-unwind-tables",
                            "-c", f"../{name}.c", "-o", f"{name}.o"], cwd=sub, env=tool_env(), check=True)
        subprocess.run([pre + "gcc", "-fPIC", "-shared", "../lib.c", "-o", "libbar.so"], cwd=sub,
                       env=tool_env(), check=True)
        if not pre:
            v = subprocess.run(["ld", "--verbose", "-shared"], env=tool_env(), capture_output=True, text=True,
                               check=True).stdout
            (sub / "shared.ld").write_text(v.split("=" * 50)[1].split("\n", 1)[1])
            (sub / "tiny.ld").write_text("SECTIONS { .text : { *(.text) } .dynamic : { *(.dynamic) } }\n")
    return d


@pytest.mark.parametrize("case", list(CASES))
def test_empty_plt_eh_frame_as_bfd(root, braze_lddir, case):
    pre, args = CASES[case]
    if not shutil.which(pre + "gcc"):
        pytest.skip("no cross compiler")
    sub = root / (pre or "x86")
    rows = {}
    for linker in ("bfd", "braze"):
        out = sub / f"{case}-{linker}"
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        p = subprocess.run([pre + "gcc", *ld, "-nostdlib", *args, "-o", str(out)], cwd=sub, env=tool_env(),
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        rows[linker] = _rows(out, pre)
    if case in ("shared", "pie", "static-pie", "shared-plt"):
        assert any(s[0] == ".eh_frame" and int(s[4], 16) == 0 for s in rows["bfd"]["sections"])
    assert rows["braze"] == rows["bfd"]
