"""-z call-nop= against ld.bfd: the padding byte of a `call *foo@GOTPCREL(%rip)` relaxed to a direct
call (-fno-plt code): bfd's `addr32` prefix by default, `prefix-addr`, `suffix-nop`, or a number as
prefix or suffix (its low byte).  Compared per link: the bytes of main's relaxed calls (opcode, padding,
displacement), the --emit-relocs relocations of the relaxed calls (the suffix
form moves them one byte back), the program's output where the padding executes, and bfd's errors
for bad values."""
from __future__ import annotations

import re

import pytest
from elftools.elf.elffile import ELFFile

from harness import REPO, run_cmd

SRC = REPO / "tests" / "c" / "callnop"
VALUES = ["", "prefix-addr", "suffix-nop", "prefix-0x2e", "suffix-0xcc", "prefix-300", "suffix-", "prefix--1",
          "prefix- 5"]
RUNNABLE = {"", "prefix-addr", "suffix-nop", "prefix-0x2e"}     # the others pad with bytes that do not execute
MODES = {"pie": ["-pie"], "no-pie": ["-no-pie"], "shared-lib": ["-pie", "-Wl,-Bsymbolic"]}


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("callnop")
    for n in ("main", "other", "lib"):
        run_cmd(["gcc", "-O1", "-fno-plt", "-fPIC", "-c", SRC / f"{n}.c", "-o", f"{n}.o"], d)
    run_cmd(["gcc", "-fuse-ld=bfd", "-shared", "lib.o", "-o", "libcn.so"], d)
    return d


def _call_bytes(path, relocs) -> list[str]:
    """The bytes around each relaxed call (2 before its emitted relocation's offset, 5 from it): the
    opcode, the padding byte and the displacement, whatever the padding decodes as."""
    with open(path, "rb") as f:
        elf = ELFFile(f)
        text = elf.get_section_by_name(".text")
        data, base = text.data(), text["sh_addr"]
        return [data[int(r.split()[0], 16) - base - 2:int(r.split()[0], 16) - base + 5].hex() for r in relocs]


def _relocs(path, d) -> list[str]:
    out = run_cmd(["readelf", "-rW", path], d).stdout
    sec, rows = "", []
    for ln in out.splitlines():
        if ln.startswith("Relocation section"):
            sec = ln.split("'")[1]
        elif sec == ".rela.text" and re.match(r"^[0-9a-f]{16}\s", ln) and re.search(r"(local_fn|other_fn)", ln):
            f = ln.split()
            rows.append(f"{f[0]} {f[2]} {' '.join(f[4:])}")
    return rows


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("value", VALUES)
def test_call_nop_as_bfd(work, braze_lddir, value, mode):
    z = [f"-Wl,-z,call-nop={value}"] if value else []
    got = {}
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        exe = work / f"cn-{mode}-{label}-{VALUES.index(value)}"
        run_cmd(["gcc", *sel, *MODES[mode], *z, "-Wl,--emit-relocs", "main.o", "other.o", "-L.", "-lcn",
                 "-Wl,-rpath,$ORIGIN", "-o", exe], work)
        out = run_cmd([exe], work).stdout if value in RUNNABLE else "1110\n"
        relocs = _relocs(exe, work)
        got[label] = (_call_bytes(exe, relocs), relocs, out)
    assert got["braze"][2] == "1110\n" and len(got["braze"][1]) == 2
    assert got["braze"] == got["bfd"]


@pytest.mark.parametrize("value", ["prefix-nop", "bogus", "suffix-1x"])
def test_call_nop_errors_as_bfd(work, braze_lddir, value):
    msgs = {}
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        exe = work / f"cn-err-{label}"
        p = run_cmd(["gcc", *sel, f"-Wl,-z,call-nop={value}", "main.o", "other.o", "-L.", "-lcn", "-o", exe],
                    work, check=False)
        assert p.returncode != 0 and not exe.exists()
        msgs[label] = [re.sub(r"^\S*(ld\.bfd|braze): (error: )?", "", ln) for ln in p.stderr.splitlines()
                       if "call-nop" in ln]
    assert msgs["braze"] == msgs["bfd"]
