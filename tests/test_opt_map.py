"""-Map against ld.bfd, text for text: the same objects linked through gcc (g++) by bfd and by braze,
their maps compared part by part: everything before "Linker script and memory map" (archive members,
"Merging program properties", as-needed libraries, "Allocating common symbols", bfd's `Local IFUNC
function` notes, "Discarded input sections", "Memory Configuration") and the LOAD / START GROUP /
END GROUP lines that open the memory map. Cases: dynamic PIE, -no-pie, -static (glibc), -shared, C++
with libstdc++ and COMDAT groups, an archive, --gc-sections, CET/ISA property notes, IFUNCs."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import sh, tool_env

SOURCES = {
    "a.c": '#include <stdio.h>\nint g; int common_x __attribute__((common));\nextern int f(int);\n'
           'int main(void){ printf("%d\\n", f(3) + g); return 0; }\n',
    "b.c": 'static int twice(int x){ return x * 2; }\nint f(int x){ return x + 1; }\n'
           'int h(int x){ return twice(x); }\nconst char *s = "hello";\n',
    "e.c": '#include <stdio.h>\nint g; extern int f(int);\nint main(void){ printf("%d\\n", f(3) + g); return 0; }\n',
    "k.c": 'int k1(int x){ return x; }\n',
    "ifn.c": 'static int impl(void){ return 1; }\nstatic void *resolve(void){ return (void *)impl; }\n'
             'int foo(void) __attribute__((ifunc("resolve")));\n'
             'static int lfoo(void) __attribute__((ifunc("resolve")));\n'
             'int main(void){ return foo() + lfoo() - 2; }\n',
    "cm.c": 'int alpha __attribute__((common)); int beta[10] __attribute__((common));\n'
            'long gamma_ __attribute__((common)); char delta __attribute__((common));\n'
            'int averyveryverylongcommonname __attribute__((common));\n',
    "c.cc": '#include <vector>\n#include <string>\n#include <iostream>\nint use2();\n'
            'int main(){ std::vector<int> v{1,2,3}; std::string s = "x";\n'
            '  std::cout << v.size() << s << use2() << "\\n"; return 0; }\n',
    "d.cc": '#include <vector>\nint use2(){ std::vector<int> v{4,5}; return v.size(); }\n',
}

COMPILES = [
    ("gcc", ["-O1", "-fPIC", "-c", "a.c", "-o", "a.o"]),
    ("gcc", ["-O1", "-fPIC", "-c", "b.c", "-o", "b.o"]),
    ("gcc", ["-O1", "-c", "e.c", "-o", "e.o"]),
    ("gcc", ["-O1", "-ffunction-sections", "-c", "b.c", "-o", "bgc.o"]),
    ("gcc", ["-O1", "-fPIC", "-fcf-protection=full", "-c", "a.c", "-o", "acf.o"]),
    ("gcc", ["-O1", "-fcf-protection=branch", "-c", "b.c", "-o", "bbr.o"]),
    ("gcc", ["-O1", "-fcf-protection=return", "-c", "k.c", "-o", "kret.o"]),
    ("gcc", ["-O1", "-fcf-protection=branch", "-c", "k.c", "-o", "kbr.o"]),
    ("gcc", ["-O1", "-Wa,-mx86-used-note=yes", "-c", "k.c", "-o", "kused.o"]),
    ("gcc", ["-O1", "-fPIC", "-Wa,-mx86-used-note=yes", "-mavx2", "-c", "a.c", "-o", "aused.o"]),
    ("gcc", ["-O1", "-c", "ifn.c", "-o", "ifn.o"]),
    ("gcc", ["-c", "cm.c", "-o", "cm.o"]),
    ("g++", ["-O0", "-c", "c.cc", "-o", "c.o"]),
    ("g++", ["-O0", "-c", "d.cc", "-o", "d.o"]),
    ("gcc", ["-O1", "-flto", "-c", "e.c", "-o", "elto.o"]),
    ("gcc", ["-O1", "-flto", "-c", "b.c", "-o", "blto.o"]),
]

CASES = {
    "pie": ("gcc", ["a.o", "b.o"]),
    "no-pie": ("gcc", ["-no-pie", "a.o", "b.o"]),
    "static": ("gcc", ["-static", "a.o", "b.o"]),
    "shared": ("gcc", ["-shared", "a.o", "b.o"]),
    "cxx": ("g++", ["c.o", "d.o"]),
    "cxx-gc": ("g++", ["c.o", "d.o", "-Wl,--gc-sections"]),
    "archive": ("gcc", ["a.o", "-L.", "-lb"]),
    "group": ("gcc", ["a.o", "-Wl,--start-group", "-L.", "-lb", "-Wl,--end-group"]),
    "gc-sections": ("gcc", ["e.o", "bgc.o", "-Wl,--gc-sections"]),
    "no-discarded": ("gcc", ["a.o", "b.o", "-Wl,--no-print-map-discarded"]),
    "discarded-again": ("gcc", ["a.o", "b.o", "-Wl,--no-print-map-discarded", "-Wl,--print-map-discarded"]),
    "cet-mix": ("gcc", ["acf.o", "bbr.o", "kused.o"]),
    "cet-shared": ("gcc", ["-shared", "kret.o", "acf.o"]),
    "cet-updated": ("gcc", ["-nostartfiles", "-shared", "acf.o", "kbr.o"]),
    "used-notes": ("gcc", ["-nostartfiles", "-shared", "aused.o", "kused.o"]),
    "ifunc-no-pie": ("gcc", ["-no-pie", "ifn.o"]),
    "ifunc-static": ("gcc", ["-static", "ifn.o"]),
    "commons": ("gcc", ["a.o", "b.o", "cm.o"]),              # bfd's hash order: libc's names count
    "commons-static": ("gcc", ["-static", "a.o", "b.o", "cm.o"]),
    "commons-cxx": ("g++", ["c.o", "d.o", "cm.o"]),
    "lto": ("gcc", ["-flto", "elto.o", "blto.o"]),
    "lto-archive-member": ("gcc", ["-flto", "e.o", "-L.", "-lblto"]),
}

_MEMORY_MAP = "Linker script and memory map\n\n"
_TMP = re.compile(r"/tmp/cc\w+(\.ltrans\d+\.ltrans\.o)")        # the LTO plugin's temporary objects


def _run(cmd, cwd):
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, errors="replace",
                       env=tool_env(), timeout=600)
    assert p.returncode == 0, f"$ {sh(cmd)}\n{p.stdout}{p.stderr}"
    return p


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("map-inputs")
    for name, text in SOURCES.items():
        (d / name).write_text(text)
    for driver, args in COMPILES:
        _run([driver, *args], d)
    _run(["ar", "rcs", "libb.a", "b.o"], d)
    _run(["ar", "rcs", "libblto.a", "blto.o"], d)
    return d


def _maps(inputs: Path, tmp_path: Path, lddir: str, case: str) -> tuple[str, str]:
    driver, args = CASES[case]
    out = {}
    for label, sel in (("bfd", "-fuse-ld=bfd"), ("braze", f"-B{lddir}/")):
        work = tmp_path / label
        shutil.copytree(inputs, work)
        _run([driver, sel, *args, "-Wl,-Map,out.map", "-o", "prog"], work)
        out[label] = _TMP.sub(r"/tmp/ccTMP\1", (work / "out.map").read_text())
    return out["bfd"], out["braze"]


def _preamble(text: str) -> str:
    i = text.index(_MEMORY_MAP)
    return text[:i + len(_MEMORY_MAP)]


@pytest.mark.parametrize("case", list(CASES))
def test_map_before_memory_map_like_bfd(braze_lddir, inputs, tmp_path, case):
    """Archive members, property merging, as-needed libraries, common symbols, Local IFUNC notes,
    discarded input sections (.note.GNU-stack, merged .note.gnu.property, .group, COMDAT copies,
    --gc-sections removals, .gnu.warning.SYM) and Memory Configuration, as bfd writes them."""
    want, got = _maps(inputs, tmp_path, braze_lddir, case)
    want, got = _preamble(want), _preamble(got)
    assert ("Discarded input sections" in want) == (case != "no-discarded")
    assert got == want


def _loads(text: str) -> list[str]:
    rest = text[text.index(_MEMORY_MAP) + len(_MEMORY_MAP):].splitlines()
    out = []
    for ln in rest:
        if not ln.startswith(("LOAD ", "START GROUP", "END GROUP")):
            break
        out.append(ln)
    return out


@pytest.mark.parametrize("case", list(CASES))
def test_map_load_lines_like_bfd(braze_lddir, inputs, tmp_path, case):
    """The memory map opens with each input as bfd opened it: LOAD lines (libraries by the path
    found, linker scripts such as libc.so and their GROUP members as START GROUP ... END GROUP,
    repeated libraries each time), the LTO plugin's objects after the first claimed file (before
    the archive whose member it claimed)."""
    want, got = _maps(inputs, tmp_path, braze_lddir, case)
    want, got = _loads(want), _loads(got)
    assert "START GROUP" in want or "static" in case
    assert got == want


@pytest.mark.parametrize("case", ["pie", "shared", "static", "cxx"])
def test_map_output_line_like_bfd(braze_lddir, inputs, tmp_path, case):
    """The map ends with bfd's OUTPUT(FILE FORMAT) line (the memory map between is braze's own: bfd's
    echo of its script's statements is not reproduced)."""
    want, got = _maps(inputs, tmp_path, braze_lddir, case)
    assert want.splitlines()[-1] == "OUTPUT(prog elf64-x86-64)"
    assert got.splitlines()[-1] == want.splitlines()[-1]


