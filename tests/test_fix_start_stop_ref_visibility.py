"""__start_X/__stop_X whose references carry a visibility: bfd gives the linker-defined symbol the
more constraining of -z start-stop-visibility (protected by default) and the references' (a
`hidden` or `internal` extern declaration, as LLVM's profile runtime declares __start___llvm_prf_*
for rustc -C instrument-coverage). braze always wrote -z start-stop-visibility's PROTECTED.

Compared with ld.bfd: the __start_/__stop_ rows of .symtab and .dynsym (binding, visibility, type)
and the program's output, in PIE, -static, -shared and -z start-stop-visibility=hidden links.
(bfd's -E turning the hidden ones LOCAL in an executable's .symtab is not matched here.)
"""
from __future__ import annotations

import pytest

from harness import BuildDir

SRC = r"""
#include <stdio.h>
__attribute__((used, section("myset"))) static int a = 1;
__attribute__((used, section("myset"))) static int b = 2;
extern int __start_myset[] __attribute__((visibility("hidden")));
extern int __stop_myset[] __attribute__((visibility("hidden")));
extern int __start_other[];
extern int __stop_other[] __attribute__((visibility("internal")));
__attribute__((used, section("other"))) static int c = 3;
int main(void) { printf("%d %d\n", (int)(__stop_myset - __start_myset), (int)(__stop_other - __start_other)); return 0; }
"""

MODES = {"pie": [], "static": ["-static"], "shared": ["-shared", "-fPIC"],
         "vis-hidden": ["-Wl,-z,start-stop-visibility=hidden"]}


def _rows(b: BuildDir, out, flag: str) -> list[tuple[str, ...]]:
    text = b.run(["readelf", "-W", flag, out]).stdout
    return sorted(tuple(f[3:6] + f[7:8]) for f in (line.split() for line in text.splitlines())
                  if len(f) >= 8 and f[7].startswith(("__start_", "__stop_")))


@pytest.mark.parametrize("mode", sorted(MODES))
def test_start_stop_take_reference_visibility_like_bfd(tmp_path, braze_lddir, mode):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "s.c").write_text(SRC)
    got = {}
    for linker in ("bfd", "test"):
        out = tmp_path / f"s-{linker}"
        b.run(["gcc", *b.ld(linker), *MODES[mode], "s.c", "-o", out])
        run = b.run([out]).stdout if mode != "shared" else ""
        got[linker] = (run, _rows(b, out, "--syms"), _rows(b, out, "--dyn-syms"))
    assert any("HIDDEN" in r for r in got["bfd"][1])
    assert got["test"] == got["bfd"]
