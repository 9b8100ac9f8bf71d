"""The symbol type of COMMON symbols, against ld.bfd: `-z common` / `-z nocommon` with -r (STT_COMMON
or STT_OBJECT for commons left common; without either, bfd keeps the first input's type), -r -d
(allocated commons are objects), and final links (a common allocated in .bss is an OBJECT in .symtab
and .dynsym, even when the input said STT_COMMON)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import tool_env

SRCS = {"obj": "int c1;\nint c2[10];\n", "wide": "long c1;\n", "tls": "__thread int tc __attribute__((common));\n",
        "main": "extern int c1; extern int c2[10];\nint main(void) { c2[3] = 4; return c1 + c2[3]; }\n"}
NAMES = ("c1", "c2", "tc")


@pytest.fixture(scope="module")
def objs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("commons")
    out = {}
    for name, text in SRCS.items():
        (d / f"{name}.c").write_text(text)
        subprocess.run(["gcc", "-c", "-O1", "-fcommon", "-fPIC", f"{name}.c", "-o", f"{name}.o"], cwd=d,
                       check=True, env=tool_env())
        out[name] = d / f"{name}.o"
    # commons typed STT_COMMON, as `ld -r -z common` writes them
    subprocess.run(["ld.bfd", "-r", "-z", "common", "obj.o", "-o", "objc.o"], cwd=d, check=True, env=tool_env())
    out["objc"] = d / "objc.o"
    return out


def _syms(path: Path, dyn: bool = False) -> list[str]:
    p = subprocess.run(["readelf", "-W", "--dyn-syms" if dyn else "-s", str(path)], capture_output=True,
                       text=True, env=tool_env())
    assert p.returncode == 0, p.stderr
    rows = []
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) == 8 and f[7] in NAMES:
            rows.append(" ".join(f[2:5] + f[6:]) if f[6] == "COM" else " ".join(f[2:5] + ["DEF", f[7]]))
    return sorted(rows)


def _link(cmd_prefix, args, out: Path) -> None:
    if out.exists():
        out.unlink()
    p = subprocess.run([*cmd_prefix, *map(str, args), "-o", str(out)], capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, p.stderr


@pytest.mark.parametrize("z", [[], ["-z", "common"], ["-z", "nocommon"]], ids=["default", "common", "nocommon"])
@pytest.mark.parametrize("d", [[], ["-d"]], ids=["", "d"])
@pytest.mark.parametrize("inputs", [("obj",), ("objc",), ("tls",), ("objc", "wide"), ("wide", "objc")],
                         ids="+".join)
def test_relocatable_common_type(direct_ld, objs, z, d, inputs):
    files = [objs[i] for i in inputs]
    tag = "-".join(inputs) + "".join(z) + "".join(d)
    bfd, test = files[0].parent / f"bfd-{tag}.o", files[0].parent / f"test-{tag}.o"
    _link(["ld.bfd", "-r", *d, *z], files, bfd)
    _link([*direct_ld, "-r", *d, *z], files, test)
    assert _syms(test) == _syms(bfd)


@pytest.mark.parametrize("mode", ["pie", "no-pie", "static"])
def test_final_link_common_is_object(braze_lddir, objs, mode):
    d = objs["main"].parent
    res = {}
    for who, opt in (("bfd", "-fuse-ld=bfd"), ("test", f"-B{braze_lddir}")):
        exe = d / f"{who}-{mode}"
        p = subprocess.run(["gcc", opt, f"-{mode}", str(objs["main"]), str(objs["objc"]), "-o", str(exe)],
                           capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, p.stderr
        res[who] = (_syms(exe), subprocess.run([str(exe)]).returncode)
    assert res["test"] == res["bfd"]
    assert res["bfd"][1] == 4


def test_shared_common_is_object(braze_lddir, objs):
    d = objs["objc"].parent
    res = {}
    for who, opt in (("bfd", "-fuse-ld=bfd"), ("test", f"-B{braze_lddir}")):
        so = d / f"{who}-c.so"
        p = subprocess.run(["gcc", opt, "-shared", str(objs["objc"]), "-o", str(so)], capture_output=True,
                           text=True, env=tool_env())
        assert p.returncode == 0, p.stderr
        res[who] = (_syms(so), _syms(so, dyn=True))
    assert res["test"] == res["bfd"]