REGIONS_LD = """MEMORY
{
  ROM (rx) : ORIGIN = 0x1000000, LENGTH = 64K
  RAM (!rx) : ORIGIN = 0x2000000, LENGTH = 0x8000
  XX : ORIGIN = 0x3000000, LENGTH = 0x100
  averyveryverylongregionname (AIL) : ORIGIN = 0x4000000, LENGTH = 0x100
}
SECTIONS { .text : { *(.text) } > ROM  .data : { *(.data*) } > RAM  /DISCARD/ : { *(.note.GNU-stack) } }
"""


@pytest.mark.parametrize("script", ["basic.ld", "memory.ld", "memory_default.ld", "regions"])
def test_map_script_preamble_like_bfd(direct_ld, inputs, tmp_path, script):
    """With a -T script: its MEMORY regions in Memory Configuration (attributes as bfd prints them),
    and the sections braze drops on reading (.note.GNU-stack) listed as discarded only when the
    script's /DISCARD/ takes them, as bfd."""
    from harness import REPO
    path = REPO / "tests" / "scripts" / script
    maps = {}
    for label, ld in (("bfd", ["ld.bfd"]), ("braze", list(direct_ld))):
        work = tmp_path / label
        shutil.copytree(inputs, work)
        if script == "regions":
            path = work / "regions.ld"
            path.write_text(REGIONS_LD)
        _run([*ld, "-T", path, "-e", "f", "b.o", "-Map", "out.map", "-o", "prog"], work)
        maps[label] = _preamble((work / "out.map").read_text())
    assert "Memory Configuration" in maps["bfd"]
    assert maps["braze"] == maps["bfd"]
