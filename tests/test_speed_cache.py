"""The persistent cache of parsed archive members and shared libraries (src/braze/inputs/cache.py)
never changes an output.

A program is linked against a static archive built at test time (tests/c/speed_lib.c, 8 members),
with ld.bfd and with braze: without the cache (--no-cache), with a cold cache and with a warm one.
Every braze output must be byte-identical to the --no-cache one, and the programs must behave as
bfd's (stdout, exit status).  Then the cache is put in the way of a wrong answer: the archive is
rebuilt under the same path with different code, the cache file is corrupted, and its records are
swapped between members (the archive-level key still matching, so only the per-member check stands
between the cache and a wrong link); each time the link must match a fresh --no-cache link and bfd.
A shared library built from the same source is cached too: rebuilt under the same path with one
more exported function, a program needing that function must link (a stale record would say it is
undefined) and behave as bfd's.
"""
from __future__ import annotations

import marshal
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness import RUN_TIMEOUT, BuildDir, _no_core, run_env, tool_env

SRC = Path(__file__).resolve().parent / "c"


class Build(BuildDir):
    def run(self, cmd, cwd=None, env=None):
        return super().run(cmd, cwd=cwd, env=tool_env(env)).stdout

    def archive(self, name: str, value: int) -> Path:
        """libNAME.a of the 8 parts of speed_lib.c, compiled with -DVALUE=value."""
        d = self.root / f"{name}-{value}"
        d.mkdir(exist_ok=True)
        objs = []
        for part in range(8):
            o = d / f"part{part}.o"
            self.run(["gcc", "-c", "-O1", "-g", f"-DPART={part}", f"-DVALUE={value}", SRC / "speed_lib.c",
                      "-o", o])
            objs.append(o)
        a = self.root / f"lib{name}.a"
        if a.exists():
            a.unlink()
        self.run(["ar", "rcs", a, *objs])
        return a

    def shared(self, name: str, *defs: str) -> Path:
        """libNAME.so of the 8 parts of speed_lib.c (-fPIC -g), with extra -D flags."""
        so = self.root / f"lib{name}.so"
        srcs = []
        for part in range(8):
            o = self.root / f"{name}-pic{part}.o"
            self.run(["gcc", "-c", "-O1", "-g", "-fPIC", f"-DPART={part}", *defs, SRC / "speed_lib.c",
                      "-o", o])
            srcs.append(o)
        self.run(["gcc", "-shared", *srcs, "-o", so])
        return so

    def main_obj(self, src: str = "speed_main.c") -> Path:
        o = self.root / (src[:-2] + ".o")
        if not o.exists():
            self.run(["gcc", "-c", "-O2", SRC / src, "-o", o])
        return o

    def link(self, linker: str, out: str, archive: Path, *flags: str, cache: Path | None = None,
             main: str = "speed_main.c") -> Path:
        d = self.root / linker
        d.mkdir(exist_ok=True)
        ld = self.ld(linker)
        env = {"BRAZE_CACHE_DIR": str(cache)} if cache is not None else None
        self.run(["gcc", *ld, self.main_obj(main), archive, *flags, "-o", d / out], cwd=d, env=env)
        return d / out


@pytest.fixture
def build(tmp_path, braze_lddir) -> Build:
    return Build(tmp_path, braze_lddir)


def run(exe: Path, libdir: Path | None = None):
    extra = {"LD_LIBRARY_PATH": str(libdir)} if libdir is not None else {}
    p = subprocess.run([str(exe)], cwd=exe.parent, env=run_env(exe.parent, extra), capture_output=True,
                       text=True, errors="replace", timeout=RUN_TIMEOUT, preexec_fn=_no_core)
    return p.returncode, p.stdout


def check_against(build: Build, archive: Path, cache: Path, tag: str, main: str = "speed_main.c") -> bytes:
    """Link with the cache and without it, and with bfd: identical bytes, bfd's behaviour."""
    ref = build.link("braze", f"nocache-{tag}", archive, "-Wl,--no-cache", cache=cache, main=main)
    got = build.link("braze", f"cache-{tag}", archive, cache=cache, main=main)
    bfd = build.link("bfd", f"bfd-{tag}", archive, main=main)
    assert got.read_bytes() == ref.read_bytes(), f"{tag}: the cached link differs from --no-cache"
    libdir = archive.parent if archive.suffix == ".so" else None
    got_run = run(got, libdir)
    assert got_run[0] == 0, got_run
    assert got_run == run(bfd, libdir), f"{tag}: braze's program behaves unlike bfd's"
    return got.read_bytes()


def cache_files(cache: Path) -> list[Path]:
    """The archives' cache files (the shared libraries the link also reads have theirs: so-*)."""
    return sorted(cache.glob("ar-*")) if cache.exists() else []


def test_no_cache_writes_nothing(build, tmp_path):
    cache = tmp_path / "cache"
    a = build.archive("sp", 1)
    build.link("braze", "prog", a, "-Wl,--no-cache", cache=cache)
    assert cache_files(cache) == []
    build.link("braze", "prog2", a, cache=cache)
    assert [p.name.split("-")[1] for p in cache_files(cache)] == ["libsp.a"]


