"""Reading archive members through the persistent input cache (inputs/cache.py) after its records
changed shape: a record now points at the member's own symbol table (offset and count, bytes the
cache's CRC covers) instead of holding its tuples, except when parsing rewrote the symbols (extended
section indices, SHT_SYMTAB_SHNDX), and `InputSection` is a native class the compiled loops build.

Each case links the same archive with ld.bfd and with braze three ways -- `--no-cache`, a cold cache
(the records are written) and a warm one (every member comes from its record) -- and the programs must
behave as bfd's while braze's three outputs stay byte-identical and their symbol tables match bfd's."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, run_env, tool_env
from test_many_sections import MAIN_C, OTHER_S, _many_s, _symbols

# an ordinary archive member, big enough (with the padding array) for the archive to be cached
PLAIN_C = r"""
int plain_table[40000] = {1};
int plain_value(int x) { return plain_table[0] + x * 2; }
int plain_unused(void) { return 9; }
"""
PLAIN_MAIN_C = r"""
#include <stdio.h>
int plain_value(int);
int main(void) { printf("%d\n", plain_value(20)); return 0; }
"""


def _run(cmd, cwd: Path) -> subprocess.CompletedProcess:
    p = subprocess.run([str(c) for c in cmd], cwd=cwd, env=tool_env(), capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, f"$ {' '.join(map(str, cmd))}\n{p.stdout}{p.stderr}"
    return p


def _link_all(d: Path, lddir: str, main: Path, archive: Path, extra: list, cached: bool = True) -> dict:
    """bfd, then braze with --no-cache, a cold cache and a warm one: (exit, stdout, .symtab, bytes)."""
    cache = d / "cache"
    res = {}
    for tag, ld, flags in (("bfd", "-fuse-ld=bfd", []), ("nocache", f"-B{lddir}/", ["-Wl,--no-cache"]),
                           ("cold", f"-B{lddir}/", []), ("warm", f"-B{lddir}/", [])):
        exe = d / f"prog-{tag}"
        env = dict(tool_env(), BRAZE_CACHE_DIR=str(cache))
        p = subprocess.run(["gcc", ld, *flags, str(main), *map(str, extra), str(archive), "-o", str(exe)],
                           cwd=d, env=env, capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, f"{tag}: {p.stderr}"
        r = subprocess.run([exe], cwd=d, env=run_env(d, {}), capture_output=True, text=True, timeout=RUN_TIMEOUT)
        res[tag] = (r.returncode, r.stdout, _symbols(exe), exe.read_bytes())
        if tag == "cold" and cached:
            assert sorted(p.name for p in cache.glob("ar-*")), "harness: the archive was not cached"
    return res


def _check(res: dict) -> None:
    ref = res["bfd"]
    assert ref[0] == 0 and ref[1], f"harness: bfd's program: {ref[:2]}"
    for tag in ("nocache", "cold", "warm"):
        assert res[tag][:2] == ref[:2], f"{tag}: behaves unlike bfd's program"
        only_bfd, only_got = ref[2] - res[tag][2], res[tag][2] - ref[2]
        assert not only_bfd and not only_got, (f"{tag}: .symtab differs: only bfd's {sorted(only_bfd)[:10]}, "
                                               f"only braze's {sorted(only_got)[:10]}")
    assert res["cold"][3] == res["nocache"][3], "a cold-cache link differs from --no-cache"
    assert res["warm"][3] == res["nocache"][3], "a warm-cache link differs from --no-cache"


def test_cached_member_reads_its_symbols_from_the_file(tmp_path, braze_lddir):
    (tmp_path / "plain.c").write_text(PLAIN_C)
    (tmp_path / "main.c").write_text(PLAIN_MAIN_C)
    _run(["gcc", "-c", "-O1", "-ffunction-sections", "plain.c", "-o", "plain.o"], tmp_path)
    _run(["gcc", "-c", "-O1", "main.c", "-o", "main.o"], tmp_path)
    _run(["ar", "rcs", "libplain.a", "plain.o"], tmp_path)
    assert (tmp_path / "libplain.a").stat().st_size >= 64 << 10, "harness: the archive is too small to be cached"
    _check(_link_all(tmp_path, braze_lddir, tmp_path / "main.o", tmp_path / "libplain.a", []))


def test_cached_member_with_extended_section_indices(tmp_path, braze_lddir):
    """A member with 66,000+ sections (symbols' st_shndx rewritten from SHT_SYMTAB_SHNDX): the cache's
    member check does not take an ELF header with e_shnum 0, so such a member is parsed every time;
    the three links must still agree with each other and with bfd."""
    d = tmp_path
    (d / "many.s").write_text(_many_s())
    (d / "other.s").write_text(OTHER_S)
    (d / "main.c").write_text(MAIN_C)
    _run(["gcc", "-c", "-fPIE", "-O1", "main.c", "-o", "main.o"], d)
    _run(["gcc", "-c", "many.s", "-o", "many.o"], d)
    _run(["gcc", "-c", "other.s", "-o", "other.o"], d)
    hdr = _run(["readelf", "-h", "many.o"], d).stdout
    assert "Number of section headers:         0 (" in hdr, f"harness: many.o has few sections:\n{hdr}"
    _run(["ar", "rcs", "libmany.a", "many.o"], d)
    _check(_link_all(d, braze_lddir, d / "main.o", d / "libmany.a", [d / "other.o"], cached=False))


@pytest.mark.parametrize("pure", [False, True], ids=["compiled", "pure"])
def test_input_section_rejects_undeclared_attributes(pure):
    """Compiled, InputSection is a native class (a write to an undeclared attribute raises); its
    __slots__ make the plain-Python class (BRAZE_PURE=1) refuse the same writes, so a module that sets
    one fails in both builds, not only in the compiled one."""
    import os
    import sys
    code = ("from braze.inputs.object import InputSection\n"
            "s = InputSection(None, 1, '.text', (0, 1, 6, 0, 64, 16, 0, 0, 16, 0))\n"
            "s.out_off = 8; s.alive = False; s.data_override = b'x'\n"
            "try:\n    s.undeclared = 1\nexcept AttributeError:\n    print('refused')\n")
    env = dict(os.environ, BRAZE_PURE="1" if pure else "")
    if not pure:
        env.pop("BRAZE_PURE")
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                       cwd=Path(__file__).resolve().parents[1] / "src")
    assert p.returncode == 0 and p.stdout.strip() == "refused", p.stdout + p.stderr
