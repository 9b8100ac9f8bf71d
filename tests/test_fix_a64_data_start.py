"""aarch64 bfd's default scripts (executable and -shared) have `.data : { PROVIDE (__data_start = .);
... }`: a reference to `__data_start` that no input defines (glibc's crt1.o does; -nostdlib links and
shared libraries do not) is defined at .data's start, or without .data where `.` is at that statement
(after .got.plt). Default visibility: a library exports it, preemptible (R_AARCH64_GLOB_DAT), and
-E exports it from an executable. braze did not define it: a -nostdlib -static program failed to
link, a library's reference stayed an undefined import. x86-64's scripts have no such PROVIDE.

Compared with ld.bfd: the symbol's rows in .symtab and .dynsym (value, type, binding, visibility,
section index) and the dynamic relocations naming it."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from elfrows import symbol_rows, tool
from harness import tool_env

A64 = "aarch64-linux-gnu-"
HEAD = "extern char __data_start[];\nchar *get(void) { return __data_start; }\nvoid _start(void) { for (;;); }\n"
SRCS = {
    "data": HEAD + "int d1 = 5;\nint z;\n",
    "nodata": HEAD + "const int r = 5;\n",
    "bssonly": HEAD + "const int r = 5;\nint z;\n",
}
MODES = {"static": ["-static"], "shared": ["-shared"], "pie": ["-pie"], "nopie": ["-no-pie"],
         "shared-norelro": ["-shared", "-Wl,-z,norelro"], "pie-E": ["-pie", "-Wl,-E"],
         "shared-local": ["-shared", "-Wl,--version-script=local.map"]}
CASES = {f"a64-{s}-{m}": (A64, s, m) for s in SRCS for m in MODES}
CASES.update({f"x86-{s}-{m}": ("", s, m) for s in ("data",) for m in ("shared", "pie-E")})


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("datastart")
    (d / "local.map").write_text("{ global: get; local: *; };\n")
    for pre in ("", A64):
        if not shutil.which(pre + "gcc"):
            continue
        for name, text in SRCS.items():
            (d / f"{name}.c").write_text(text)
            subprocess.run([pre + "gcc", "-O1", "-fPIC", "-c", f"{name}.c", "-o", f"{name}-{pre or 'x86'}.o"],
                           cwd=d, env=tool_env(), check=True)
    return d


def _relocs(path: Path, pre: str) -> list[str]:
    return [" ".join(ln.split()[2:3] + ln.split()[4:]) for ln in
            tool([pre + "readelf", "-rW", str(path)], None).splitlines() if "__data_start" in ln]


@pytest.mark.parametrize("case", list(CASES))
def test_data_start_as_bfd(root, braze_lddir, case):
    pre, src, mode = CASES[case]
    if not shutil.which(pre + "gcc"):
        pytest.skip("no cross compiler")
    facts = {}
    for linker in ("bfd", "braze"):
        out = root / f"{case}-{linker}"
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        p = subprocess.run([pre + "gcc", *ld, "-nostdlib", *MODES[mode], f"{src}-{pre or 'x86'}.o", "-o", str(out)],
                           cwd=root, env=tool_env(), capture_output=True, text=True)
        ok = p.returncode == 0
        facts[linker] = (p.returncode, ok and symbol_rows(out, None, {"__data_start"}, pre),
                         ok and symbol_rows(out, None, {"__data_start"}, pre, dyn=True), ok and _relocs(out, pre))
    if pre:
        assert facts["bfd"][0] == 0 and facts["bfd"][1]
    assert facts["braze"] == facts["bfd"]
