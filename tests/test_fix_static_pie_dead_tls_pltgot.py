"""-static-pie: the relaxed TLS calls' undefined __tls_get_addr with a GOT slot, against ld.bfd.

When one object calls __tls_get_addr through the PLT (R_X86_64_PLT32) and another through its GOT
slot (-fno-plt's R_X86_64_GOTPCRELX), and the static PIE relaxes every TLS sequence, bfd still sizes
an entry for the undefined __tls_get_addr: a dynamic PIE gets the unused lazy .plt entry braze already
copied, but a static PIE gets a .plt.got stub (after the others) that bfd never writes. braze added
the dead .plt entry there too: one more .plt entry, .got.plt slot and R_X86_64_NONE in .rela.plt than
bfd (eu-elflint: "relocation type invalid"). Found by tools/fuzz --feats-set 3 (seed 98415: C++
thread_local in a -fPIC -fno-plt object with libstdc++.a's eh_globals.o).

Each case links the same objects through ld.bfd and through braze: the sizes of .plt, .plt.got,
.got.plt and .got, the .plt.got bytes, the R_X86_64_NONE count, and the programs' output."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import link_in, run_env, tool_env

GA = "__thread int ta = 5;\nint geta(void) { return ta; }\n"
GB = "__thread int tb = 6;\nint getb(void) { return tb; }\n"
MAIN = '#include <stdio.h>\nint geta(void), getb(void);\nint main(void) { printf("%d %d\\n", geta(), getb()); return 0; }\n'
CASES = [
    ("static-pie-both", ["-static-pie", "main.o", "ga.o", "gb.o"]),
    ("pie-both", ["-pie", "main.o", "ga.o", "gb.o"]),
]


@pytest.fixture(scope="module")
def srcdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("static_pie_dead_tls")
    for n, t in (("ga.c", GA), ("gb.c", GB), ("main.c", MAIN)):
        (d / n).write_text(t)
    for cmd in (["gcc", "-c", "-O2", "-fPIC", "ga.c"], ["gcc", "-c", "-O2", "-fPIC", "-fno-plt", "gb.c"],
                ["gcc", "-c", "-O2", "-fPIE", "main.c"]):
        subprocess.run(cmd, cwd=d, check=True, env=tool_env())
    return d


def _shape(path: Path) -> tuple:
    s = subprocess.run(["readelf", "-SW", str(path)], capture_output=True, text=True).stdout
    sizes = dict(re.findall(r"\]\s+(\.plt|\.plt\.got|\.got\.plt|\.got)\s+\S+\s+\S+\s+\S+\s+([0-9a-f]+)", s))
    x = subprocess.run(["readelf", "-x", ".plt.got", str(path)], capture_output=True, text=True).stdout
    words = re.findall(r"^\s+0x[0-9a-f]+ ((?:[0-9a-f]{8} ?){1,4})", x, re.M)
    zeros = " ".join(words).split().count("00000000")
    r = subprocess.run(["readelf", "-rW", str(path)], capture_output=True, text=True).stdout
    return sizes, zeros, r.count("R_X86_64_NONE")


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_dead_tls_stub_matches_bfd(srcdir, braze_lddir, name, args):
    ref = link_in(srcdir, None, name, args)
    got = link_in(srcdir, braze_lddir, name, args)
    assert _shape(got) == _shape(ref)
    env = run_env(srcdir, {})
    outs = [subprocess.run([str(p)], cwd=srcdir, env=env, capture_output=True, text=True).stdout for p in (ref, got)]
    assert outs[1] == outs[0] == "5 6\n"
