"""Non-allocated debugging sections bfd's default script does not name, against ld.bfd (found linking
Go with cgo: go.o's .debug_gdb_scripts came right after .comment in braze's output, after the last
debug section in bfd's).

bfd: an orphan whose name marks it as debugging (.debug*, .zdebug*, .line*, .stab*, .gdb_index) is
placed after the last debug output section, in input order, and after the other non-allocated
orphans (which follow .comment) even when there is no debug section; and the script's patterns gather
.gnu.linkonce.wi.* into .debug_info and .debug_line.*/.debug_line_end into .debug_line.  Each case is
linked by both and compared: the section list (name, type, size, flags) but .strtab/.shstrtab (not
tail-merged by braze), and the non-allocated sections' bytes."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import sh, tool_env

ORPHANS = """
__asm__(".section .debug_gdb_scripts,\\"\\",@progbits\\n.asciz \\"gdb\\"\\n.previous");
__asm__(".section .myinfo,\\"\\",@progbits\\n.asciz \\"my\\"\\n.previous");
__asm__(".section .zdebug_q,\\"\\",@progbits\\n.asciz \\"zq\\"\\n.previous");
__asm__(".section .line_x,\\"\\",@progbits\\n.asciz \\"lx\\"\\n.previous");
__asm__(".section .my2,\\"\\",@progbits\\n.asciz \\"m2\\"\\n.previous");
int main(void) { return 0; }
"""
MORE = """
__asm__(".section .debug_zz,\\"MS\\",@progbits,1\\n.asciz \\"zz\\"\\n.previous");
__asm__(".section .debug_line.foo,\\"\\",@progbits\\n.asciz \\"lf\\"\\n.previous");
int f(void) { return 0; }
"""

CASES = {
    "no-debug-sections": ["orph.o"],
    "debug-line-dot": ["orph.o", "more.o"],
    "with-dwarf": ["orph.o", "more-g.o"],
    "objcopy-added": ["orph.o", "added.o"],
    "dwarf-first": ["more-g.o", "orph.o"],
    "shared": ["-shared", "orph.o", "added.o"],
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("dbgorph")
    (d / "orph.c").write_text(ORPHANS)
    (d / "more.c").write_text(MORE)
    (d / "blob").write_text("blob\n")
    for cmd in (["gcc", "-c", "-fPIC", "orph.c", "-o", "orph.o"], ["gcc", "-c", "-fPIC", "more.c", "-o", "more.o"],
                ["gcc", "-c", "-fPIC", "-g", "more.c", "-o", "more-g.o"],
                ["objcopy", "--add-section", ".stab_x=blob", "--add-section", ".gdb_index=blob",
                 "--add-section", ".gnu.linkonce.wi.zz=blob", "--add-section", ".debug_line_end=blob",
                 "more-g.o", "added.o"]):
        p = subprocess.run(cmd, cwd=d, env=tool_env(), capture_output=True, text=True)
        assert p.returncode == 0, f"$ {sh(cmd)}\n{p.stderr}"
    return d


def _view(path: Path) -> tuple:
    out = subprocess.run(["readelf", "-W", "-S", str(path)], capture_output=True, text=True, check=True).stdout
    secs = []
    for m in re.finditer(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+"
                         r"(\S*?)\s+\d+\s+\d+\s+\d+$", out, re.M):
        secs.append((m[1], m[2], m[3] if m[1] not in (".strtab", ".shstrtab") else "-", m[4]))
    data = {}
    for name, typ, _size, flags in secs:
        if "A" not in flags and typ == "PROGBITS":
            data[name] = subprocess.run(["readelf", "-W", "-x", name, str(path)], capture_output=True,
                                        text=True, check=True).stdout.split("\n", 2)[-1]
    return secs, data


@pytest.mark.parametrize("case", list(CASES))
def test_debug_orphans(root, braze_lddir, case):
    views = []
    for linker in ("bfd", "braze"):
        d = root / linker
        d.mkdir(exist_ok=True)
        out = d / case
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        args = [a if a.startswith("-") else str(root / a) for a in CASES[case]]
        cmd = ["gcc", *ld, *args, "-o", str(out)]
        p = subprocess.run(cmd, cwd=d, env=tool_env(), capture_output=True, text=True)
        assert p.returncode == 0, f"$ {sh(cmd)}\n{p.stderr}"
        views.append(_view(out))
    bfd, braze = views
    assert [s[0] for s in braze[0]] == [s[0] for s in bfd[0]]
    assert braze == bfd
    names = [s[0] for s in bfd[0]]
    assert ".gnu.linkonce.wi.zz" not in names and ".debug_line.foo" not in names
    assert names.index(".debug_gdb_scripts" if ".debug_gdb_scripts" in names else ".debug_zz") > \
        max(i for i, n in enumerate(names) if n in (".comment", ".myinfo", ".my2"))
