"""The x86 COMPAT ISA properties and GNU_PROPERTY_NO_COPY_ON_PROTECTED in .note.gnu.property, against
ld.bfd.

bfd keeps and merges GNU_PROPERTY_X86_COMPAT_ISA_1_USED (0xc0000000, as the *_USED range: ORed, kept
only when every object has it), GNU_PROPERTY_X86_COMPAT_ISA_1_NEEDED (0xc0000001, as the *_NEEDED
range: ORed) and the generic GNU_PROPERTY_NO_COPY_ON_PROTECTED (2, no data: kept when any object has
it); braze dropped all three (and took 0xc0000000 for aarch64's FEATURE_1_AND).  The COMPAT_2 ones
(0xc0008000, 0xc0010000) are in the x86 ranges braze already merged.  Compared: the output's property
note as readelf -n shows it, for final and -r links (and NO_COPY_ON_PROTECTED on aarch64)."""
from __future__ import annotations

import shutil
import subprocess

import pytest

PROPS = {
    "a": [(2, None), (0xc0000000, 0x3), (0xc0000001, 0x1), (0xc0008000, 0x4), (0xc0010000, 0x8)],
    "b": [(0xc0000000, 0x10), (0xc0000001, 0x20), (0xc0008000, 0x40), (0xc0010000, 0x80)],
    "c": [(2, None)],
    "d": [(0xc0008002, 0x1)],
    "e": [(0xc0000002, 0x1), (0xc0000002, 0x2), (0xc0008002, 0x1), (0xc0008002, 0x4)],   # types given twice: ORed
    "p": [(0xc0000003, 0x5)],       # the *_AND range beyond FEATURE_1_AND: ANDed, kept when every object
    "q": [(0xc0000003, 0x2), (0xc0000004, 0x7)],     # has it, never 0
    "t": [(0xc0000002, 0x3), (0xc0000003, 0x7), (0xc0000004, 0x1)],
    "z": [(0xc0000003, 0x0)],
    "s": None,              # no property note
}
LINKS = [["a"], ["a", "b"], ["b", "a"], ["s", "a", "b"], ["a", "s"], ["c"], ["s", "c"], ["d", "c"], ["b", "d"], ["e"], ["e", "d"],
         ["p"], ["p", "q"], ["p", "s"], ["s", "p"], ["p", "t"], ["t", "p"], ["q", "t"], ["z"], ["z", "p"]]


def _asm(name: str, props) -> str:
    out = []
    if props is not None:
        out += ['  .section .note.gnu.property,"a",@note', "  .p2align 3", "  .long 4", "  .long 2f - 1f",
                "  .long 5", '  .asciz "GNU"', "1:"]
        for t, v in props:
            out += ["  .p2align 3", f"  .long {t:#x}"] + (["  .long 0"] if v is None else ["  .long 4", f"  .long {v:#x}"])
        out += ["  .p2align 3", "2:"]
    return "\n".join(out + ["  .text", f"  .globl f_{name}", f"f_{name}: ret", ""])


def _note(path) -> list[str]:
    out = subprocess.run(["readelf", "-n", str(path)], capture_output=True, text=True, check=True).stdout
    return [ln.strip() for ln in out.split(".note.gnu.property")[-1].splitlines()[2:] if ln.strip()] \
        if ".note.gnu.property" in out else []


@pytest.mark.parametrize("reloc", [False, True], ids=["exe", "r"])
@pytest.mark.parametrize("objs", LINKS, ids=["-".join(x) for x in LINKS])
def test_x86_compat_properties(tmp_path, direct_ld, objs, reloc):
    for name in set(objs):
        (tmp_path / f"{name}.s").write_text(_asm(name, PROPS[name]) + '  .section .note.GNU-stack,"",@progbits\n')
        subprocess.run(["gcc", "-c", f"{name}.s", "-o", f"{name}.o"], cwd=tmp_path, check=True)
    args = ["-r"] if reloc else ["-e", "0"]
    files = [f"{n}.o" for n in objs]
    subprocess.run(["ld.bfd", *args, *files, "-o", "b.out"], cwd=tmp_path, check=True, capture_output=True)
    subprocess.run([*direct_ld, *args, *files, "-o", "t.out"], cwd=tmp_path, check=True, capture_output=True)
    assert _note(tmp_path / "t.out") == _note(tmp_path / "b.out")


