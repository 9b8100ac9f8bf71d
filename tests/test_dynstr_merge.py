""".dynstr tail merging, against ld.bfd: a name that ends another (libm's `sin` in `asin`, `cosh` in
`acosh`; a library's SONAME in a longer RUNPATH…) is stored inside it, as bfd's string table does, so
.dynstr has bfd's size and every section after it bfd's address. Compared: the .dynstr size and the
section addresses (`readelf -SW`), the dynamic tags and dynamic symbols by name (string offsets are
each linker's own), and the program's output / the library's behaviour through ctypes."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import BuildDir, tool_env

PROG = r"""
#include <math.h>
#include <stdio.h>
double (*fns[])(double) = {sin, asin, sinh, asinh, cos, acos, cosh, acosh, tan, atan, tanh, atanh};
int main(void)
{
    double t = 0;
    for (unsigned i = 0; i < sizeof fns / sizeof *fns; i++)
        t += fns[i](0.5);
    printf("%.6f\n", t);
    return 0;
}
"""
LIB = r"""
#include <math.h>
double lib_sum(double x) { return sin(x) + asin(x) + sinh(x) + asinh(x) + tan(x) + atan(x); }
double sum(double x) { return lib_sum(x) + 1; }
double asum(double x) { return sum(x) * 2; }
"""


def _readelf(path, *opts) -> str:
    return subprocess.run(["readelf", *opts, str(path)], capture_output=True, text=True, env=tool_env(),
                          check=True).stdout


def _view(path):
    secs = [line.split()[1:6] for line in _readelf(path, "-SW").splitlines()
            if re.match(r"\s*\[\s*\d+\] \.", line) and " A" in line]
    dyn = sorted(re.sub(r"0x[0-9a-f]+\s*$", "", line).split(None, 1)[-1]
                 for line in _readelf(path, "-dW").splitlines() if line.strip().startswith("0x"))
    syms = sorted(line.split()[7] for line in _readelf(path, "--dyn-syms", "-W").splitlines()
                  if re.match(r"\s*\d+:", line) and len(line.split()) > 7)
    return secs, dyn, syms


@pytest.fixture(scope="module")
def work(tmp_path_factory, braze_lddir):
    b = BuildDir(tmp_path_factory.mktemp("dynstr"), braze_lddir)
    (b.root / "prog.c").write_text(PROG)
    (b.root / "lib.c").write_text(LIB)
    b.run(["gcc", "-c", "-O1", "prog.c"])
    b.run(["gcc", "-c", "-O1", "-fPIC", "lib.c"])
    return b


@pytest.mark.parametrize("kind", ["pie", "shared"])
def test_dynstr_tail_merged_as_bfd(work, kind):
    outs = {}
    for linker in ("bfd", "test"):
        out = work.root / f"{linker}-{kind}{'.so' if kind == 'shared' else ''}"
        if kind == "pie":
            args = ["-pie", "prog.o", "-lm", "-Wl,-rpath,/opt/x/lib:/opt/lib"]
        else:
            args = ["-shared", "lib.o", "-lm", "-Wl,-soname,libsum.so", "-Wl,-rpath,/opt/libsum.so"]
        work.run(["gcc", *work.ld(linker), *args, "-o", out])
        outs[linker] = out
    assert _view(outs["test"]) == _view(outs["bfd"])
    if kind == "pie":
        runs = [subprocess.run([str(outs[k])], capture_output=True, text=True) for k in ("bfd", "test")]
        assert runs[0].returncode == 0 and runs[0].stdout
        assert (runs[1].returncode, runs[1].stdout) == (runs[0].returncode, runs[0].stdout)
    else:
        code = "import ctypes,sys; f=ctypes.CDLL(sys.argv[1]).asum; f.restype=ctypes.c_double; " \
               "f.argtypes=[ctypes.c_double]; print(f(0.25))"
        res = [subprocess.run(["python3", "-c", code, str(outs[k])], capture_output=True, text=True)
               for k in ("bfd", "test")]
        assert res[0].returncode == 0 and res[1].stdout == res[0].stdout
