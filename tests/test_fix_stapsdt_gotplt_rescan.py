"""Three layout differences from bfd in ordinary links (fuzzer), each compared with ld.bfd's output.

- --gc-sections: bfd roots every SHT_NOTE section outside a group (allocated or not) and follows its
  relocations, so the SystemTap/USDT note `.note.stapsdt` keeps `.stapsdt.base` and the function of
  each probe. braze dropped them and wrote the note's address fields as 0 (gdb, bpftrace, perf place
  probes with them).
- A static link whose objects only name _GLOBAL_OFFSET_TABLE_ (gas lists it beside local-exec TLS
  relocations) has no `.got.plt` in bfd (x86-64 got_referenced: a relocation must use the symbol);
  with nothing after the TLS sections, `_edata`/`_end`/`__bss_start` are where `.` stays (past
  `.tbss`'s alignment, the RELRO page end) and the RW PT_LOAD ends with `.tdata`.
- LTO: an archive member only the post-LTO rescan loads goes after the last member loaded before
  from its archive, or (none loaded) before the next object on the command line, not after every
  input; an IR `_start` (the default entry) is kept as bfd keeps it.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import BuildDir

SRC = Path(__file__).parent / "c" / "s19o"


@pytest.fixture(scope="module")
def b(tmp_path_factory, braze_lddir):
    bd = BuildDir(tmp_path_factory.mktemp("s19o"), braze_lddir)
    for f in SRC.iterdir():
        shutil.copy(f, bd.root / f.name)
    return bd


def _readelf(path, *opts) -> str:
    return subprocess.run(["readelf", "-W", *opts, str(path)], capture_output=True, text=True, check=True).stdout


def _sections(path) -> list[tuple[str, ...]]:
    """(name, type, address, size) of each section, without the string tables (bfd tail-merges them)."""
    out = []
    for line in _readelf(path, "-S").splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if m and m.group(1) not in (".strtab", ".shstrtab"):
            out.append(m.groups())
    return out


def _probes(path) -> list[str]:
    return [ln.strip() for ln in _readelf(path, "-n").splitlines()
            if ln.strip().startswith(("Provider:", "Name:", "Location:"))]


@pytest.mark.parametrize("mode", ["-pie", "-no-pie", "-static"])
def test_stapsdt_note_keeps_base_and_probed_code_under_gc(b, mode):
    b.run(["gcc", "-O1", "-ffunction-sections", "-c", "probes.c", "-o", "probes.o"])
    outs = {}
    for linker in ("bfd", "test"):
        out = b.root / f"probes{mode}-{linker}"
        b.run(["gcc", *b.ld(linker), mode, "-Wl,--gc-sections", "probes.o", "-o", out])
        outs[linker] = out
        assert subprocess.run([str(out)], capture_output=True, text=True).stdout == "hi\n"
    want = _probes(outs["bfd"])
    assert any("Name: unused" in p for p in want) and "Base: 0x0000000000000000" not in " ".join(want)
    assert _probes(outs["test"]) == want
    assert _sections(outs["test"]) == _sections(outs["bfd"])


def _dsyms(path) -> list[tuple[str, ...]]:
    """Defined symbols as (name, value, section index, binding), sorted (bfd lists globals in hash order)."""
    rows = []
    for line in _readelf(path, "-s").splitlines():
        f = line.split()
        if len(f) >= 8 and f[0].endswith(":") and f[6] != "UND" and f[3] != "FILE":
            rows.append((f[7], f[1], f[6], f[4]))
    return sorted(rows)


@pytest.mark.parametrize("src", ["tls_le", "tls_le_bss"])
@pytest.mark.parametrize("mode", [["-static"], ["-static", "-Wl,-z,norelro"], ["-static", "-Wl,-z,now"]])
def test_no_gotplt_for_an_unused_got_symbol(b, src, mode):
    b.run(["gcc", "-O1", "-c", f"{src}.c", "-o", f"{src}.o"])
    assert "_GLOBAL_OFFSET_TABLE_" in _readelf(b.root / f"{src}.o", "-s")     # (what gas writes)
    res = {}
    for linker in ("bfd", "test"):
        out = b.root / f"{src}{''.join(mode)}-{linker}"
        b.run(["gcc", *b.ld(linker), "-nostartfiles", "-nostdlib", *mode, "-e", "main", f"{src}.o", "-o", out])
        segs = [ln for ln in _readelf(out, "-l").splitlines() if ln.strip().startswith(("LOAD", "TLS", "GNU_RELRO"))]
        res[linker] = (_sections(out), segs, _dsyms(out))
    assert not any(s[0] == ".got.plt" for s in res["bfd"][0])
    assert res["test"] == res["bfd"]


def _text_order(mapfile: Path) -> list[str]:
    names = []
    for line in mapfile.read_text().splitlines():
        m = re.match(r"^ \.text\s+0x[0-9a-f]+\s+0x[0-9a-f]+ (\S+)$", line)
        if m:
            names.append("LTRANS" if "ltrans" in m.group(1) else m.group(1))
    return names


@pytest.mark.parametrize("libs", [["-lx", "-ly", "tail.o"], ["-lx2", "-lmc", "-ly", "tail.o"],
                                  ["-lmc", "-lx2", "-ly", "tail.o"]])
def test_rescanned_member_takes_bfds_place(b, libs):
    b.run(["gcc", "-O2", "-flto", "-c", "lto_main.c", "-o", "lto_main.o"])
    for f in ("a", "b", "y", "tail"):
        b.run(["gcc", "-O2", "-c", f"{f}.c", "-o", f"{f}.o"])
    b.run(["gcc", "-O1", "-fno-builtin", "-fno-tree-loop-distribute-patterns", "-c", "mc.c", "-o", "mc.o"])
    for lib, members in (("x", ["a.o", "b.o", "mc.o"]), ("x2", ["a.o", "b.o"]), ("y", ["y.o"]), ("mc", ["mc.o"])):
        (b.root / f"lib{lib}.a").unlink(missing_ok=True)
        b.run(["ar", "rcs", f"lib{lib}.a", *members])
    res = {}
    for linker in ("bfd", "test"):
        out = b.root / f"lto-{'_'.join(libs)}-{linker}"
        b.run(["gcc", *b.ld(linker), "-O2", "-flto", "-nostdlib", "-static", "lto_main.o", "-L.", *libs,
               "-o", out, f"-Wl,-Map,{out}.map"])
        rc = subprocess.run([str(out)]).returncode
        # (names and sizes: where the RW segment starts is a separate difference, DATA_SEGMENT_ALIGN)
        res[linker] = (rc, _text_order(Path(f"{out}.map")), [(n, t, sz) for n, t, _a, sz in _sections(out)])
    assert res["bfd"][0] == 14 and any("mc.o" in n for n in res["bfd"][1])
    assert res["test"] == res["bfd"]
