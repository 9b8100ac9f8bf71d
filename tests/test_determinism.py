"""Linking the same inputs twice must give byte-identical outputs (with --build-id, whose hash
covers the whole file).  The two links run with different PYTHONHASHSEED values, so any
dependence on Python's str/bytes hash randomisation (set iteration order etc.) shows up."""
from __future__ import annotations

import pytest
from elftools.elf.elffile import ELFFile

from harness import compile_case, do_link, get_case, link_command, tool_env
from programs import case_modes

PARAMS = case_modes(lambda c: c.determinism)


def _where(path: str, offset: int) -> str:
    try:
        with open(path, "rb") as f:
            elf = ELFFile(f)
            for sec in elf.iter_sections():
                if sec["sh_type"] != "SHT_NOBITS" and sec["sh_offset"] <= offset < sec["sh_offset"] + sec["sh_size"]:
                    return f"section {sec.name} (+{offset - sec['sh_offset']:#x})"
            if offset < elf["e_ehsize"]:
                return "ELF header"
    except Exception as e:  # the output may be too broken for pyelftools
        return f"(could not map offset: {e})"
    return "outside any section"


@pytest.mark.parametrize("name,mode", PARAMS, ids=[f"{n}-{m}" for n, m in PARAMS])
def test_deterministic(name, mode, store, braze_lddir, tmp_path):
    case = get_case(name)
    objdir = compile_case(store, case, mode)
    results = []
    for i, seed in enumerate(("0", "4242")):
        d = tmp_path / f"link{i}"
        d.mkdir()
        out = d / "prog"
        cmd = link_command(case, mode, objdir, braze_lddir, out, extra=("-Wl,--build-id",))
        res = do_link(cmd, d, out, env=tool_env({"PYTHONHASHSEED": seed}))
        assert res.ok, "link failed\n" + res.describe(f"run {i}")
        results.append(res)
    a = open(results[0].exe, "rb").read()
    b = open(results[1].exe, "rb").read()
    if a != b:
        n = min(len(a), len(b))
        first = next((i for i in range(n) if a[i] != b[i]), n)
        ndiff = sum(1 for i in range(n) if a[i] != b[i]) + abs(len(a) - len(b))
        pytest.fail(f"outputs differ: sizes {len(a)} vs {len(b)}, {ndiff} differing bytes, first at "
                    f"{first:#x} in {_where(results[0].exe, first)}\n" + results[0].describe("first"),
                    pytrace=False)
