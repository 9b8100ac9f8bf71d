"""The passes the speed work of session 8 rewrote (merge sections, --gc-sections, .symtab) against
ld.bfd, on inputs that reach each of their paths:

* SHF_MERGE: 1-byte strings aligned to 1 (a tail of another string, a duplicate across objects, a
  NUL run, an empty string, a rest without a NUL), strings aligned to 8 with a tail across objects,
  16-byte constants with a duplicate across objects.  Compared: the output .rodata bytes, the
  program's output (every symbol still reaches its own bytes), for PIE and non-PIE.
* --gc-sections with -ffunction-sections/-fdata-sections: sections reached only through local
  symbols (static functions and data), through globals, and not at all.  Compared: the
  --print-gc-sections lines, the sections of the output and the program's output.
* .symtab of a PIE whose hidden and internal functions are called through PLT32 (bfd writes them
  LOCAL), addressed only (GLOBAL HIDDEN), with static functions: the entries (name, type, binding,
  visibility, section, size) and sh_info, and the program's output."""
from __future__ import annotations

from pathlib import Path

import pytest

import test_shared as shared
from harness import BuildDir
from test_opt_zstd import sections
from test_structure_parity import _symtab

SRC = Path(__file__).resolve().parent / "c" / "speed_merge"
LINKERS = ("bfd", "test")
MODES = {"pie": (["-fPIE"], ["-pie"]), "nopie": (["-fno-pie"], ["-no-pie"])}


class Build(BuildDir):
    def obj(self, src: str, *flags: str) -> Path:
        out = self.root / (Path(src).stem + "-" + "-".join(f.strip("-") for f in flags) + ".o")
        if not out.exists():
            self.run(["gcc", "-c", "-O2", *flags, SRC / src, "-o", out])
        return out

    def link(self, linker: str, out: str, inputs, *flags: str):
        d = self.root / linker
        d.mkdir(exist_ok=True)
        p = self.run(["gcc", *self.ld(linker), *map(str, inputs), *flags, "-o", d / out], cwd=d)
        return d / out, p


@pytest.fixture(scope="module")
def build(tmp_path_factory, braze_lddir):
    return Build(tmp_path_factory.mktemp("speed_merge"), braze_lddir)


def _both(build, out, inputs, *flags):
    return {ln: build.link(ln, out, inputs, *flags) for ln in LINKERS}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_merged_strings_and_constants_as_bfd(build, mode):
    cflags, lflags = MODES[mode]
    objs = [build.obj(s, *cflags) for s in ("main.c", "strs1.s", "strs2.s")]
    got = _both(build, f"merge-{mode}", objs, *lflags)
    out = {ln: shared.run([p]) for ln, (p, _) in got.items()}
    assert out["bfd"][0] == 0 and "shared 1, cst 1" in out["bfd"][1], f"harness: bfd's program: {out['bfd']}"
    assert out["test"] == out["bfd"]
    ref, test = (sections(got[ln][0]) for ln in LINKERS)
    assert test[".rodata"] == ref[".rodata"], ".rodata bytes differ from bfd's"


def test_gc_sections_as_bfd(build):
    objs = [build.obj(s, "-ffunction-sections", "-fdata-sections") for s in ("gc1.c", "gc2.c")]
    got = _both(build, "gc", objs, "-Wl,--gc-sections", "-Wl,--print-gc-sections")

    def removed(p):
        return sorted(line[line.index("removing"):] for line in p.stderr.splitlines()
                      if "removing unused section" in line)
    ref, test = removed(got["bfd"][1]), removed(got["test"][1])
    assert all(any(f"'{n}'" in r for r in ref) for n in (".text.unused_leaf", ".rodata.unused_msg",
                                                          ".text.unused_global", ".text.dead_in_main")), \
        f"harness: bfd removed {ref}"
    assert test == ref      # (each names the objects by the path it was given: the same for both)
    assert sorted(sections(got["test"][0])) == sorted(sections(got["bfd"][0]))
    out = {ln: shared.run([p]) for ln, (p, _) in got.items()}
    assert out["bfd"][0] == 0 and "reached through a static" in out["bfd"][1], f"harness: {out['bfd']}"
    assert out["test"] == out["bfd"]


def test_symtab_hidden_plt_calls_as_bfd(build):
    objs = [build.obj("hid.c", "-fPIE", "-ffunction-sections"), build.obj("hidmain.s", "-fPIE")]
    got = _both(build, "hid", objs, "-pie")
    (r, ri), (g, gi) = _symtab(str(got["bfd"][0])), _symtab(str(got["test"][0]))
    ent = {e[0]: e for e in r}
    assert ent["hid_called"][2] == "STB_LOCAL" and ent["hid_addressed"][2] == "STB_GLOBAL", \
        f"harness: bfd's symbols {ent.get('hid_called')} {ent.get('hid_addressed')}"
    only_bfd, only_got = sorted(map(str, r - g)), sorted(map(str, g - r))
    assert not only_bfd and not only_got, f".symtab differs:\n  only bfd's: {only_bfd}\n  only braze's: {only_got}"
    assert gi == ri
    out = {ln: shared.run([p]) for ln, (p, _) in got.items()}
    assert out["bfd"] == (0, "7\n", "")
    assert out["test"] == out["bfd"]
