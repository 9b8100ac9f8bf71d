"""Static checks of the linked files for a representative subset of programs (both modes):
readelf/eu-elflint must not complain about braze's output more than about bfd's, and the basic
ELF shape (type, interpreter, DT_NEEDED, program headers) must match bfd's."""
from __future__ import annotations

import re
import subprocess

import pytest
from elftools.elf.constants import P_FLAGS
from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile

from harness import bfd_link, get_case, link_case, need_tool, tool_env
from programs import case_modes, object_mode

PARAMS = case_modes(lambda c: c.structure)


@pytest.fixture
def outputs(request, store, braze_lddir, under_test_label):
    name, mode = request.param
    case = get_case(name)
    ref = bfd_link(store, case, mode)
    got = link_case(store, case, mode, braze_lddir, under_test_label)
    assert got.ok, "the link with the linker under test failed\n" + got.describe("under test")
    return case, mode, ref, got


def parametrize_outputs(fn):
    return pytest.mark.parametrize("outputs", PARAMS, ids=[f"{n}-{m}" for n, m in PARAMS],
                                   indirect=True)(fn)


def _normalise(lines: list[str], path: str) -> set[str]:
    out = set()
    for line in lines:
        line = line.replace(path, "FILE").strip()
        line = re.sub(r"0x[0-9a-fA-F]+", "0xN", line)
        line = re.sub(r"\d+", "N", line)
        line = re.sub(r"\s+", " ", line)
        line = re.sub(r"\[ ?N\]", "[N]", line)
        if line:
            out.add(line)
    return out


def _readelf(path: str):
    p = subprocess.run(["readelf", "-W", "-a", path], capture_output=True, text=True,
                       errors="replace", env=tool_env())
    return p.returncode, p.stderr


def _elflint(path: str):
    tool = need_tool("eu-elflint")
    p = subprocess.run([tool, "--gnu-ld", path], capture_output=True, text=True, errors="replace",
                       env=tool_env())
    lines = [l for l in (p.stdout + p.stderr).splitlines() if l.strip() and l.strip() != "No errors"]
    return p.returncode, lines


@parametrize_outputs
def test_readelf_warnings(outputs):
    case, mode, ref, got = outputs
    rc_ref, err_ref = _readelf(ref.exe)
    rc_got, err_got = _readelf(got.exe)
    extra = _normalise(err_got.splitlines(), got.exe) - _normalise(err_ref.splitlines(), ref.exe)
    assert not extra, ("readelf -W -a complains about the output of the linker under test but not "
                       "about bfd's:\n  " + "\n  ".join(sorted(extra))
                       + f"\nfull stderr (under test):\n{err_got}\n" + got.describe("under test"))
    if rc_ref == 0:
        assert rc_got == 0, f"readelf exit status {rc_got} (bfd's output: 0)\n{err_got}"


@parametrize_outputs
def test_elflint(outputs):
    case, mode, ref, got = outputs
    rc_ref, lines_ref = _elflint(ref.exe)
    rc_got, lines_got = _elflint(got.exe)
    extra = _normalise(lines_got, got.exe) - _normalise(lines_ref, ref.exe)
    assert not extra, ("eu-elflint --gnu-ld complains about the output of the linker under test but "
                       "not about bfd's:\n  " + "\n  ".join(sorted(extra))
                       + "\nbfd's complaints:\n  " + "\n  ".join(lines_ref or ["(none)"]) + "\n"
                       + got.describe("under test"))
    if rc_ref == 0:
        assert rc_got == 0, "eu-elflint failed on the output under test:\n" + "\n".join(lines_got)


def _summary(path: str) -> dict:
    with open(path, "rb") as f:
        elf = ELFFile(f)
        segs = list(elf.iter_segments())
        info = {
            "e_type": elf["e_type"],
            "e_machine": elf["e_machine"],
            "e_entry": elf["e_entry"],
            "phdr_types": {s["p_type"] for s in segs},
            "interp": None,
            "needed": set(),
            "gnu_stack_flags": None,
            "relro": any(s["p_type"] == "PT_GNU_RELRO" for s in segs),
            "loads": [(s["p_offset"], s["p_vaddr"], s["p_memsz"], s["p_flags"], s["p_align"])
                      for s in segs if s["p_type"] == "PT_LOAD"],
        }
        for s in segs:
            if s["p_type"] == "PT_INTERP":
                info["interp"] = s.get_interp_name()
            elif s["p_type"] == "PT_GNU_STACK":
                info["gnu_stack_flags"] = s["p_flags"]
        for sec in elf.iter_sections():
            if isinstance(sec, DynamicSection):
                info["needed"] |= {t.needed for t in sec.iter_tags() if t.entry.d_tag == "DT_NEEDED"}
        return info


@parametrize_outputs
def test_elf_basics(outputs):
    case, mode, ref, got = outputs
    r = _summary(ref.exe)
    g = _summary(got.exe)
    want_type = "ET_DYN" if object_mode(mode) in ("pie", "static-pie") else "ET_EXEC"
    assert r["e_type"] == want_type, f"harness: bfd produced {r['e_type']} in {mode} mode"
    assert g["e_type"] == want_type, f"e_type is {g['e_type']}, expected {want_type} ({mode})"
    assert g["e_machine"] == "EM_X86_64"
    if object_mode(mode) in ("pie", "nopie"):      # dynamic executables (static-libstdc++ ones too)
        assert g["interp"] is not None, "no PT_INTERP"
    else:
        # musl-gcc passes -dynamic-linker even with -static; bfd writes no PT_INTERP all the same
        assert r["interp"] is None, f"harness: bfd wrote PT_INTERP {r['interp']!r} in {mode} mode"
    assert g["interp"] == r["interp"], f"PT_INTERP {g['interp']!r} != bfd's {r['interp']!r}"
    assert g["needed"] == r["needed"], f"DT_NEEDED {sorted(g['needed'])} != bfd's {sorted(r['needed'])}"
    assert g["gnu_stack_flags"] == r["gnu_stack_flags"], (
        f"PT_GNU_STACK flags {g['gnu_stack_flags']} != bfd's {r['gnu_stack_flags']}")
    assert g["relro"] == r["relro"], f"PT_GNU_RELRO present: {g['relro']}, bfd: {r['relro']}"
    assert g["phdr_types"] == r["phdr_types"], (
        f"program header types differ: only under test {sorted(g['phdr_types'] - r['phdr_types'])}, "
        f"only bfd {sorted(r['phdr_types'] - g['phdr_types'])}")
    for label, info in (("bfd", r), ("under test", g)):
        assert info["loads"], f"{label}: no PT_LOAD"
        for off, vaddr, memsz, flags, align in info["loads"]:
            assert off % 0x1000 == vaddr % 0x1000, (
                f"{label}: PT_LOAD p_offset {off:#x} and p_vaddr {vaddr:#x} are not congruent mod 0x1000")
    entry_ok = any(vaddr <= g["e_entry"] < vaddr + memsz and flags & P_FLAGS.PF_X
                   for off, vaddr, memsz, flags, align in g["loads"])
    assert entry_ok, f"e_entry {g['e_entry']:#x} is not inside an executable PT_LOAD"
