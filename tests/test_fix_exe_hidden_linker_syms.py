"""An executable with --export-dynamic (-E) whose objects refer to linker-defined symbols as hidden or
internal (`extern int __start_X[] __attribute__((visibility("hidden")))`, or _end, etext,
__bss_start, __executable_start declared so).

bfd's -E pass tries to make every symbol an object defines or refers to dynamic; a hidden one is then
forced local: .symtab lists it LOCAL DEFAULT, and .dynsym does not list it.  braze wrote the
__start_/__stop_ ones GLOBAL HIDDEN, and exported the default script's ones (_end, etext, ...) to
.dynsym with their hidden visibility.  Without -E, or in a static link (no dynamic sections), they
stay GLOBAL HIDDEN in both.  Compared with ld.bfd: the symbol rows (value, type, bind, visibility,
section; readelf --syms: .dynsym and .symtab) of the names, the .dynsym names and the runs."""
from __future__ import annotations

import subprocess

import pytest

from harness import BuildDir

SRC = r"""#include <stdio.h>
__attribute__((used, section("myset"))) static int a = 1;
__attribute__((used, section("myset"))) static int b = 2;
__attribute__((used, section("other"))) static int c = 3;
extern int __start_myset[] __attribute__((visibility("hidden")));
extern int __stop_myset[] __attribute__((visibility("hidden")));
extern int __start_other[];
extern int __stop_other[] __attribute__((visibility("internal")));
extern char _end[] __attribute__((visibility("hidden")));
extern char __bss_start[] __attribute__((visibility("internal")));
extern char etext[] __attribute__((visibility("hidden")));
extern char __executable_start[] __attribute__((visibility("hidden")));
extern char _edata[];
int main(void) {
  printf("%d %d %d\n", (int)(__stop_myset - __start_myset), (int)(__stop_other - __start_other),
         _end >= _edata && __bss_start <= _end && etext > __executable_start);
  return 0;
}
"""
NAMES = ("__start_myset", "__stop_myset", "__start_other", "__stop_other", "_end", "__bss_start",
         "etext", "__executable_start", "_edata")


def _rows(path, table: str) -> list[tuple[str, ...]]:
    out = subprocess.run(["readelf", "-W", table, str(path)], capture_output=True, text=True,
                         check=True).stdout
    rows = []
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and f[7] in NAMES:
            rows.append((f[7], f[1], f[3], f[4], f[5], f[6]))
    return sorted(rows)


@pytest.mark.parametrize("mode", [["-Wl,-E"], ["-Wl,-E", "-no-pie"], ["-Wl,-E", "-static"], [],
                                  ["-rdynamic", "-no-pie"]])
def test_exe_hidden_linker_syms_as_bfd(tmp_path, braze_lddir, mode):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "s.c").write_text(SRC)
    b.run(["gcc", "-O2", "-c", "s.c"])
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"s-{linker}"
        b.run(["gcc", *b.ld(linker), *mode, "s.o", "-o", out])
        dyn = [r[0] for r in _rows(out, "--dyn-syms")]
        got[linker] = (_rows(out, "--syms"), dyn, b.run([out]).stdout)
    if "-Wl,-E" in mode and "-static" not in mode:
        assert any(r[3] == "LOCAL" for r in got["bfd"][0]), "harness: bfd's forced-local rows not seen"
    assert got["test"] == got["bfd"]
