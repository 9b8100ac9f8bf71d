"""Thread-local storage with a SECTIONS script, against ld.bfd.

bfd gives the first TLS output section the alignment of the whole TLS segment, so the segment starts
aligned and the thread-pointer offsets the TLS relocations were given hold at run time. braze's
SECTIONS engine left .tdata at its own alignment: with a 4-aligned .tdata and a 16-aligned .tbss,
PT_TLS started 4 bytes off its alignment and the program read the wrong thread-local variables (printed
0 for a variable initialised to 5). Thread-local COMMON symbols go where the script places `.tcommon`
(bfd's default script: last in .tbss); a script without it is refused (bfd makes an orphan .tcommon
ahead of .tbss). The scripts are bfd's own default scripts (`ld --verbose`), verbatim; compared: the
TLS program header, the TLS sections, the TLS symbols' values, and the programs' output."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env
from test_scripts_dynamic import bfd_default_script

PROGS = {
    "mixed_align": r"""
#include <stdio.h>
__thread int tl_a = 5;
__thread long tl_b __attribute__((aligned(16)));
__thread char tl_c = 'c';
int main(void) { tl_b += 7; printf("%d %ld %c\n", tl_a, tl_b, tl_c); return 0; }
""",
    "big_bss_align": r"""
#include <stdio.h>
__thread short tl_s = 3;
__thread char tl_buf[64] __attribute__((aligned(64)));
int main(void) { tl_buf[63] = 9; printf("%d %d\n", tl_s, tl_buf[63]); return 0; }
""",
    "only_tbss": r"""
#include <stdio.h>
__thread long tl_z[4] __attribute__((aligned(32)));
int main(void) { tl_z[3] = 11; printf("%ld\n", tl_z[3] + tl_z[0]); return 0; }
""",
    "tls_common": r"""
#include <stdio.h>
__thread int tl_a = 5;
extern __thread long tcv;
int main(void) { tcv += 7; printf("%d %ld\n", tl_a, tcv); return 0; }
""",
}
TCOMMON = '\t.tls_common tcv,8,8\n\t.section .note.GNU-stack,"",@progbits\n'


def _view(path):
    out = subprocess.run(["readelf", "-lSsW", str(path)], capture_output=True, text=True, env=tool_env(),
                         check=True).stdout
    hdrs = [" ".join(line.split()[1:]) for line in out.splitlines()
            if re.match(r"\s+TLS\b", line) or re.search(r"\] \.t(data|bss)", line)]
    syms = sorted(" ".join(line.split()[1:]) for line in out.splitlines() if " TLS " in line and
                  re.match(r"\s*\d+:", line))      # (symbol tables are in each linker's order)
    return hdrs, syms


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("stls"), braze_lddir)
    for name, src in PROGS.items():
        (b.root / f"{name}.c").write_text(src)
        b.run(["gcc", "-c", "-O1", "-fPIE", f"{name}.c"])
    (b.root / "tcommon.s").write_text(TCOMMON)
    b.run(["gcc", "-c", "tcommon.s"])
    (b.root / "pie.ld").write_text(bfd_default_script("-pie"))
    (b.root / "exe.ld").write_text(bfd_default_script())
    return b


@pytest.mark.parametrize("mode", ["-pie", "-no-pie"])
@pytest.mark.parametrize("name", sorted(PROGS))
def test_tls_with_default_script_vs_bfd(work, name, mode):
    script = "pie.ld" if mode == "-pie" else "exe.ld"
    inputs = [f"{name}.o"] + (["tcommon.o"] if name == "tls_common" else [])
    outs = {}
    for linker in ("bfd", "test"):
        outs[linker] = work.root / f"{name}{mode}-{linker}"
        work.run(["gcc", *work.ld(linker), mode, *inputs, f"-Wl,-T,{script}", "-o", outs[linker]])
    assert _view(outs["test"]) == _view(outs["bfd"])
    runs = [subprocess.run([str(outs[k])], capture_output=True, text=True) for k in ("bfd", "test")]
    assert runs[0].returncode == 0 and runs[0].stdout
    assert (runs[1].returncode, runs[1].stdout) == (runs[0].returncode, runs[0].stdout)


def test_tls_common_without_tcommon_refused(work):
    text = bfd_default_script("-pie").replace(" *(.tcommon)", "")
    (work.root / "notc.ld").write_text(text)
    p = work.run(["gcc", *work.ld("test"), "-pie", "tls_common.o", "tcommon.o", "-Wl,-T,notc.ld",
                  "-o", work.root / "notc"], check=False)
    assert p.returncode == 1
    assert "braze: error:" in p.stderr and "tcommon" in p.stderr and "Traceback" not in p.stderr
    assert not (work.root / "notc").exists()
