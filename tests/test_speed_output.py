"""The build-id's digest below 1 MiB of output (CPython's builtin _sha1/_md5) and above it (OpenSSL's,
now taken from _hashlib directly, without hashlib.py's import; synthetic/notes.py _hasher). Each case
links the same program with ld.bfd and with braze; both programs must behave alike with notes of the
same size, and braze's digest must be the sha1/md5 of its whole file with the digest's own bytes zeroed
(braze's rule since the build-id was added; bfd hashes its headers and sections piecewise, so its digest
is not that of its file), through a regular file, /dev/null, and a failing link.  A bare --build-id
(what gcc passes) is 160 bits, as bfd's, hashed with BLAKE2b-160 below 1 MiB of output; from there on the
two halves of the file are hashed in parallel, as leaves of BLAKE2b's tree mode below 3 MiB and with SHA-1
above."""
from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, run_env, tool_env

PROG_C = r"""
#include <stdio.h>
int big_table[NWORDS] = {7, 1, 2};
int main(void) { printf("%d %d\n", big_table[0] + big_table[1], (int)(sizeof big_table / 4)); return 0; }
"""


def _note(exe: Path) -> tuple[int, int, str]:
    """(file offset of the digest, its size, its hex) from readelf's view of .note.gnu.build-id."""
    out = subprocess.run(["readelf", "-W", "-S", str(exe)], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if ".note.gnu.build-id" in x)
    f = line.split("]", 1)[1].split()
    off, size = int(f[3], 16), int(f[4], 16)
    notes = subprocess.run(["readelf", "-W", "-n", str(exe)], capture_output=True, text=True, check=True).stdout
    hexid = next(x for x in notes.splitlines() if "Build ID:" in x).split("Build ID:")[1].strip()
    return off + 16, size - 16, hexid


def _link(d: Path, lddir: str, tag: str, nwords: int, flags: list[str], out: Path | None = None):
    src = d / "prog.c"
    if not src.exists():
        src.write_text(PROG_C)
    ld = "-fuse-ld=bfd" if tag == "bfd" else f"-B{lddir}/"
    exe = out or d / f"prog-{tag}"
    return exe, subprocess.run(["gcc", ld, f"-DNWORDS={nwords}", str(src), *flags, "-o", str(exe)], cwd=d,
                               env=tool_env(), capture_output=True, text=True, timeout=600)


def _digest(style: str, data: bytes) -> str:
    if style == "":
        if len(data) < 1 << 20:
            return hashlib.blake2b(data, digest_size=20).hexdigest()
        # from 1 MiB on, a two-leaf tree over the file's halves (hashed in parallel): BLAKE2b's tree
        # mode below 3 MiB, the SHA-1 of the halves' SHA-1 digests above
        half = (len(data) + 1) // 2
        parts = data[:half], data[half:]
        if len(data) < 3 << 20:
            tree = dict(fanout=2, depth=2, leaf_size=half, inner_size=32)
            leaves = [hashlib.blake2b(p, digest_size=32, node_offset=i, node_depth=0, last_node=i == 1, **tree)
                      .digest() for i, p in enumerate(parts)]
            return hashlib.blake2b(b"".join(leaves), digest_size=20, node_offset=0, node_depth=1,
                                   last_node=True, **tree).hexdigest()
        return hashlib.sha1(b"".join(hashlib.sha1(p).digest() for p in parts)).hexdigest()
    return hashlib.new(style, data).hexdigest()


@pytest.mark.parametrize("style,nwords", [
    (style, n) for style in ("sha1", "md5", "") for n in (1000, 600000)        # 4 KB / 2.4 MB of .data
] + [("", 1000000)])                                                          # 4 MB: bare --build-id's SHA-1
def test_build_id_digest_of_file(tmp_path, braze_lddir, style, nwords):
    res = {}
    flag = f"-Wl,--build-id={style}" if style else "-Wl,--build-id"
    for tag in ("bfd", "braze"):
        exe, p = _link(tmp_path, braze_lddir, tag, nwords, [flag])
        assert p.returncode == 0, f"{tag}: {p.stderr}"
        r = subprocess.run([exe], env=run_env(tmp_path, {}), capture_output=True, text=True, timeout=RUN_TIMEOUT)
        data = bytearray(exe.read_bytes())
        off, size, hexid = _note(exe)
        data[off:off + size] = bytes(size)
        res[tag] = (r.returncode, r.stdout, size, hexid, _digest(style, bytes(data)), len(data))
    b, z = res["bfd"], res["braze"]
    assert b[0] == 0 and b[1] == f"8 {nwords}\n", b
    assert z[:3] == b[:3]
    assert len(b[3]) == len(z[3]) == 2 * b[2]
    assert z[3] == z[4], "braze: build-id is not the digest of the file with the note zeroed"
    assert b[2] == (16 if style == "md5" else 20)
    assert (z[5] >= 1 << 20) == (nwords > 1000)


def test_build_id_big_to_dev_null(tmp_path, braze_lddir):
    for tag in ("bfd", "braze"):
        _exe, p = _link(tmp_path, braze_lddir, tag, 600000, ["-Wl,--build-id"], out=Path("/dev/null"))
        assert p.returncode == 0, f"{tag}: {p.stderr}"


def test_build_id_big_failed_link_leaves_nothing(tmp_path, braze_lddir):
    """--fatal-warnings with a warning on a big output: the link fails after the build-id, no output is left."""
    warn = ["-Wl,--build-id", "-Wl,--fatal-warnings", "-Wl,-z,execstack", "-Wl,--warn-execstack"]
    res = {}
    for tag in ("bfd", "braze"):
        exe, p = _link(tmp_path, braze_lddir, tag, 600000, warn)
        res[tag] = (p.returncode != 0, exe.exists())
        if tag == "braze":
            assert "Traceback" not in p.stderr, p.stderr
    assert res["bfd"] == (True, False), "harness: bfd did not fail"
    assert res["braze"] == res["bfd"]
    assert not list(tmp_path.glob(".braze-*"))
