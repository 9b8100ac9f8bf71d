"""PT_GNU_STACK and the executable-stack warnings against ld.bfd, for each target.

An input without `.note.GNU-stack` (the others having one) makes x86-64 bfd's stack executable with a
deprecation warning; aarch64 bfd keeps it non-executable and says nothing.  An executable note, and
-z execstack / noexecstack, act alike on both.  Compared per link: the GNU_STACK flags (or its
absence) and the warnings, with the linker's name taken off."""
from __future__ import annotations

import re
import shutil

import pytest

from harness import run_cmd

TARGETS = {"x86_64": "", "aarch64": "aarch64-linux-gnu-"}
VARIANTS = {
    "all-notes": ([], []),
    "one-missing": (["nonote"], []),
    "exec-note": (["execnote"], []),
    "z-execstack": ([], ["-Wl,-z,execstack"]),
    "z-noexecstack-missing": (["nonote"], ["-Wl,-z,noexecstack"]),
    "warn-missing": (["nonote"], ["-Wl,--warn-execstack"]),
    "no-warn-exec": (["execnote"], ["-Wl,--no-warn-execstack"]),
    "shared-missing": (["nonote", "-shared"], []),
}


@pytest.fixture(scope="module")
def objs(tmp_path_factory):
    d = tmp_path_factory.mktemp("execstack")
    (d / "m.c").write_text("int f(void);\nint main(void) { return f(); }\n")
    (d / "f.c").write_text("int f(void) { return 0; }\n")
    (d / "x.s").write_text('.section .note.GNU-stack,"x",@progbits\n')
    built = {}
    for arch, prefix in TARGETS.items():
        if not shutil.which(prefix + "gcc"):
            continue
        for n in ("m", "f"):
            run_cmd([prefix + "gcc", "-c", "-fPIC", f"{n}.c", "-o", f"{arch}-{n}.o"], d)
        run_cmd([prefix + "objcopy", "--remove-section", ".note.GNU-stack", f"{arch}-f.o", f"{arch}-f-nonote.o"], d)
        run_cmd([prefix + "gcc", "-c", "x.s", "-o", f"{arch}-x.o"], d)
        built[arch] = prefix
    return d, built


def _stack(path, d) -> str:
    rows = [ln.split() for ln in run_cmd(["readelf", "-lW", path], d).stdout.splitlines() if "GNU_STACK" in ln]
    return " ".join(r[-2] for r in rows) or "absent"


def _warnings(stderr: str) -> list[str]:
    return [re.sub(r"^\S*(ld(\.bfd)?|braze): ", "", ln) for ln in stderr.splitlines() if ln.strip()]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("arch", sorted(TARGETS))
def test_gnu_stack_as_bfd(objs, braze_lddir, arch, variant):
    d, built = objs
    if arch not in built:
        pytest.fail(f"{TARGETS[arch]}gcc is missing (make deps installs it)")
    prefix = built[arch]
    which, flags = VARIANTS[variant]
    inputs = [f"{arch}-m.o", f"{arch}-f-nonote.o" if "nonote" in which else f"{arch}-f.o"]
    if "execnote" in which:
        inputs.append(f"{arch}-x.o")
    shared = ["-shared"] if "-shared" in which else []
    if shared:
        inputs = inputs[1:]
    got = {}
    for label, sel in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        out = d / f"{arch}-{variant}-{label}.out"
        p = run_cmd([prefix + "gcc", *sel, *shared, *flags, *inputs, "-o", out], d, check=False)
        assert p.returncode == 0, f"{label}: {p.stderr}"
        got[label] = (_stack(out, d), _warnings(p.stderr))
    assert got["braze"] == got["bfd"]
