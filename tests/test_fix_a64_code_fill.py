"""The room between input sections in aarch64 code, against aarch64 ld.bfd: bfd's default script
ends .init, .text and .fini with `} =0x1f2003d5`, so the padding their inputs' alignment leaves is
NOPs; an orphan code section gets the aarch64 fill hook's zeros. braze wrote zeros in .text too
(found by a64ossl comparing the aarch64 openssl 3.0 build: every output's .text differed from bfd's
in the gap before an aligned input, e.g. between main in .text.startup and crt1's _start).

Compared: the bytes of .text and of an orphan code section (`readelf -x`), for functions in their own
sections and objects with an alignment that leaves gaps of many lengths, in a static executable, a
static PIE and a shared library (no GOT or PLT references: their order is bfd's hash table's); and
the programs' output under qemu."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from harness import BuildDir, tool_env

A64 = "aarch64-linux-gnu-"
QEMU = "qemu-aarch64"

# (f<i> has a body of about i instructions: with -falign-functions=64 the gaps take many lengths;
# g<i> live in an orphan code section, one object each, so the gaps are the linker's)
FUNCS = "\n".join(f"__attribute__((noinline)) int f{i}(int x) {{ {'x = x * 3 + 1; ' * i} return x; }}"
                  for i in range(1, 16))
ORPHAN = "__attribute__((noinline, section(\"mycode\"), aligned(32))) int g{i}(int x) {{ {body} return x; }}\n"
MAIN = FUNCS + "".join(f"int g{i}(int);\n" for i in range(1, 6)) + r"""
static void out(const char *p, long n) {
  register long x0 __asm__("x0") = 1;
  register const char *x1 __asm__("x1") = p;
  register long x2 __asm__("x2") = n;
  register long x8 __asm__("x8") = 64;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x8) : "memory");
}
int run(void) {
  int t = 0;
""" + "".join(f"  t += f{i}({i});\n" for i in range(1, 16)) + \
    "".join(f"  t += g{i}({i});\n" for i in range(1, 6)) + r"""
  return t;
}
void _start(void) {
  char b[9];
  unsigned v = (unsigned)run();
  for (int i = 7; i >= 0; i--, v >>= 4) b[i] = "0123456789abcdef"[v & 15];
  b[8] = '\n';
  out(b, 9);
  register long x0 __asm__("x0") = 0;
  register long x8 __asm__("x8") = 93;
  __asm__ volatile("svc #0" : : "r"(x0), "r"(x8));
  __builtin_unreachable();
}
"""

CFLAGS = ["-O1", "-ffunction-sections", "-falign-functions=64", "-ffreestanding", "-fno-stack-protector",
          "-fno-asynchronous-unwind-tables", "-mbranch-protection=none"]
NOP = bytes.fromhex("1f2003d5")


def _section(path, name) -> bytes:
    out = subprocess.run([A64 + "readelf", "-x", name, str(path)], capture_output=True, text=True,
                         env=tool_env(), check=True).stdout
    # (readelf's rows: the address, then up to 16 bytes in hex at fixed columns, then the text)
    return bytes.fromhex("".join(l[13:48].replace(" ", "") for l in out.splitlines() if l.startswith("  0x")))


@pytest.mark.parametrize("kind", ["static", "static-pie", "shared"])
def test_a64_code_fill(tmp_path, braze_lddir, kind):
    if not all(shutil.which(t) for t in (A64 + "gcc", A64 + "ld.bfd", QEMU)):
        pytest.skip("no aarch64 cross tool chain / qemu-user")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    objs = ["main.o"]
    for i in range(1, 6):
        (tmp_path / f"g{i}.c").write_text(ORPHAN.format(i=i, body="x = x * 5 + 2; " * i))
        objs.append(f"g{i}.o")
    pic = ["-fPIC"] if kind != "static" else ["-fno-pic"]
    for src in objs:
        b.run([A64 + "gcc", *CFLAGS, *pic, "-fvisibility=hidden", "-c", src[:-2] + ".c"])
    flags = {"static": ["-static", "-no-pie"], "static-pie": ["-static-pie"], "shared": ["-shared"]}[kind]
    texts, orphans, outs = [], [], []
    for linker in ("bfd", "test"):
        out = tmp_path / f"out-{linker}"
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        b.run([A64 + "gcc", *ld, "-nostdlib", *flags, *objs, "-o", out])
        texts.append(_section(out, ".text"))
        orphans.append(_section(out, "mycode"))
        if kind != "shared":
            outs.append(b.run([QEMU, out]).stdout)
    assert NOP * 4 in texts[0]                          # (bfd pads .text with NOPs)
    assert bytes(16) in orphans[0]                      # (and an orphan code section with zeros)
    assert texts[1] == texts[0]
    assert orphans[1] == orphans[0]
    assert outs[1:] == outs[:1]
