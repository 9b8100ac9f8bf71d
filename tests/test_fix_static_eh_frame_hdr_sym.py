"""A static (non-PIE) link given --eh-frame-hdr (rustc passes it to every link, -C
target-feature=+crt-static ones too): bfd's _bfd_elf_maybe_strip_eh_frame_hdr defines the local
__GNU_EH_FRAME_HDR for the .eh_frame_hdr it keeps; braze defined it in dynamic links only.
Compared with ld.bfd: the symbol's row (value, binding, section) and the program's output."""
from __future__ import annotations

import pytest

from harness import BuildDir

SRC = '#include <stdio.h>\n__thread int t;\nint main(void) { t++; printf("%d\\n", t); return 0; }\n'
MODES = {"static-hdr": ["-static", "-Wl,--eh-frame-hdr"], "static": ["-static"],
         "static-pie-hdr": ["-static-pie", "-Wl,--eh-frame-hdr"], "pie": []}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_eh_frame_hdr_symbol_like_bfd(tmp_path, braze_lddir, mode):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "t.c").write_text(SRC)
    got = {}
    for linker in ("bfd", "test"):
        exe = tmp_path / f"t-{linker}"
        b.run(["gcc", *b.ld(linker), *MODES[mode], "t.c", "-o", exe])
        rows = [line.split()[1:] for line in b.run(["readelf", "-sW", exe]).stdout.splitlines()
                if line.endswith(" __GNU_EH_FRAME_HDR")]
        got[linker] = (b.run([exe]).stdout, rows)
    assert got["test"] == got["bfd"]
