"""x86-64 IBT PLT (-z ibt / -z ibtplt) in a library whose .plt holds only PLT0 and the lazy TLSDESC
trampoline (a -mtls-dialect=gnu2 access, no PLT call): .plt.sec is empty and bfd writes no FDE for
it; braze wrote one (pc range 0..0) into .eh_frame, and .eh_frame_hdr's table had an entry for it.

Compared with ld.bfd: `readelf --debug-dump=frames` and the allocated sections (name, address,
offset, size); the controls with a PLT call (a non-empty .plt.sec) must keep matching."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness import tool_env

TD = "extern __thread int tv;\nint get(void) { return tv; }\n"
TC = "extern int ext(int);\nint call(int a) { return ext(a) + 1; }\n"

CASES = {
    "ibt": (["td.o"], "-z,ibt"),
    "ibtplt": (["td.o"], "-z,ibtplt"),
    "ibt-ibtplt": (["td.o"], "-z,ibt,-z,ibtplt"),
    "ibtplt-nocet": (["tdn.o"], "-z,ibtplt"),
    "ibt-nocet": (["tdn.o"], "-z,ibt"),
    "control-call": (["td.o", "tc.o"], "-z,ibt"),
    "control-call-now": (["td.o", "tc.o"], "-z,ibt,-z,now"),
}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("ibtpltsec")
    (d / "td.c").write_text(TD)
    (d / "tc.c").write_text(TC)
    for src, out, extra in (("td.c", "td.o", ["-fcf-protection"]), ("td.c", "tdn.o", ["-fcf-protection=none"]),
                            ("tc.c", "tc.o", ["-fcf-protection"])):
        subprocess.run(["gcc", "-O2", "-fPIC", "-mtls-dialect=gnu2", *extra, "-c", src, "-o", out], cwd=d,
                       check=True, env=tool_env())
    return d


def _view(path: Path) -> tuple[str, list]:
    env = tool_env()
    frames = subprocess.run(["readelf", "--debug-dump=frames", str(path)], capture_output=True, text=True,
                            env=env).stdout
    secs = []
    for ln in subprocess.run(["readelf", "-SW", str(path)], capture_output=True, text=True, env=env).stdout.splitlines():
        f = ln.replace("[ ", "[").split()
        if f and f[0].startswith("[") and f[0][1:-1].isdigit() and len(f) >= 8 and "A" in f[7]:
            secs.append(tuple(f[1:6]))
    return frames.partition("Contents of the .eh_frame section")[2], secs


@pytest.mark.parametrize("case", sorted(CASES))
def test_empty_pltsec_fde(root, braze_lddir, tmp_path, case):
    objs, z = CASES[case]
    views = {}
    for name, sel in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        out = tmp_path / f"lib-{name}.so"
        p = subprocess.run(["gcc", *sel, "-shared", "-nostdlib", *objs, f"-Wl,{z}", "-o", str(out)], cwd=root,
                           capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, (name, p.stderr)
        views[name] = _view(out)
    fb, sb = views["bfd"]
    ft, st = views["braze"]
    assert fb.count("FDE") >= 2, fb          # the function's and the PLT's at least
    assert st == sb, f"sections differ\nbfd:  {sb}\ntest: {st}"
    assert ft == fb, f"frames differ\nbfd:\n{fb}\ntest:\n{ft}"
