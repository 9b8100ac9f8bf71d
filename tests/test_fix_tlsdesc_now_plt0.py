"""x86-64 bfd makes PLT0 for TLSDESC only with lazy binding (its trampoline needs it): a library with
-z now whose only PLT user is a gnu2 TLS access has no .plt at all. braze wrote a 16-byte PLT0-only
.plt (and its .eh_frame FDE). aarch64 bfd keeps its PLT0 with -z now (checked as a control).

Compared with ld.bfd: the allocated sections, `readelf --debug-dump=frames`, the dynamic
relocation types and the dynamic tags."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from harness import tool_env

TD = "extern __thread int tv;\nint get(void) { return tv; }\n"
A64 = "aarch64-linux-gnu-"

CASES = {
    "now": ("", ["-fcf-protection=none"], "-z,now"),
    "now-ibt": ("", ["-fcf-protection"], "-z,ibt,-z,now"),
    "now-ibtplt": ("", ["-fcf-protection=none"], "-z,ibtplt,-z,now"),
    "lazy": ("", ["-fcf-protection=none"], "-z,lazy"),
    "a64-now": (A64, [], "-z,now"),
    "a64-lazy": (A64, [], "-z,lazy"),
}


def _view(pre: str, path: Path) -> dict:
    env = tool_env()

    def run(*a):
        return subprocess.run([pre + "readelf", *a, str(path)], capture_output=True, text=True, env=env).stdout
    secs = []
    for ln in run("-SW").splitlines():
        f = ln.replace("[ ", "[").split()
        if f and f[0].startswith("[") and f[0][1:-1].isdigit() and len(f) >= 8 and "A" in f[7]:
            secs.append(tuple(f[1:6]))
    rel = [ln.split()[2] for ln in run("-rW").splitlines() if ln[:1] in "0123456789abcdef" and len(ln.split()) > 2]
    tags = [ln.split()[1] for ln in run("-dW").splitlines() if ln.strip().startswith("0x")]
    return {"sections": secs, "frames": run("--debug-dump=frames").partition(".eh_frame section")[2],
            "relocs": rel, "tags": tags}


@pytest.mark.parametrize("case", sorted(CASES))
def test_tlsdesc_plt0(braze_lddir, tmp_path, case):
    pre, cflags, z = CASES[case]
    if not shutil.which(pre + "gcc"):
        pytest.skip(f"no {pre}gcc")
    (tmp_path / "td.c").write_text(TD)
    dialect = ["-mtls-dialect=gnu2"] if not pre else ["-mtls-dialect=desc"]
    subprocess.run([pre + "gcc", "-O2", "-fPIC", *dialect, *cflags, "-c", "td.c", "-o", "td.o"], cwd=tmp_path,
                   check=True, env=tool_env())
    views = {}
    for name, sel in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        out = tmp_path / f"lib-{name}.so"
        p = subprocess.run([pre + "gcc", *sel, "-shared", "-nostdlib", "td.o", f"-Wl,{z}", "-o", str(out)],
                           cwd=tmp_path, capture_output=True, text=True, env=tool_env())
        assert p.returncode == 0, (name, p.stderr)
        views[name] = _view(pre, out)
    assert "R_X86_64_TLSDESC" in views["bfd"]["relocs"] or "R_AARCH64_TLSDESC" in views["bfd"]["relocs"], views["bfd"]
    for k, v in views["bfd"].items():
        assert views["braze"][k] == v, f"{k} differ\nbfd:  {v}\ntest: {views['braze'][k]}"
