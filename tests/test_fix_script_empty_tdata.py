"""A script's `.tdata` that no input reached but whose body moves `.`, last in its PT_LOAD, against
ld.bfd (fuzz seed 606).

bfd makes such a section NOBITS, and its header gets SHF_TLS from bfd's special-section table
(.tdata is "WAT").  bfd's segment code (ELF_TBSS_SPECIAL) reads the header's flags, so the section is
TLS NOBITS there and takes no room in the PT_LOAD: p_memsz ends with the section before.  braze
judged by the layout flags (no TLS) and stretched p_memsz to the aligned `.` of the empty section.
Both the default segment builder and PHDRS are checked; the programs' LOAD headers are compared."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import tool_env

C = "int d1 = 5; int b1 = 3;\nvoid _start(void) { for (;;) ; }\n"
BODY = """  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text*) } TEXT
  . = ALIGN(0x1000);
  .data : { *(.data*) *(.bss*) } DATA
  .tdata : { . = ALIGN(256); PROVIDE_HIDDEN(__tdata_start = .); *(.tdata*) } DATA
"""
SCRIPTS = {
    "default-segments": "SECTIONS {\n" + BODY.replace(" TEXT", "").replace(" DATA", "") + "}\n",
    "phdrs": "PHDRS { text PT_LOAD FILEHDR PHDRS; data PT_LOAD; }\nSECTIONS {\n"
             + BODY.replace("TEXT", ":text").replace("DATA", ":data") + "}\n",
    "then-bss": "SECTIONS {\n" + BODY.replace(" TEXT", "").replace(" DATA", "").replace(
        "*(.data*) *(.bss*)", "*(.data*)") + "  .bss : { *(.bss*) }\n}\n",
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("emptytdata")
    (d / "a.c").write_text(C)
    subprocess.run(["gcc", "-O1", "-c", "-fno-pic", "-fno-asynchronous-unwind-tables", "a.c"], cwd=d,
                   env=tool_env(), check=True, capture_output=True)
    for name, text in SCRIPTS.items():
        (d / f"{name}.ld").write_text(text)
    return d


def _loads(path: Path) -> list[str]:
    out = subprocess.run(["readelf", "-lW", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    return [" ".join(ln.split()) for ln in out.splitlines() if ln.strip().startswith(("LOAD", "TLS"))]


@pytest.mark.parametrize("case", list(SCRIPTS))
def test_empty_tdata_segment(root, braze_lddir, case):
    res = {}
    for linker in ("bfd", "braze"):
        out = root / f"{case}-{linker}"
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        p = subprocess.run(["gcc", *ld, "-nostdlib", "-static", "-no-pie", "a.o", f"-Wl,-T,{case}.ld", "-o",
                            str(out)], cwd=root, env=tool_env(), capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        sh = subprocess.run(["readelf", "-SW", str(out)], capture_output=True, text=True, env=tool_env(),
                            check=True).stdout
        assert any(".tdata" in ln and "NOBITS" in ln and "WAT" in ln for ln in sh.splitlines()), sh
        res[linker] = _loads(out)
    assert res["braze"] == res["bfd"]
