"""x86-64 `-static-pie` (and a dynamic PIE's IFUNC entries): the PLT as ld.bfd makes it.

bfd treats a -static-pie output as a dynamic one: its IFUNC entries are lazy ones (`jmp *slot; push
$n; jmp PLT0`, n the IRELATIVE's index in .rela.plt) after a PLT0, with the PLT's unwind info in
.eh_frame; a called undefined weak symbol with a GOT slot (crtbeginS.o's __cxa_finalize) gets a
.plt.got stub that jumps through that slot's address plus 1 (never taken: the caller tests the slot),
one without a GOT slot (its GOTPCRELX load relaxed to `mov $0`) a .plt entry `jmp *slot; push $0;
jmp .+5` whose .got.plt slot is 0, with no relocation.  braze wrote IFUNC stubs without PLT0 (0x10
smaller), no .plt.got and so no PLT FDEs (0x40 smaller .eh_frame) and resolved the calls to 0.
Compared: the section headers (name, type, address, size, flags; not .strtab/.shstrtab, whose string
tail-merging differs), for the freestanding links every allocated section's bytes but the build-id,
for glibc programs .plt's PLT0, .eh_frame and .eh_frame_hdr bytes, and the programs' runs (IFUNCs
of glibc's memcpy/strlen family, printf, threads)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, run_env, tool_env

FREE = """static int impl(void) { return 0; }
static void *resolve(void) { return impl; }
int f(void) __attribute__((ifunc("resolve")));
extern int w(void) __attribute__((weak));
void _start(void) { f(); WCALL; for (;;); }
"""
HELLO = "int main(void) { return 0; }\n"
BIG = r"""#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <pthread.h>
static char buf[256];
static void *th(void *p) { char b[64]; memcpy(b, p, strlen(p) + 1); printf("thread %s %zu\n", b, strlen(b)); return 0; }
int main(int argc, char **argv) {
  pthread_t t[4];
  const char *names[4] = {"a", "bb", "ccc", "dddd"};
  for (int i = 0; i < 4; i++) pthread_create(&t[i], 0, th, (void *)names[i]);
  for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
  memset(buf, 'x', 100); buf[100] = 0;
  printf("%zu %d %s\n", strlen(buf), strcmp(names[1], names[2]) < 0, strchr("hello", 'l'));
  char *d = strdup(argv[0]); printf("%zu\n", strlen(d) > 0); free(d);
  return 0;
}
"""
WEAK_MAIN = r"""#include <stdio.h>
#include <string.h>
extern int wm(void) __attribute__((weak));
int main(int argc, char **argv) {
  printf("%d %zu\n", wm == 0, strlen(argv[0]) > 0);
  if (wm) return wm();
  return 0;
}
"""
IFUNC_MAIN = """static int impl(void) { return 7; }
static void *resolve(void) { return impl; }
int f(void) __attribute__((ifunc("resolve")));
int main(void) { return f() - 7; }
"""

# name: (object, link arguments, what is compared besides the section headers: "bytes" (every
# allocated section), "shape" (PLT0 and the entries' opcodes: bfd orders a dynamic PIE's global
# PLT entries by its hash table), "run" (also .eh_frame(_hdr), and the programs' runs)
CASES = {
    "free-ifunc-static-pie": ("free_none.o", ["-static-pie", "-nostdlib"], "bytes"),
    "free-ifunc-pie": ("free_none.o", ["-pie", "-nostdlib"], "bytes"),
    "free-weak-got-static-pie": ("free_got.o", ["-static-pie", "-nostdlib"], "bytes"),
    "free-weak-got-pie": ("free_got.o", ["-pie", "-nostdlib"], "bytes"),
    "free-weak-plt-static-pie": ("free_plt.o", ["-static-pie", "-nostdlib"], "bytes"),
    "free-weak-plt-pie": ("free_plt.o", ["-pie", "-nostdlib"], "shape"),
    "hello-static-pie": ("hello.o", ["-static-pie"], "run"),
    "big-static-pie": ("big.o", ["-static-pie", "-pthread"], "run"),
    "ifunc-static-pie": ("ifunc.o", ["-static-pie"], "run"),
    "weak-call-static-pie": ("weak.o", ["-static-pie"], "run"),
    "ifunc-pie": ("ifunc.o", ["-pie"], "run"),
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("spieplt")
    (d / "free.c").write_text(FREE)
    (d / "hello.c").write_text(HELLO)
    (d / "big.c").write_text(BIG)
    (d / "ifunc.c").write_text(IFUNC_MAIN)
    (d / "weak.c").write_text(WEAK_MAIN)
    cmds = [["gcc", "-O2", "-fPIE", "-DWCALL=", "-c", "free.c", "-o", "free_none.o"],
            ["gcc", "-O2", "-fPIE", "-DWCALL=(w ? w() : 0)", "-c", "free.c", "-o", "free_got.o"],
            ["gcc", "-O2", "-fPIE", "-DWCALL=w()", "-c", "free.c", "-o", "free_plt.o"],
            ["gcc", "-O2", "-fPIE", "-c", "hello.c"],
            ["gcc", "-O2", "-fPIE", "-pthread", "-c", "big.c"],
            ["gcc", "-O2", "-fPIE", "-c", "ifunc.c"],
            ["gcc", "-O2", "-fPIE", "-c", "weak.c"]]
    for cmd in cmds:
        subprocess.run(cmd, cwd=d, env=tool_env(), check=True, capture_output=True)
    return d


def _sections(path: Path) -> list[tuple]:
    out = subprocess.run(["readelf", "-SW", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for m in re.finditer(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+"
                         r"[0-9a-f]+\s+(\S*)\s", out, re.M):
        if m.group(1) not in (".strtab", ".shstrtab"):
            rows.append(m.groups())
    return rows


def _bytes(path: Path, name: str) -> str:
    return subprocess.run(["readelf", "-x", name, str(path)], capture_output=True, text=True).stdout


def _raw(path: Path, name: str) -> bytes:
    data = b""
    for ln in _bytes(path, name).splitlines():
        m = re.match(r"\s+0x[0-9a-f]+ ((?:[0-9a-f]{2,8} ){1,4})", ln + " ")
        if m:
            data += bytes.fromhex(m.group(1).replace(" ", ""))
    return data


def _plt_shapes(path: Path) -> list[bytes]:
    """Each 16-byte .plt entry's opcode bytes (jmp *slot; push $n; jmp PLT0 or a bare jmp and nops),
    sorted: bfd orders the entries by its hash table, braze by first reference."""
    data = _raw(path, ".plt")
    return sorted(data[i:i + 2] + data[i + 6:i + 7] + data[i + 11:i + 12] for i in range(0, len(data), 16))


def _link(root: Path, lddir: str, linker: str, case: str) -> Path:
    obj, args, _free = CASES[case]
    out = root / f"{case}-{linker}"
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{lddir}/"]
    p = subprocess.run(["gcc", *ld, *args, obj, "-o", str(out)], cwd=root, env=tool_env(),
                       capture_output=True, text=True)
    assert p.returncode == 0, f"{linker}: {p.stderr}"
    return out


@pytest.mark.parametrize("case", list(CASES))
def test_static_pie_plt(root, braze_lddir, case):
    bfd = _link(root, braze_lddir, "bfd", case)
    braze = _link(root, braze_lddir, "braze", case)
    secs = _sections(bfd)
    assert _sections(braze) == secs
    names = [s[0] for s in secs]
    assert ".plt" in names
    if "weak-got" in case or case in ("hello-static-pie", "big-static-pie"):
        assert ".plt.got" in names        # (what the case is about: bfd's stub for __cxa_finalize / w)
    how = CASES[case][2]
    if how == "bytes":
        alloc = [s[0] for s in secs if "A" in s[4] and s[1] != "NOBITS" and s[0] != ".note.gnu.build-id"]
        for name in alloc:
            assert _bytes(braze, name) == _bytes(bfd, name), name
    else:
        assert _raw(braze, ".plt")[:16] == _raw(bfd, ".plt")[:16]        # PLT0
        assert _plt_shapes(braze) == _plt_shapes(bfd)
    if how == "run":
        for name in (".eh_frame", ".eh_frame_hdr"):
            assert _bytes(braze, name) == _bytes(bfd, name), name
        runs = []
        for exe in (bfd, braze):
            r = subprocess.run([str(exe)], cwd=root, env=run_env(root, {}), capture_output=True, text=True,
                               timeout=RUN_TIMEOUT, preexec_fn=_no_core)
            runs.append((r.returncode, sorted(r.stdout.splitlines()), r.stderr))
        assert runs[0] == runs[1]
        assert runs[0][0] == 0

