"""Every program in programs.CASES, in PIE and non-PIE mode: link with ld.bfd and with the linker
under test (same gcc command apart from the linker selection), run both, and require identical
stdout, stderr and exit status.  bfd's run is the oracle."""
from __future__ import annotations

import difflib
import re

import pytest

from harness import bfd_link, get_case, link_case, run_program
from programs import case_modes


def _diff(label: str, a: bytes, b: bytes) -> str:
    if a == b:
        return ""
    lines = difflib.unified_diff(a.decode("utf-8", "replace").splitlines(),
                                 b.decode("utf-8", "replace").splitlines(),
                                 f"{label} (bfd)", f"{label} (under test)", lineterm="", n=2)
    return "\n".join(list(lines)[:80]) + "\n"


# The program name GNU ld (or braze) puts in front of its messages; gcc's collect2 passes them on.
_LD_PREFIX = re.compile(r"^(?:\S*/)?(?:ld(?:\.bfd)?|braze): ", re.M)


def _link_messages(stderr: str) -> bytes:
    return _LD_PREFIX.sub("LD: ", stderr).encode()


@pytest.mark.parametrize("name,mode", case_modes(), ids=lambda v: v)
def test_program(name, mode, store, braze_lddir, under_test_label, tmp_path):
    case = get_case(name)
    ref = bfd_link(store, case, mode)
    got = link_case(store, case, mode, braze_lddir, under_test_label)
    assert got.ok, "the link with the linker under test failed\n" + got.describe("under test")

    if case.link_stderr:
        # .gnu.warning texts and the like: the same messages, at the same places, as bfd's
        assert "warning:" in ref.stderr, "harness: bfd's link printed no warning\n" + ref.describe("bfd")
        want, have = _link_messages(ref.stderr), _link_messages(got.stderr)
        assert want == have, (f"{name} [{mode}]: link warnings differ from ld.bfd's\n"
                              + _diff("link stderr", want, have))

    r_ref = run_program(ref.exe, case, tmp_path / "run-bfd")
    r_got = run_program(got.exe, case, tmp_path / "run-test")

    # Harness sanity: the oracle run itself must be meaningful.
    assert r_ref.stdout, "harness: bfd-linked program printed nothing\n" + r_ref.describe("bfd")
    if case.signal_exit:
        assert r_ref.returncode < 0, "harness: expected bfd's program to die from a signal\n" + r_ref.describe("bfd")
    else:
        assert r_ref.returncode >= 0, "harness: bfd-linked program crashed\n" + r_ref.describe("bfd")

    if (r_ref.returncode, r_ref.stdout, r_ref.stderr) != (r_got.returncode, r_got.stdout, r_got.stderr):
        pytest.fail(
            f"{name} [{mode}]: behaviour differs from ld.bfd\n"
            + ref.describe("bfd") + got.describe("under test")
            + r_ref.describe("bfd") + r_got.describe("under test")
            + (f"exit status: bfd {r_ref.returncode} vs {r_got.returncode}\n"
               if r_ref.returncode != r_got.returncode else "")
            + _diff("stdout", r_ref.stdout, r_got.stdout) + _diff("stderr", r_ref.stderr, r_got.stderr),
            pytrace=False)
