"""aarch64 -z relro (the default) with no RELRO section but an input matching one of the script's RELRO
patterns (.eh_frame: a -nostdlib program with unwind tables, as aarch64 gcc emits by default): bfd's
DATA_SEGMENT_RELRO_END(24, .) still ends RELRO 24 bytes after the first-pass DATA_SEGMENT_ALIGN base,
rounded to MAXPAGESIZE, so the RW segment starts 24 bytes below a 64 KiB boundary (0x41ffe8), with a
PT_GNU_RELRO over those 24 bytes when the first RW section starts in them. braze used the -z norelro
formula (0x4101cc) and wrote no PT_GNU_RELRO. Found with gcc's torture tests linked for aarch64
(-mbranch-protection variants, -nostdlib reductions). Compared with aarch64 ld.bfd: program headers,
allocated section headers, the boundary symbols, and the exit status under qemu."""
from __future__ import annotations

import pytest

import a64_harness as H
from elfrows import named_symbol_rows, tool
from harness import BuildDir

START = r"""
void _start(void) {
  long r = %s;
  __asm__ volatile("mov x0, %%0; mov x8, 93; svc 0" :: "r"(r) : "x0", "x8");
  for (;;) ;
}
"""
CASES = {
    "data": "int x = 3;\n" + START % "x + 4",
    "data-aligned-bss": "int x __attribute__((aligned(64))) = 3; long y[4];\n" + START % "x + y[1] + 4",
    "bss-only": "long y[4];\n" + START % "y[1] + 7",
    "data-and-bss": "int x = 3; long y[40];\n" + START % "x + y[3] + 4",
}
NAMES = ("_edata", "__bss_start", "__bss_start__", "_end", "_bss_end__", "__bss_end__")


def _layout(path) -> tuple:
    """(program headers, allocated sections' name/address/offset/size)."""
    ph = [ln.split() for ln in tool(["readelf", "-lW", path], None, H.PREFIX).splitlines()
          if ln.strip().startswith(("LOAD", "GNU_RELRO", "NOTE", "GNU_STACK"))]
    secs = []
    for ln in tool(["readelf", "-SW", path], None, H.PREFIX).splitlines():
        f = ln.replace("[ ", "[").split()
        if f and f[0].startswith("[") and f[0][1:-1].isdigit() and len(f) > 7 and "A" in f[7]:
            secs.append((f[1], f[3], f[4], f[5]))
    return ph, secs


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("flags", [[], ["-fno-asynchronous-unwind-tables", "-fno-unwind-tables"],
                                   ["-Wl,-z,separate-code"], ["-Wl,-z,norelro"]],
                         ids=["eh", "no-eh", "separate-code", "norelro"])
def test_empty_relro_like_bfd(tmp_path, braze_lddir, case, flags):
    assert H.have_toolchain(), "the aarch64 cross toolchain and qemu-user are needed (Makefile APT_PKGS)"
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "s.c").write_text(CASES[case])
    cc = H.PREFIX + "gcc"
    cflags = [f for f in flags if not f.startswith("-Wl,")]
    b.run([cc, "-O2", *cflags, "-c", "s.c", "-o", "s.o"])
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"s-{linker}"
        b.run([cc, *b.ld(linker), "-nostdlib", "-static", *[f for f in flags if f.startswith("-Wl,")],
               "s.o", "-o", out])
        rc = b.run([H.QEMU, out], check=False).returncode
        got[linker] = (rc, _layout(out), named_symbol_rows(out, NAMES, H.PREFIX))
    assert got["test"] == got["bfd"]
