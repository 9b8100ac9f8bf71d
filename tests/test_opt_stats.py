"""--stats: bfd reports the CPU time of a successful link on stderr (`ld: total time in link:
SECONDS`, six decimals), in final and -r links, and nothing when the link fails.  Compared with
ld.bfd: the lines' shape after the program name, per case."""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import tool_env

GOOD = "int main(void) { return 0; }\n"
BAD = "int missing(void);\nint main(void) { return missing(); }\n"
LINE = re.compile(r"^(?:\S*/)?(?:ld(?:\.bfd)?|braze): total time in link: \d+\.\d{6}$")


def _stats_lines(stderr: str) -> list[str]:
    return ["STATS" if LINE.match(ln) else ln for ln in stderr.splitlines() if "total time" in ln]


@pytest.mark.parametrize("case", ["exe", "relocatable", "failing"])
def test_stats_line_like_bfd(tmp_path, braze_lddir, case):
    (tmp_path / "m.c").write_text(BAD if case == "failing" else GOOD)
    subprocess.run(["gcc", "-c", "m.c"], cwd=tmp_path, check=True, env=tool_env())
    got = {}
    for who, how in (("bfd", ["-fuse-ld=bfd"]), ("braze", [f"-B{braze_lddir}/"])):
        extra = ["-r", "-nostdlib"] if case == "relocatable" else []
        p = subprocess.run(["gcc", *how, *extra, "m.o", "-Wl,--stats", "-o", who], cwd=tmp_path,
                           capture_output=True, text=True, env=tool_env())
        got[who] = (p.returncode == 0, _stats_lines(p.stderr))
    assert got["bfd"] == ((case != "failing"), ["STATS"] if case != "failing" else [])
    assert got["braze"] == got["bfd"]