def test_no_copy_on_protected_aarch64(tmp_path, direct_ld):
    if not shutil.which("aarch64-linux-gnu-as") or not shutil.which("aarch64-linux-gnu-ld.bfd"):
        pytest.skip("no aarch64 toolchain")
    (tmp_path / "c.s").write_text(_asm("c", PROPS["c"]))
    subprocess.run(["aarch64-linux-gnu-as", "c.s", "-o", "c.o"], cwd=tmp_path, check=True)
    subprocess.run(["aarch64-linux-gnu-ld.bfd", "c.o", "-e", "0", "-o", "b.out"], cwd=tmp_path, check=True)
    subprocess.run([*direct_ld, "-m", "aarch64linux", "c.o", "-e", "0", "-o", "t.out"], cwd=tmp_path, check=True)
    assert _note(tmp_path / "t.out") == _note(tmp_path / "b.out")
    assert any("no copy on protected" in ln for ln in _note(tmp_path / "b.out"))


def test_feature_given_twice_aarch64(tmp_path, direct_ld):
    """aarch64 FEATURE_1_AND (0xc0000000) twice in one note: bfd ORs the two (BTI, PAC)."""
    if not shutil.which("aarch64-linux-gnu-as") or not shutil.which("aarch64-linux-gnu-ld.bfd"):
        pytest.skip("no aarch64 toolchain")
    (tmp_path / "f.s").write_text(_asm("f", [(0xc0000000, 0x1), (0xc0000000, 0x2)]))
    subprocess.run(["aarch64-linux-gnu-as", "f.s", "-o", "f.o"], cwd=tmp_path, check=True)
    subprocess.run(["aarch64-linux-gnu-ld.bfd", "f.o", "-e", "0", "-o", "b.out"], cwd=tmp_path, check=True)
    subprocess.run([*direct_ld, "-m", "aarch64linux", "f.o", "-e", "0", "-o", "t.out"], cwd=tmp_path, check=True)
    assert _note(tmp_path / "t.out") == _note(tmp_path / "b.out")
    assert any("BTI, PAC" in ln for ln in _note(tmp_path / "b.out"))


MAP_LINKS = [["a", "b"], ["b", "a"], ["a", "s"], ["s", "a", "b"], ["p", "q"], ["q", "t", "p"]]


@pytest.mark.parametrize("objs", MAP_LINKS, ids=["-".join(x) for x in MAP_LINKS])
def test_map_merging_lines(tmp_path, direct_ld, objs):
    """-Map's "Merging program properties" lines for the COMPAT ISA properties (braze had none)."""
    for name in set(objs):
        (tmp_path / f"{name}.s").write_text(_asm(name, PROPS[name]) + '  .section .note.GNU-stack,"",@progbits\n')
        subprocess.run(["gcc", "-c", f"{name}.s", "-o", f"{name}.o"], cwd=tmp_path, check=True)
    files = [f"{n}.o" for n in objs]
    subprocess.run(["ld.bfd", "-e", "0", *files, "-o", "b.out", "-Map", "b.map"], cwd=tmp_path, check=True,
                   capture_output=True)
    subprocess.run([*direct_ld, "-e", "0", *files, "-o", "t.out", "-Map", "t.map"], cwd=tmp_path, check=True,
                   capture_output=True)

    def merging(p):
        text = p.read_text()
        return text[text.find("Merging program properties"):text.find("Discarded input sections")]
    assert merging(tmp_path / "t.map") == merging(tmp_path / "b.map")
