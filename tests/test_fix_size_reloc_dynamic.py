"""R_X86_64_SIZE32/SIZE64 in an executable against a symbol a shared library defines, against ld.bfd.

bfd keeps such a size a dynamic relocation (the loader writes the size of the definition it binds)
unless the symbol gets a copy relocation or a canonical PLT entry, whose size is this link's; braze
wrote the link-time library's size, so a program run with a newer library (a larger array) read the
old size.  Each case is linked by both: the SIZE/COPY relocations in .rela.dyn (type, symbol) and the
program's output when run with a library whose array and function grew are compared."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, _no_core, run_env, tool_env

LIB_OLD = "int arr[10] = {1};\nint fn(int a) { return a + 1; }\n"
LIB_NEW = ("int arr[25] = {1};\nint fn(int a) { volatile int x[8] = {0}; x[a & 7] = a; "
           "return x[1] + x[a & 3] * 7 + 1; }\n")
MAIN = ('#include <stdio.h>\nextern unsigned long sizes[3]; extern unsigned text_size(void);\n'
        'void other(void);\n'
        'int main(void) { other(); printf("%lu %lu %lu %u\\n", sizes[0], sizes[1], sizes[2], text_size());'
        ' return 0; }\n')
SIZES = ("  .data\n  .globl sizes\nsizes: .quad arr@SIZE\n  .quad fn@SIZE\n  .long arr@SIZE + 3\n  .long 0\n"
         "  .text\n  .globl text_size\ntext_size: movl $arr@SIZE, %eax\n  ret\n"
         '  .section .note.GNU-stack,"",@progbits\n')
# another reference to the library's symbols: none, one that copies arr, one that gives fn a
# canonical PLT entry, a call, pointers in writable data
OTHER = {
    "none": "",
    "copy": "  movl arr(%rip), %eax\n",
    "cplt": "  movq $fn, %rax\n",
    "call": "  call fn\n",
    "data-ptrs": "  .data\n  .quad arr\n  .quad fn\n  .text\n",
}
CASES = [(m, o) for m in ("-no-pie", "-pie") for o in OTHER if not (m == "-pie" and o == "cplt")]


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("sizerel")
    (d / "new").mkdir()
    (d / "old.c").write_text(LIB_OLD)
    (d / "new.c").write_text(LIB_NEW)
    (d / "main.c").write_text(MAIN)
    (d / "sizes.s").write_text(SIZES)
    for cmd in (["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", "-O2", "old.c", "-o", "libsz.so"],
                ["gcc", "-fuse-ld=bfd", "-shared", "-fPIC", "-O0", "new.c", "-o", "new/libsz.so"],
                ["gcc", "-c", "-O2", "main.c", "-o", "main.o"],
                ["gcc", "-c", "sizes.s", "-o", "sizes.o"]):
        subprocess.run(cmd, cwd=d, env=tool_env(), check=True, capture_output=True)
    for name, body in OTHER.items():
        (d / f"o_{name}.s").write_text(f"  .text\n  .globl other\nother:\n{body}  ret\n"
                                       '  .section .note.GNU-stack,"",@progbits\n')
        subprocess.run(["gcc", "-c", f"o_{name}.s", "-o", f"o_{name}.o"], cwd=d, check=True)
    return d


def _link(root: Path, lddir: str, linker: str, mode: str, other: str):
    d = root / linker
    d.mkdir(exist_ok=True)
    out = d / f"prog{mode}-{other}"
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{lddir}/"]
    cmd = ["gcc", *ld, mode, "main.o", "sizes.o", f"o_{other}.o", "-L.", "-lsz", "-Wl,-z,notext",
           "-o", str(out)]
    subprocess.run(cmd, cwd=root, env=tool_env(), check=True, capture_output=True, text=True)
    rel = subprocess.run(["readelf", "-rW", str(out)], capture_output=True, text=True, check=True).stdout
    dyn = sorted(" ".join(m) for m in re.findall(r"(R_X86_64_(?:SIZE\d\d|COPY))\s+\S+\s+(\w+)", rel))
    runs = []
    for libdir in (root, root / "new"):
        r = subprocess.run([str(out)], env=run_env(root, {"LD_LIBRARY_PATH": str(libdir)}),
                           capture_output=True, text=True, timeout=RUN_TIMEOUT, preexec_fn=_no_core)
        runs.append((r.returncode, r.stdout))
    return dyn, runs


@pytest.mark.parametrize("mode,other", CASES, ids=[f"{m[1:]}-{o}" for m, o in CASES])
def test_size_reloc_dynamic(root, braze_lddir, mode, other):
    bfd = _link(root, braze_lddir, "bfd", mode, other)
    braze = _link(root, braze_lddir, "braze", mode, other)
    assert braze == bfd
    if other == "none":
        assert bfd[1][0][1] != bfd[1][1][1], "the sizes follow the library run with"
