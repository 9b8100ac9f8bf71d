"""The room between input sections in code, against ld.bfd: bfd's x86-64 fills the padding the
input sections' alignment leaves with its long NOPs (10-byte `nopw %cs:0(%rax,%rax,1)`s, then one
of the right length; its arch fill hook), in the default layout as with a script. braze left zeros
there unless a -T script placed the sections (found comparing gmp's and a static-pie's .text).

Compared: .text's bytes (`readelf -x`), for functions in their own sections with an alignment that
leaves gaps of every length from 1 to 63 bytes, in a static executable, a PIE and a shared library
(no GOT or PLT references: their order is bfd's hash table's); and the programs' output."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir, tool_env

# (f<i> has a body of i bytes or so: with -falign-functions=64 the gaps take many lengths)
FUNCS = "\n".join(f"__attribute__((noinline)) int f{i}(int x) {{ {'x = x * 3 + 1; ' * i} return x; }}"
                  for i in range(1, 24))
MAIN = FUNCS + r"""
static void out(const char *p, long n) {
  __asm__ volatile("syscall" : : "a"(1), "D"(1), "S"(p), "d"(n) : "rcx", "r11", "memory");
}
int run(void) {
  int t = 0;
""" + "".join(f"  t += f{i}({i});\n" for i in range(1, 24)) + r"""
  return t;
}
void _start(void) {
  char b[9];
  unsigned v = (unsigned)run();
  for (int i = 7; i >= 0; i--, v >>= 4) b[i] = "0123456789abcdef"[v & 15];
  b[8] = '\n';
  out(b, 9);
  __asm__ volatile("syscall" : : "a"(60), "D"(0));
  __builtin_unreachable();
}
"""

CFLAGS = ["-O1", "-ffunction-sections", "-falign-functions=64", "-ffreestanding", "-fno-stack-protector",
          "-fcf-protection=none", "-fno-asynchronous-unwind-tables"]


def _text(path) -> bytes:
    out = subprocess.run(["readelf", "-x", ".text", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    # (readelf's rows: the address, then up to 16 bytes in hex at fixed columns, then the text)
    return bytes.fromhex("".join(l[13:48].replace(" ", "") for l in out.splitlines() if l.startswith("  0x")))


@pytest.mark.parametrize("kind", ["static", "pie", "shared"])
def test_code_fill(tmp_path, braze_lddir, kind):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "main.c").write_text(MAIN)
    pic = ["-fPIC"] if kind != "static" else ["-fno-pic"]
    b.run(["gcc", *CFLAGS, *pic, "-fvisibility=hidden", "-c", "main.c"])
    flags = {"static": ["-static", "-no-pie"], "pie": ["-static-pie"], "shared": ["-shared"]}[kind]
    texts, outs = [], []
    for linker in ("bfd", "test"):
        out = tmp_path / f"out-{linker}"
        b.run(["gcc", *b.ld(linker), "-nostdlib", *flags, "main.o", "-o", out])
        texts.append(_text(out))
        if kind != "shared":
            outs.append(b.run([out]).stdout)
    assert bytes.fromhex("662e0f1f840000000000") in texts[0]      # (bfd's output has the long NOPs)
    assert texts[1] == texts[0]
    assert outs[1:] == outs[:1]
