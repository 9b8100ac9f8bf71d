"""A non-PIC relocation against a local section symbol in a -shared link (a -fno-pic object's
`.rodata`, rustc -C relocation-model=static's `.rodata..Lanon.*` in a cdylib): bfd's error names the
section (relocation R_X86_64_32 against `.rodata' can not be used ...); braze wrote
"against symbol `'" (the section symbol's empty name). Compared with ld.bfd's wording."""
from __future__ import annotations

import re

from harness import BuildDir

SRC = 'static const char s[] = "hello";\nconst char *f(void) { return s; }\n'


def test_pic_error_names_the_section_like_bfd(tmp_path, braze_lddir):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "n.c").write_text(SRC)
    b.run(["gcc", "-O1", "-fno-pic", "-c", "n.c"])
    msgs = {}
    for linker in ("bfd", "test"):
        r = b.run(["gcc", *b.ld(linker), "-shared", "n.o", "-o", tmp_path / f"n-{linker}.so"], check=False)
        assert r.returncode != 0
        m = re.search(r"relocation (R_X86_64_\w+) against (.*?) can not be used when making a shared object",
                      r.stderr)
        assert m, r.stderr
        msgs[linker] = m.groups()
    assert msgs["bfd"] == ("R_X86_64_32", "`.rodata'")
    assert msgs["test"] == msgs["bfd"]
    assert "Traceback" not in r.stderr
