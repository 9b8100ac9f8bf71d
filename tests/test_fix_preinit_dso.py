"""A `.preinit_array` in a shared library, against ld.bfd (x86-64 and aarch64).

bfd refuses `-shared` output with an output section `.preinit_array`: `FILE: .preinit_array section
is not allowed in DSO` for each input section placed there (an empty one too, an archive member named
`lib.a(k.o)`), then `failed to set dynamic section sizes: nonrepresentable section on output`, exit
1, no output.  A script that puts the input sections elsewhere (or discards them) links; one that puts
another section in `.preinit_array` is refused.  braze linked them all silently.
Compared: exit status, the error lines (without the program name and braze's `error: `), whether
an output exists, and for the links that succeed the section names and types; executables keep
their .preinit_array."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import braze_command, tool_env

A64 = "aarch64-linux-gnu-"

SRC = {
    "k.c": "static void f(void) {}\n"
           "__attribute__((used, section(\".preinit_array\"))) static void (*pa)(void) = f;\n"
           "int g(void) { return 1; }\n",
    "k2.c": "static void f2(void) {}\n"
            "__attribute__((used, section(\".preinit_array\"))) static void (*pa2)(void) = f2;\n",
    "p.c": "int h(void) { return 2; }\n",
    "main.c": "int main(void) { return 0; }\n",
    # an empty .preinit_array of its proper type, and a .foo of that type
    "e.s": ".section .preinit_array,\"aw\",@preinit_array\n.text\n.globl e\ne: ret\n"
           ".section .note.GNU-stack,\"\",@progbits\n",
    "n.s": ".section .foo,\"aw\",@preinit_array\n.quad 0\n.text\n.globl n\nn: ret\n"
           ".section .note.GNU-stack,\"\",@progbits\n",
}

# gcc driver links: (compiler prefix, arguments)
GCC_CASES = {
    "one": ("", ["-shared", "k.o"]),
    "second": ("", ["-shared", "p.o", "k.o"]),
    "two": ("", ["-shared", "p.o", "k2.o", "k.o"]),
    "empty": ("", ["-shared", "e.o"]),
    "empty-and-full": ("", ["-shared", "p.o", "k2.o", "e.o"]),
    "member": ("", ["-shared", "p.o", "-Wl,--whole-archive", "libk.a", "-Wl,--no-whole-archive"]),
    "relocatable": ("", ["-shared", "kr.o"]),
    "gc": ("", ["-shared", "p.o", "k.o", "-Wl,--gc-sections"]),
    "Bsymbolic": ("", ["-shared", "k.o", "-Wl,-Bsymbolic"]),
    "pie": ("", ["-pie", "k.o", "main.o"]),
    "static-pie": ("", ["-static-pie", "k.o", "main.o"]),
    "a64-one": (A64, ["-shared", "p.o", "k.o"]),
    "a64-pie": (A64, ["-pie", "k.o", "main.o"]),
}
# direct links with a SECTIONS script: (script edit of bfd's -shared default script, inputs)
SCRIPT_CASES = {
    "script-default": (None, ["k.o"]),
    "script-empty": (None, ["e.o"]),
    "script-foo-in": ("KEEP (*(.preinit_array)) KEEP (*(.foo))", ["n.o"]),
    "script-renamed": ("rename", ["k.o"]),
    "script-discard": ("discard", ["k.o"]),
}


def _build(d: Path, prefix: str) -> None:
    d.mkdir(parents=True, exist_ok=True)
    for name, text in SRC.items():
        (d / name).write_text(text)
    cc = prefix + "gcc"
    for src in SRC:
        subprocess.run([cc, "-c", "-fPIC", "-O2", src], cwd=d, env=tool_env(), check=True,
                       capture_output=True)
    subprocess.run([prefix + "ld", "-r", "k.o", "-o", "kr.o"], cwd=d, check=True)
    subprocess.run([prefix + "ar", "rcs", "libk.a", "k.o"], cwd=d, check=True)


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("preinit")
    _build(d / "x86", "")
    if shutil.which(A64 + "gcc"):
        _build(d / "a64", A64)
    script = subprocess.run(["ld", "--verbose", "-shared"], capture_output=True, text=True,
                            check=True).stdout.split("=" * 50)[1].strip("=\n")
    assert "KEEP (*(.preinit_array))" in script
    (d / "x86" / "def.lds").write_text(script)
    (d / "x86" / "foo.lds").write_text(script.replace("KEEP (*(.preinit_array))",
                                                      SCRIPT_CASES["script-foo-in"][0]))
    (d / "x86" / "rename.lds").write_text(re.sub(r"\n  \.preinit_array\s+:", "\n  .data.pre :", script))
    (d / "x86" / "discard.lds").write_text("SECTIONS { /DISCARD/ : { *(.preinit_array) } }\n")
    return d


def _errors(stderr: str) -> list[str]:
    out = []
    for ln in stderr.splitlines():
        if ".preinit_array section" in ln or "dynamic section sizes" in ln:
            out.append(re.sub(r"^\S*?(ld|ld\.bfd|braze): (error: )?", "", ln))
    return out


def _result(p, out: Path, readelf: str) -> tuple:
    if p.returncode != 0 or not out.exists():
        return p.returncode, _errors(p.stderr), out.exists()
    sh = subprocess.run([readelf, "-SW", str(out)], capture_output=True, text=True, check=True).stdout
    secs = [(m.group(1), m.group(2)) for m in re.finditer(r"\]\s+(\S+)\s+(\S+)\s+[0-9a-f]{16}", sh)]
    return p.returncode, _errors(p.stderr), [s for s in secs if "pre" in s[0] or s[1] == "PREINIT_ARRAY"]


@pytest.mark.parametrize("case", list(GCC_CASES))
def test_preinit_gcc(root, braze_lddir, case):
    prefix, args = GCC_CASES[case]
    d = root / ("a64" if prefix else "x86")
    if prefix and not (d / "k.o").exists():
        pytest.skip("no aarch64 cross compiler")
    res = {}
    for linker in ("bfd", "braze"):
        out = d / f"{case}-{linker}.out"
        ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
        p = subprocess.run([prefix + "gcc", *ld, *args, "-o", str(out)], cwd=d, env=tool_env(),
                           capture_output=True, text=True)
        res[linker] = _result(p, out, prefix + "readelf")
    assert res["braze"] == res["bfd"]
    if "-shared" in args:
        assert res["bfd"][0] == 1 and res["bfd"][1][-1].startswith("failed to set dynamic section sizes")
    else:
        assert res["bfd"][0] == 0 and (".preinit_array", "PREINIT_ARRAY") in res["bfd"][2]


@pytest.mark.parametrize("case", list(SCRIPT_CASES))
def test_preinit_script(root, case):
    edit, inputs = SCRIPT_CASES[case]
    d = root / "x86"
    script = {None: "def.lds", "rename": "rename.lds", "discard": "discard.lds"}.get(edit, "foo.lds")
    res = {}
    for linker, cmd in (("bfd", ["ld"]), ("braze", braze_command())):
        out = d / f"{case}-{linker}.so"
        p = subprocess.run([*cmd, "-shared", "-T", script, *inputs, "-o", str(out)], cwd=d,
                           env=tool_env(), capture_output=True, text=True)
        res[linker] = _result(p, out, "readelf")
    assert res["braze"] == res["bfd"]
    assert res["bfd"][0] == (0 if edit in ("rename", "discard") else 1)
