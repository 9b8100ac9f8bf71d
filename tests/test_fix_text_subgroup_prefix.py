"""The order of .text's input sections against ld.bfd when a section name only starts like one of
the default script's groups (found linking GHC programs: the RTS, built with -ffunction-sections,
has .text.exitScheduler, .text.exitHpc, ...).

bfd's default script takes `*(.text.unlikely .text.*_unlikely .text.unlikely.*)`, then
`*(.text.exit .text.exit.*)`, `*(.text.startup .text.startup.*)`, `*(.text.hot .text.hot.*)`,
`*(SORT(.text.sorted.*))` before `*(.text .text.* ...)`. braze matched the group names as plain
prefixes, so `.text.exitfoo`, `.text.hotness`, `.text.startupx` and `.text.unlikelyx` moved to the
front of .text (every GHC program's code was laid out differently from bfd's).

Compared: the address order of the functions, and the program's exit status."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir, tool_env

SRC = r"""
int a1(void) { return 1; }
__attribute__((section(".text.exitfoo"))) int exitfoo(void) { return 2; }
__attribute__((section(".text.exit"))) int exitplain(void) { return 3; }
__attribute__((section(".text.hotness"))) int hotness(void) { return 4; }
__attribute__((section(".text.startupx"))) int startupx(void) { return 5; }
__attribute__((section(".text.unlikelyx"))) int unlikelyx(void) { return 6; }
__attribute__((section(".text.x_unlikely"))) int x_unlikely(void) { return 7; }
__attribute__((section(".text.hot.y"))) int hoty(void) { return 8; }
__attribute__((section(".text.exit.z"))) int exitz(void) { return 9; }
__attribute__((section(".text.startup"))) int startupplain(void) { return 10; }
__attribute__((section(".text.sorted.b"))) int sortedb(void) { return 11; }
__attribute__((section(".text.sorted.a"))) int sorteda(void) { return 12; }
__attribute__((section(".text.unlikely.q"))) int unlikelyq(void) { return 13; }
__attribute__((section(".text.hotter.r"))) int hotterr(void) { return 14; }
int main(void) {
    return a1() + exitfoo() + exitplain() + hotness() + startupx() + unlikelyx() + x_unlikely() + hoty()
        + exitz() + startupplain() + sortedb() + sorteda() + unlikelyq() + hotterr() - 105;
}
"""

# the same names from -ffunction-sections, as GHC's RTS has them
SRC_FS = r"""
int exitScheduler(int x) { return x + 1; }
int hotness(int x) { return x * 3; }
int startup_hook(int x) { return x - 2; }
int plain(int x) { return x ^ 5; }
int main(int argc, char **argv) { (void)argv; return exitScheduler(argc) + hotness(argc) + startup_hook(argc) + plain(argc) - 8; }
"""


def _order(path) -> list[str]:
    out = subprocess.run(["nm", "-n", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    return [ln.split()[2] for ln in out.splitlines() if len(ln.split()) == 3 and ln.split()[1] in "Tt"]


@pytest.mark.parametrize("src,cflags", [(SRC, ["-O0"]), (SRC_FS, ["-O0", "-ffunction-sections"])],
                         ids=["named", "function-sections"])
def test_text_group_names_are_not_prefixes(tmp_path, braze_lddir, src, cflags):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "t.c").write_text(src)
    b.run(["gcc", "-c", *cflags, "t.c"])
    orders, codes = [], []
    for linker in ("bfd", "test"):
        exe = tmp_path / f"t-{linker}"
        b.run(["gcc", *b.ld(linker), "t.o", "-o", exe])
        orders.append(_order(exe))
        codes.append(b.run([exe], check=False).returncode)
    assert codes == [0, 0]
    assert orders[1] == orders[0]
