"""aarch64 variants of the harness helpers: the program cases of programs.py compiled with the
cross compiler (aarch64-linux-gnu-gcc/g++), linked by aarch64 ld.bfd and by the linker under test
(through the same driver, `-B<dir>/`), and run under qemu-aarch64 with the cross sysroot."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from harness import (Store, BASE_CFLAGS, MODE_CFLAGS, MODE_LDFLAGS, RunResult, LinkResult, _check_call,
                     do_link, link_inputs, run_env, tool_env, _no_core, RUN_TIMEOUT)
from programs import Case, object_mode

PREFIX = "aarch64-linux-gnu-"
SYSROOT = "/usr/aarch64-linux-gnu"
QEMU = "qemu-aarch64"
# gcc passes --fix-cortex-a53-843419 by default, and braze writes bfd's ADR form and erratum veneers:
# the glibc-static modes link libc.a as users do, with no extra flags.
STATIC_FLAGS: list[str] = []


def have_toolchain() -> bool:
    return all(shutil.which(t) for t in (PREFIX + "gcc", PREFIX + "g++", PREFIX + "ld.bfd", QEMU))


def cc_for(case: Case, src: Path | None = None) -> str:
    if (src is not None and src.suffix == ".cc") or (src is None and case.lang == "c++"):
        return PREFIX + "g++"
    return PREFIX + "gcc"


def compile_case(store: Store, case: Case, mode: str) -> Path:
    mode = object_mode(mode)
    key = f"a64-obj-{case.name}-{mode}"
    d = store.dir(key)
    with store.locked(key):
        if (d / ".ok").exists():
            return d
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        for src in case.sources:
            cmd = [cc_for(case, src), "-c", *MODE_CFLAGS[mode], *BASE_CFLAGS, *case.cflags,
                   *(["-pthread"] if case.threads else []),
                   *case.src_cflags.get(src.stem, ()), f"-I{case.include_dir}",
                   str(src), "-o", f"{src.stem}.o"]
            _check_call(cmd, d, f"compiling {src.name} for case {case.name} (aarch64)")
        for ar in case.archives:
            _check_call([PREFIX + "ar", "rcsT" if ar.thin else "rcs", ar.name, *[f"{m}.o" for m in ar.members]],
                        d, f"building {ar.name} for case {case.name}")
        for lib in case.shlibs:
            _check_call([cc_for(case), "-fuse-ld=bfd", "-shared", *(["-pthread"] if case.threads else []),
                         *([f"-Wl,-soname,{lib.name}"] if lib.soname else []),
                         "-o", lib.name, *[f"{m}.o" for m in lib.members],
                         *([*lib.needs, "-Wl,-rpath,$ORIGIN"] if lib.needs else [])], d,
                        f"building {lib.name} (with aarch64 ld.bfd) for case {case.name}")
        (d / ".ok").write_text("")
    return d


def link_case(store: Store, case: Case, mode: str, linker: str, label: str) -> LinkResult:
    """linker: "bfd" or the directory holding the `ld` under test."""
    import json
    objdir = compile_case(store, case, mode)
    key = f"a64-link-{case.name}-{mode}-{label}"
    d = store.dir(key)
    with store.locked(key):
        meta = d / "link.json"
        if meta.exists():
            return LinkResult(**json.loads(meta.read_text()))
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        out = d / "prog"
        how = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{linker.rstrip('/')}/"]
        cmd = [cc_for(case), *how, *MODE_LDFLAGS[mode],
               *(STATIC_FLAGS if mode in ("static", "static-pie") else []),
               *(["-pthread"] if case.threads else []), *link_inputs(case, objdir), *case.ldflags,
               *([f"-Wl,-rpath,{objdir}"] if case.shlibs else []), "-o", str(out)]
        res = do_link(cmd, d, out)
        meta.write_text(json.dumps(res.__dict__))
        return res


def run_program(exe: str, case: Case, rundir: Path, env: dict | None = None) -> RunResult:
    rundir.mkdir(parents=True, exist_ok=True)
    e = run_env(rundir, {**case.env, **(env or {})})
    e["QEMU_LD_PREFIX"] = SYSROOT
    try:
        p = subprocess.run([QEMU, "-L", SYSROOT, "-0", "prog", exe, *case.args], cwd=rundir, env=e,
                           input=case.stdin, capture_output=True, timeout=RUN_TIMEOUT * 3,
                           preexec_fn=_no_core)
        return RunResult(p.returncode, p.stdout, p.stderr)
    except subprocess.TimeoutExpired as ex:
        return RunResult(-999, ex.stdout or b"", (ex.stderr or b"") + b"\n[timed out]")


def readelf(args: list[str], path: str) -> str:
    return subprocess.run(["readelf", "-W", *args, path], capture_output=True, text=True,
                          env=tool_env()).stdout
