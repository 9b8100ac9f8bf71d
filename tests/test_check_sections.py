"""--check-sections / --no-check-sections (bfd's lang_check_section_addresses), against ld.bfd.

A SECTIONS script that keeps sections apart links the same with either option (the same section
headers, program headers and symbols, and the program's exit status). A script that makes two
sections overlap fails in both linkers by default; with --no-check-sections bfd writes the
overlapping layout, which braze refuses with an error (exit 1, no output) rather than write another."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import tool_env

SRC = "int d = 42;\nint f(void) { return d; }\nvoid _start(void) { __asm__ volatile(\"syscall\" :: \"a\"(60), \"D\"(f())); }\n"
APART = "ENTRY(_start) SECTIONS { . = 0x400000; .text : { *(.text*) } . = 0x600000; .data : { *(.data*) } /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame) } }\n"
OVERLAP = "ENTRY(_start) SECTIONS { . = 0x400000; .text : { *(.text*) } . = 0x400004; .data : { *(.data*) } /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame) } }\n"


@pytest.fixture(scope="module")
def obj(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("checksec")
    (d / "a.c").write_text(SRC)
    subprocess.run(["gcc", "-c", "-O2", "-fno-pic", "-ffreestanding", "-fno-asynchronous-unwind-tables",
                    "-fcf-protection=none", "a.c", "-o", "a.o"], cwd=d, check=True, env=tool_env())
    return d / "a.o"


def _link(direct_ld, linker, obj, script_text, opts, name):
    d = obj.parent / linker
    d.mkdir(exist_ok=True)
    script = obj.parent / f"{name}.ld"
    script.write_text(script_text)
    out = d / name
    if out.exists():
        out.unlink()
    cmd = (["ld.bfd"] if linker == "bfd" else list(direct_ld)) + [*opts, "-T", str(script), str(obj), "-o", str(out)]
    return subprocess.run(cmd, capture_output=True, text=True, env=tool_env()), out


def _readelf(path: Path, opt: str) -> list[str]:
    p = subprocess.run(["readelf", opt, str(path)], capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, p.stderr
    return p.stdout.splitlines()


def _view(path: Path) -> tuple:
    """Headers (minus the string tables, which bfd tail-merges), and the symbols in any order."""
    heads = [l for l in _readelf(path, "-hlSW") if "strtab" not in l and "Start of section headers" not in l]
    syms = sorted(l.split(":", 1)[1] for l in _readelf(path, "-sW") if l.strip()[:1].isdigit())
    return heads, syms


@pytest.mark.parametrize("opts", [[], ["--check-sections"], ["--no-check-sections"]])
def test_apart(direct_ld, obj, opts):
    name = "apart" + "".join(o.strip("-") for o in opts)
    pb, bfd = _link(direct_ld, "bfd", obj, APART, opts, name)
    pt, test = _link(direct_ld, "test", obj, APART, opts, name)
    assert pb.returncode == 0, pb.stderr
    assert pt.returncode == 0, pt.stderr
    assert _view(test) == _view(bfd)
    rb = subprocess.run([str(bfd)]).returncode
    assert rb == 42 and subprocess.run([str(test)]).returncode == rb


@pytest.mark.parametrize("opts", [[], ["--check-sections"]])
def test_overlap_is_an_error(direct_ld, obj, opts):
    pb, _ = _link(direct_ld, "bfd", obj, OVERLAP, opts, "overlap")
    pt, test = _link(direct_ld, "test", obj, OVERLAP, opts, "overlap")
    assert pb.returncode != 0 and "overlaps section" in pb.stderr
    assert pt.returncode == 1 and "overlaps section" in pt.stderr and "Traceback" not in pt.stderr
    assert not test.exists()


def test_overlap_without_check_is_refused(direct_ld, obj):
    pb, bfd = _link(direct_ld, "bfd", obj, OVERLAP, ["--no-check-sections"], "overlap_nocheck")
    assert pb.returncode == 0 and bfd.exists(), pb.stderr       # bfd writes the overlapping layout
    pt, test = _link(direct_ld, "test", obj, OVERLAP, ["--no-check-sections"], "overlap_nocheck")
    assert pt.returncode == 1 and not test.exists()
    assert "overlapping sections are not supported" in pt.stderr and "Traceback" not in pt.stderr