def test_cold_and_warm_cache_identical(build, tmp_path):
    cache = tmp_path / "cache"
    a = build.archive("sp", 1)
    cold = check_against(build, a, cache, "cold")
    (f,) = cache_files(cache)
    before = f.read_bytes()
    warm = check_against(build, a, cache, "warm")
    assert cold == warm
    assert f.read_bytes() == before, "a warm link rewrote the cache though it parsed nothing new"


def test_rewritten_archive_is_not_served_from_cache(build, tmp_path):
    cache = tmp_path / "cache"
    a = build.archive("sp", 1)
    first = check_against(build, a, cache, "v1")
    st = a.stat()
    a = build.archive("sp", 2)                   # same path, other code (-DVALUE=2)
    os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns))   # even with the old mtime
    second = check_against(build, a, cache, "v2")
    assert first != second


def test_corrupt_cache_file_is_ignored(build, tmp_path):
    cache = tmp_path / "cache"
    a = build.archive("sp", 1)
    good = check_against(build, a, cache, "fill")
    (f,) = cache_files(cache)
    data = bytearray(f.read_bytes())
    for cut in (len(data) // 2, 7):
        f.write_bytes(bytes(data[:cut]) + b"\xff" * 13)
        assert check_against(build, a, cache, f"cut{cut}") == good


def test_member_records_are_checked(build, tmp_path):
    """The archive-level key still matches, but each member's record is filed under another member:
    the per-member check (size, CRC-32 of headers and symbol tables) must refuse every one."""
    cache = tmp_path / "cache"
    a = build.archive("sp", 1)
    good = check_against(build, a, cache, "fill")
    (f,) = cache_files(cache)
    version, key, records = marshal.loads(f.read_bytes())
    offs = sorted(records)
    assert len(offs) >= 4, "the link should have cached the members it loaded"
    swapped = {o: records[offs[(i + 1) % len(offs)]] for i, o in enumerate(offs)}
    f.write_bytes(marshal.dumps((version, key, swapped)))
    assert check_against(build, a, cache, "swapped") == good


def test_malformed_records_fall_back_to_parsing(build, tmp_path):
    """Records that pass the member check but are not what ObjectFile.to_record writes (another
    braze's layout, a damaged writer): the member is parsed instead, the output is unchanged."""
    cache = tmp_path / "cache"
    a = build.archive("sp", 1)
    good = check_against(build, a, cache, "fill")
    (f,) = cache_files(cache)
    version, key, records = marshal.loads(f.read_bytes())
    bad = {}
    for n, (o, blob) in enumerate(sorted(records.items())):
        size, check, _rec = marshal.loads(blob)
        bad[o] = marshal.dumps((size, check, (1, 2, 3) if n % 2 else ("x",) * 13))
    f.write_bytes(marshal.dumps((version, key, bad)))
    assert check_against(build, a, cache, "malformed") == good


def test_shared_library_cache(build, tmp_path):
    cache = tmp_path / "cache"
    so = build.shared("spso")
    assert so.stat().st_size >= 64 << 10, "too small to be cached"
    cold = check_against(build, so, cache, "so-cold")
    assert any(p.name.startswith("so-libspso.so-") for p in cache.glob("so-*"))
    assert check_against(build, so, cache, "so-warm") == cold
    so = build.shared("spso", "-DEXTRA=3")       # same path, one more export
    check_against(build, so, cache, "so-extra", main="speed_main_extra.c")


def test_cache_directory_is_bounded(build, tmp_path):
    """Every input path gets a cache file of its own, so a link that writes one prunes the directory
    to its size bound, least recently used first, and removes a crashed link's stale *.tmp file."""
    from braze.inputs import cache as C
    d = tmp_path / "cache"
    d.mkdir()
    now = time.time()

    def put(name: str, size: int, age: float) -> Path:
        p = d / name       # (d: the directory at the time of the call)
        with open(p, "wb") as f:
            f.truncate(size)            # sparse: st_size is what the bound counts
        os.utime(p, (now - age, now - age))
        return p
    stale = put("ar-libold.a-00000000.v2", C.MAX_BYTES, 30 * 86400)
    recent = put("ar-librecent.a-00000000.v2", 4096, 3600)
    crashed = put("ar-libsp.a-00000000.v2.999.tmp", 100, 2 * 3600)
    writing = put("ar-libsp.a-00000000.v2.998.tmp", 100, 1)
    # BRAZE_CACHE_DIR may be a directory other programs use: their files are never braze's to delete
    foreign = [put(n, C.MAX_BYTES, 60 * 86400) for n in ("notes.txt", "ar-notes", "so-x.v2", "old.tmp")]
    a = build.archive("sp", 1)
    check_against(build, a, d, "bounded")
    assert list(d.glob(f"ar-libsp.a-*.v{C.VERSION}")), "the link cached nothing"
    assert not stale.exists(), "the least recently used file was not pruned"
    assert recent.exists() and writing.exists()
    assert not crashed.exists()
    assert all(p.exists() for p in foreign), "a file that is not braze's was deleted"
    assert sum(p.stat().st_size for p in d.iterdir() if p not in foreign) <= C.MAX_BYTES
    # the order: by the later of access and modification time; the file just written is always kept
    d = tmp_path / "lru"
    d.mkdir()
    files = [put(f"so-lib{n}.so-00000000.v2", 1000, age) for n, age in enumerate((50, 40, 30, 20, 10))]
    os.utime(files[0], (now, now - 50))          # read a moment ago: recently used
    C.prune(str(d), max_bytes=2500, keep=[str(files[1])])
    assert [p.exists() for p in files] == [True, True, False, False, False]


# ---- the bench's big jobs: the cache changes no byte, and the new jobs behave as with ld.bfd ----

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import jobs  # noqa: E402


@pytest.mark.parametrize("job", ["python", "synth-1x", "cpp-static-libstdcxx"])
def test_bench_job_cached_identical(job, braze_lddir, tmp_path, tmp_path_factory, monkeypatch):
    work = str(tmp_path_factory.getbasetemp().parent / "bench-work")
    monkeypatch.setenv("BRAZE_CACHE_DIR", str(tmp_path / "cache"))
    outs = []
    for n, extra in enumerate(([], [], ["-Wl,--no-cache"])):      # cold, warm, without
        out = tmp_path / f"out{n}"
        jobs.link(job, braze_lddir, str(out), work, extra_flags=extra)
        outs.append(jobs.output_digests(str(out)))
    assert outs[0] == outs[1] == outs[2]
    assert any((tmp_path / "cache").glob("*-*.v*")), "nothing of the job was cached"
    r = jobs.check(job, jobs.exe_path(job, str(tmp_path / "out1")), work)
    assert r.ok, r.message


# every fact parse() derives must survive the cache's record: a new attribute that to_record() forgets
# would make a warm link differ from a cold one only for the inputs that exercise it
ROUND_TRIP_CXX = r"""
#include <vector>
#include <stdexcept>
template <class T> __attribute__((noinline)) T twice(T v) { return v + v; }
thread_local int tl = 3;
static int ready = [] { return 1; }();
__attribute__((used, section(".gnu.warning.rt_warned"))) static const char warn_msg[] = "rt_warned is old";
extern "C" int rt_warned(void) { return 1; }
int use(int n) {
    std::vector<int> v(n, 1);
    if (n < 0) throw std::runtime_error("negative");
    return twice(v.size()) + twice(1.5) + tl + ready;
}
"""


def _facts(obj, skip):
    def norm(v):
        if isinstance(v, memoryview):
            return "view"
        if type(v).__name__ == "InputSection":   # its fields, not its identity (a native class when
            # compiled: no __slots__ or __dict__ to list them, so every public and private attribute)
            return {k: norm(getattr(v, k, None)) for k in dir(v)
                    if not k.startswith("__") and k not in ("file", "addr") and not callable(getattr(v, k, None))}
        if isinstance(v, (list, tuple)):
            return [norm(x) for x in v]
        return v
    # what the object has: its own attributes and the plain-value defaults its class keeps for it
    cls = type(obj)
    names = set(vars(obj)) | {k for k, v in vars(cls).items() if not k.startswith("__") and not callable(v)
                              and not isinstance(v, property)}
    return {k: norm(getattr(obj, k)) for k in sorted(names) if k not in skip}


@pytest.mark.parametrize("flags", [["-O2", "-g", "-ffunction-sections", "-fcf-protection"], ["-O0", "-fPIC"]],
                         ids=["o2-g-sections-cet", "o0-pic"])
def test_record_round_trip_keeps_every_parsed_fact(tmp_path, flags):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from braze.inputs.object import ObjectFile
    from braze.inputs.shared import SharedFile
    src = tmp_path / "rt.cc"
    src.write_text(ROUND_TRIP_CXX)
    o, so = tmp_path / "rt.o", tmp_path / "librt.so"
    subprocess.run(["g++", "-c", *flags, "-fPIC", str(src), "-o", str(o)], check=True, env=tool_env())
    subprocess.run(["g++", "-shared", "-Wl,--version-script=/dev/stdin", str(o), "-o", str(so)], check=True,
                   env=tool_env(), input="V1 { global: *; };", text=True)
    view = memoryview(o.read_bytes())
    parsed = ObjectFile("rt.o", view)
    assert parsed.cacheable and parsed.comdat_groups and parsed.warnings, "the input exercises too little"
    cached = ObjectFile("rt.o", view, record=marshal.loads(marshal.dumps(parsed.to_record())))
    assert _facts(cached, {"cacheable"}) == _facts(parsed, {"cacheable"})
    sview = memoryview(so.read_bytes())
    lib = SharedFile(str(so), sview, False)
    assert lib.versions, "the library has no versions: the test exercises too little"
    clib = SharedFile(str(so), sview, False, record=marshal.loads(marshal.dumps(lib.to_record())))
    assert _facts(clib, set()) == _facts(lib, set())
