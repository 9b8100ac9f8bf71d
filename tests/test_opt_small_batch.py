"""GNU ld 2.40 options compared with ld.bfd on the same inputs:
- x86-64 `-z lam-u48`, `-z lam-u57` (GNU_PROPERTY_X86_FEATURE_1_LAM_U48/U57 in .note.gnu.property; bfd
  2.40's -z lam-u48 sets LAM_U57 too) and `-z lam-u48-report=`, `-z lam-u57-report=`, `-z lam-report=`
  (a line per object and missing property), with inputs that carry the LAM bits; on aarch64 these
  keywords are only warned about, as aarch64 bfd does;
- `--force-exe-suffix` (a copy of the output in NAME.exe): the files left on disk, their modes and bytes;
- `--spare-dynamic-tags=N`: the DT_NULL entries ending .dynamic for each kind of output;
- `--target-help`: bfd's emulation blocks, less what braze refuses; it prints and stops."""
from __future__ import annotations

import re
import stat
import struct
import subprocess

import pytest

from harness import run_cmd, tool_env

FEATURE_NOTE = """\
\t.section .note.gnu.property,"a"
\t.p2align 3
\t.long 4
\t.long 16
\t.long 5
\t.string "GNU"
\t.long 0xc0000002
\t.long 4
\t.long {bits}
\t.p2align 3
"""
# object name -> GNU_PROPERTY_X86_FEATURE_1_AND bits (None: no property note)
PROP_OBJS = {"m": None, "p0": 0, "ibt": 1, "u48": 4, "u57": 8, "lam": 12, "all": 15}


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("smallopts")
    for name, bits in PROP_OBJS.items():
        sym = "_start" if name == "m" else f"f_{name}"
        text = f"\t.globl {sym}\n\t.text\n{sym}:\n\tret\n"
        if bits is not None:
            text += FEATURE_NOTE.format(bits=bits)
        (d / f"{name}.s").write_text(text)
        run_cmd(["as", f"{name}.s", "-o", f"{name}.o"], d)
    (d / "lib.c").write_text("int libf(void) { return 1; }\n")
    run_cmd(["gcc", "-shared", "-fPIC", "lib.c", "-o", "libx.so"], d)
    (d / "hello.c").write_text('#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n')
    run_cmd(["gcc", "-c", "-fPIE", "hello.c", "-o", "hello.o"], d)
    run_cmd(["gcc", "-c", "-fPIC", "hello.c", "-o", "hello-pic.o"], d)
    run_cmd(["aarch64-linux-gnu-gcc", "-c", "-fPIC", "hello.c", "-o", "a64-hello.o"], d)
    (d / "a64.s").write_text("\t.globl _start\n\t.text\n_start:\n\tret\n")
    run_cmd(["aarch64-linux-gnu-as", "a64.s", "-o", "a64.o"], d)
    return d


def _linker(direct_ld, linker):
    return ["ld.bfd"] if linker == "bfd" else list(direct_ld)


def _messages(stderr: str) -> list[str]:
    """The linker's lines, program prefix and bfd's/braze's `error:` placement normalised."""
    return [re.sub(r"^\S*(ld\.bfd|ld|braze): ", "", ln).replace("error: ", "")
            for ln in stderr.splitlines()]


def _notes(path) -> list[str]:
    p = run_cmd(["readelf", "-nW", path], path.parent)
    return [ln.strip() for ln in p.stdout.splitlines() if "Properties:" in ln]


# ------------------------------------------------------------------ -z lam-*

LAM_CASES = {
    # bfd 2.40: -z lam-u48 alone marks LAM_U48 *and* LAM_U57
    "u48": (["m"], ["-z", "lam-u48"]),
    "u57": (["m"], ["-z", "lam-u57"]),
    "u48-u57": (["m"], ["-z", "lam-u57", "-z", "lam-u48"]),
    "inputs-and": (["u48", "lam"], ["-z", "lam-u57-report=warning"]),
    "inputs-and-u57": (["u57", "lam", "all"], ["-z", "lam-u48-report=warning"]),
    "inputs-none-common": (["u48", "u57"], ["-z", "lam-report=warning"]),
    "input-u48-forced-u57": (["u48"], ["-z", "lam-u57"]),
    "input-u57-forced-u48": (["u57"], ["-z", "lam-u48"]),
    "with-ibt": (["all", "ibt"], ["-z", "lam-u57", "-z", "ibt"]),
    "report-warning": (["m", "u48", "lam", "ibt"], ["-z", "lam-report=warning"]),
    "report-with-cet": (["m", "u48", "u57", "ibt", "p0"], ["-z", "lam-report=warning", "-z", "cet-report=warning"]),
    "report-forced-u48": (["m", "u57"], ["-z", "lam-u48", "-z", "lam-report=error"]),
    "report-forced-u57": (["m", "u48"], ["-z", "lam-u57", "-z", "lam-report=warning"]),
    "report-mixed": (["m", "u48"], ["-z", "lam-u48-report=error", "-z", "lam-u57-report=warning"]),
    "report-override": (["m", "u57"], ["-z", "lam-report=error", "-z", "lam-u48-report=warning"]),
    "report-then-none": (["m"], ["-z", "lam-report=error", "-z", "lam-report=none"]),
    "report-u48-none-after": (["m"], ["-z", "lam-report=warning", "-z", "lam-u48-report=none"]),
    "report-fatal-warnings": (["m"], ["-z", "lam-u57-report=warning", "--fatal-warnings"]),
    "report-w": (["m"], ["-z", "lam-report=warning", "-w"]),
    "bad-value": (["m"], ["-z", "lam-u57-report=bogus"]),
    "bad-empty": (["m"], ["-z", "lam-report="]),
    "shared": (["u48", "lam"], ["-shared", "-z", "lam-u57", "-z", "lam-u48-report=warning"]),
    "pie": (["m", "lam"], ["-pie", "-z", "lam-u48"]),
    "static": (["m"], ["-static", "-z", "lam-u57", "-z", "lam-report=error"]),
    "relocatable": (["m", "u48"], ["-r", "-z", "lam-u57", "-z", "lam-report=warning"]),
    "dso-not-reported": (["m", "LIB"], ["-z", "lam-report=warning", "-dynamic-linker", "/x"]),
}


@pytest.mark.parametrize("case", sorted(LAM_CASES))
def test_lam_like_bfd(work, direct_ld, case):
    """readelf -n of the output, the messages, the exit status and whether an output is left."""
    objs, flags = LAM_CASES[case]
    inputs = ["libx.so" if o == "LIB" else f"{o}.o" for o in objs]
    res = {}
    for linker in ("bfd", "braze"):
        out = work / f"lam-{case}-{linker}"
        out.unlink(missing_ok=True)
        p = run_cmd([*_linker(direct_ld, linker), "-o", out.name, *inputs, *flags], work, check=False)
        res[linker] = (p.returncode, out.exists(), _messages(p.stderr), _notes(out) if out.exists() else None)
    assert res["braze"] == res["bfd"]
    if case == "u48":       # the bfd 2.40 quirk braze reproduces
        assert res["bfd"][3][0].endswith("Properties: x86 feature: LAM_U48, LAM_U57")
    if case.startswith("report-") and case not in ("report-then-none", "report-w", "report-forced-u48"):
        assert res["bfd"][2], "the case should report something"



@pytest.mark.parametrize("kw", ["lam-u48", "lam-u57", "lam-u48-report=error", "lam-u57-report=none",
                                "lam-report=warning", "lam-report=bogus"])
def test_lam_keywords_on_aarch64_only_warn(work, direct_ld, kw):
    """aarch64 bfd does not know them: `-z KW ignored`, and the output is that of the link without."""
    msgs = {}
    for linker in ("bfd", "braze"):
        cmd = ["aarch64-linux-gnu-ld.bfd"] if linker == "bfd" else [*direct_ld, "-m", "aarch64linux"]
        p = run_cmd([*cmd, "-o", f"a64-{linker}", "a64.o", "-z", kw], work)
        msgs[linker] = _messages(p.stderr)
    assert msgs["braze"] == msgs["bfd"] == [f"warning: -z {kw} ignored"]
    run_cmd([*direct_ld, "-m", "aarch64linux", "-o", "a64-without", "a64.o"], work)
    assert (work / "a64-braze").read_bytes() == (work / "a64-without").read_bytes()


# ------------------------------------------------------------------ --force-exe-suffix

EXE_CASES = {
    "plain": ("prog", []),
    "ends-exe-upper": ("prog.EXE", []),
    "ends-exe-mixed": ("x.Exe", []),
    "ends-dll": ("x.dLl", []),
    "short-name": ("exe", []),
    "other-suffix": ("a.ex", []),
    "exe-inside": ("y.EXE.o", []),
    "default-name": (None, []),
    "shared": ("l.so", ["-shared"]),
    "relocatable": ("p.o", ["-r"]),
    "umask-077": ("prog", ["UMASK077"]),
    "existing-exe-kept-mode": ("prog", ["EXISTING"]),
    "exe-is-a-directory": ("prog", ["DIRECTORY"]),
    "failed-link": ("prog", ["-z", "lam-report=error"]),
}


def _listing(d) -> dict:
    """name -> (mode, bytes) of the files in d (directories: mode only)."""
    out = {}
    for f in sorted(d.iterdir()):
        st = f.lstat()
        out[f.name] = (stat.filemode(st.st_mode), None if f.is_dir() else f.read_bytes())
    return out


@pytest.mark.parametrize("case", sorted(EXE_CASES))
def test_force_exe_suffix_like_bfd(work, direct_ld, case):
    """The files on disk after the link (names, modes; NAME.exe byte-identical to NAME) and the exit status."""
    name, flags = EXE_CASES[case]
    res = {}
    for linker in ("bfd", "braze"):
        d = work / f"exe-{case}-{linker}"
        d.mkdir()
        if "EXISTING" in flags:
            (d / "prog.exe").write_text("old\n")
            (d / "prog.exe").chmod(0o750)
        if "DIRECTORY" in flags:
            (d / "prog.exe").mkdir()
        args = [a for a in flags if a not in ("EXISTING", "DIRECTORY", "UMASK077")]
        obj = "u48.o" if "-shared" in args else "m.o"
        cmd = [*_linker(direct_ld, linker), *(["-o", name] if name else []), str(work / obj),
               "--force-exe-suffix", *args]
        if "UMASK077" in flags:
            cmd = ["sh", "-c", 'umask 077; exec "$@"', "sh", *cmd]
        p = run_cmd(cmd, d, check=False)
        res[linker] = (p.returncode, _messages(p.stderr), _listing(d))
    bfd, braze = res["bfd"], res["braze"]
    assert braze[0] == bfd[0] and len(braze[1]) == len(bfd[1])
    assert {n: m for n, (m, _b) in braze[2].items()} == {n: m for n, (m, _b) in bfd[2].items()}
    for listing in (bfd[2], braze[2]):       # the copy is the output, byte for byte
        for n, (_m, data) in listing.items():
            if n.endswith(".exe") and n[:-4] in listing and data is not None:
                assert data == listing[n[:-4]][1]
    if case == "plain":
        assert set(bfd[2]) == {"prog", "prog.exe"}
    if case == "exe-is-a-directory":
        assert braze[1] == ["unable to open for destination of copy `prog.exe'"] == bfd[1]


# ------------------------------------------------------------------ --spare-dynamic-tags

def _dynamic(path) -> tuple[list[int], int]:
    """(the non-DT_NULL tags of .dynamic in order, the number of DT_NULL entries)."""
    p = run_cmd(["readelf", "-SW", path], path.parent)
    row = next(ln for ln in p.stdout.splitlines() if " .dynamic " in ln)
    f = row.split("]", 1)[1].split()
    off, size = int(f[3], 16), int(f[4], 16)
    data = path.read_bytes()[off:off + size]
    tags = [struct.unpack_from("<q", data, i)[0] for i in range(0, size, 16)]
    return [t for t in tags if t], sum(1 for t in tags if not t)


KINDS = {   # (gcc driver options or None for a direct ld link, input)
    "pie": (["-pie"], "hello.o"),
    "no-pie": (["-no-pie"], "hello.o"),
    "shared": (["-shared"], "hello-pic.o"),
    "static-pie": (["-static-pie"], "hello.o"),
    "pie-now": (["-pie", "-Wl,-z,now"], "hello.o"),
    "shared-now-relr": (["-shared", "-Wl,-z,now,-z,pack-relative-relocs"], "hello-pic.o"),
    "a64-pie": (["-pie"], "a64-hello.o"),
    "a64-shared": (["-shared"], "a64-hello.o"),
    "ld-pie-no-relative": (None, "-pie"),
    "ld-shared-no-relative": (None, "-shared"),
    "ld-exe": (None, "-no-pie"),
}


def _spare_links(work, braze_lddir, direct_ld, kind, n_bfd, n_braze):
    drv, what = KINDS[kind]
    got = {}
    for linker, n in (("bfd", n_bfd), ("braze", n_braze)):
        out = work / f"spare-{kind}-{n_bfd}-{n_braze}-{linker}"
        if drv is not None:
            opt = [f"-Wl,--spare-dynamic-tags={n}"] if n is not None else []
            sel = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{braze_lddir}/"]
            cc = "aarch64-linux-gnu-gcc" if kind.startswith("a64-") else "gcc"
            run_cmd([cc, *sel, *drv, what, "-o", out, *opt], work)
        else:
            opt = ["--spare-dynamic-tags", n] if n is not None else []
            run_cmd([*_linker(direct_ld, linker), what, "-o", out, "m.o", "libx.so", "-dynamic-linker", "/x",
                     *opt], work)
        got[linker] = _dynamic(out)
    return got


@pytest.mark.parametrize("n", ["0", "1", "5", "10"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_spare_dynamic_tags_like_bfd(work, braze_lddir, direct_ld, kind, n):
    """The tags and the DT_NULL count of .dynamic, as bfd's (N+1 DT_NULLs, DT_RELACOUNT taking the first:
    with N=0 bfd's .dynamic has then no DT_NULL at all)."""
    got = _spare_links(work, braze_lddir, direct_ld, kind, n, n)
    assert got["braze"] == got["bfd"]
    if KINDS[kind][0] is None:
        assert got["bfd"][1] == int(n) + 1


@pytest.mark.parametrize("kind", ["ld-pie-no-relative", "ld-shared-no-relative"])
def test_spare_dynamic_tags_default_is_5(work, braze_lddir, direct_ld, kind):
    """Without the option, bfd's default N=5: 6 DT_NULLs in a PIE or shared object without relative
    relocations too (braze wrote 5 there before --spare-dynamic-tags was implemented)."""
    got = _spare_links(work, braze_lddir, direct_ld, kind, "5", None)
    assert got["braze"] == got["bfd"] and got["bfd"][1] == 6


@pytest.mark.parametrize("value", ["0x3", "010", "3abc", "abc", "", " 2", "+2", "4294967297"])
def test_spare_dynamic_tags_values_read_as_bfd(work, direct_ld, value):
    """bfd reads N with strtoul into an unsigned int and never complains."""
    got = {}
    for linker in ("bfd", "braze"):
        out = work / f"spare-val-{linker}"
        p = run_cmd([*_linker(direct_ld, linker), "-pie", "-o", out, "m.o", "libx.so", "-dynamic-linker", "/x",
                     f"--spare-dynamic-tags={value}"], work)
        got[linker] = (_dynamic(out), p.stderr)
    assert got["braze"] == got["bfd"]


def test_spare_dynamic_tags_too_many_is_refused(work, direct_ld):
    """-1 is 4294967295 tags for bfd (a 64 GiB .dynamic, which it tries to build): braze refuses."""
    out = work / "spare-neg"
    p = run_cmd([*direct_ld, "-pie", "-o", out, "m.o", "libx.so", "--spare-dynamic-tags=-1"], work, check=False)
    assert p.returncode == 1 and p.stderr.startswith("braze: error: --spare-dynamic-tags 4294967295")
    assert not out.exists()


# ------------------------------------------------------------------ --target-help

def _blocks(text: str) -> dict[str, list[list[str]]]:
    """emulation -> its entries (an option line and its continuation lines)."""
    blocks: dict[str, list[list[str]]] = {}
    cur: list = []
    for ln in text.splitlines():
        if re.match(r"^\w+: $", ln):
            cur = blocks.setdefault(ln[:-2], [])
        elif ln.startswith("  -"):
            cur.append([ln])
        else:
            cur[-1].append(ln)
    return blocks


# a value for the entries whose spelling is a pattern
_SAMPLE = {"call-nop=PADDING": "call-nop=suffix-nop", "x86-64-{baseline|v[234]}": "x86-64-v2",
           "--stub-group-size=N": "--stub-group-size=1",
           "--fix-cortex-a53-843419[=full|adr|adrp]": "--fix-cortex-a53-843419"}


def _option_words(entry: list[str]) -> list[str]:
    words = entry[0].split()
    if words[0] == "-z":
        kw = re.sub(r"=\[none\|warning\|error\]$", "=warning", words[1])
        return ["-z", _SAMPLE.get(kw, kw)]
    return [_SAMPLE.get(words[0], words[0])]


@pytest.mark.parametrize("prefix,emulation,obj", [("", "elf_x86_64", "m.o"),
                                                  ("aarch64-linux-gnu-", "aarch64linux", "a64.o")])
def test_target_help_lists_what_braze_accepts(work, direct_ld, prefix, emulation, obj):
    """braze's block of each emulation is bfd's, less exactly the options braze refuses."""
    p = run_cmd([prefix + "ld.bfd", "--target-help"], work)
    want = _blocks(p.stdout)[emulation]
    p = run_cmd([*direct_ld, "--target-help"], work)
    assert p.stderr == ""
    got = _blocks(p.stdout)[emulation]
    for entry in want:
        words = _option_words(entry)
        q = run_cmd([*direct_ld, "-m", emulation, "-o", "th-out", obj, *words], work, check=False)
        accepted = q.returncode == 0 and "ignored" not in q.stderr
        assert accepted or "not supported" in q.stderr or "unknown option" in q.stderr, (words, q.stderr)
        assert (entry in got) == accepted, (words, q.stderr)
    assert got == [e for e in want if e in got]      # bfd's text and order


@pytest.mark.parametrize("args", [["--target-help", "-o", "OUT", "m.o"], ["m.o", "-o", "OUT", "--target-help"],
                                  ["--target-help", "--bogus-option"], ["--target-help", "-z", "lam-report=x"]])
def test_target_help_prints_and_stops(work, direct_ld, args):
    """As bfd: exit 0 at --target-help, nothing linked, later options not looked at."""
    res = {}
    for linker in ("bfd", "braze"):
        out = work / f"th-{linker}"
        out.unlink(missing_ok=True)
        p = run_cmd([*_linker(direct_ld, linker), *[str(out) if a == "OUT" else a for a in args]], work,
                    check=False)
        res[linker] = (p.returncode, p.stderr, out.exists(), p.stdout.startswith("elf_x86_64: \n"))
    assert res["braze"] == res["bfd"] == (0, "", False, True)


@pytest.mark.parametrize("args,first", [(["-z", "lam-report=x", "--target-help"], None),
                                        (["-v", "--target-help"], "VERSION")])
def test_target_help_after_other_options(work, direct_ld, args, first):
    """What comes before --target-help still counts: a bad -z value fails, --help wins, -v prints first."""
    res = {}
    for linker in ("bfd", "braze"):
        p = subprocess.run([*_linker(direct_ld, linker), *args], cwd=work, capture_output=True, text=True,
                           env=tool_env())
        lines = p.stdout.splitlines()
        res[linker] = (p.returncode, _messages(p.stderr), lines[:1], "elf_x86_64: " in lines)
    bfd, braze = res["bfd"], res["braze"]
    assert braze[0] == bfd[0] and braze[1] == bfd[1]
    assert braze[3] == bfd[3] or first == "Usage: "     # (bfd's --help has its emulations' parts too)
    if first == "VERSION":
        assert bfd[2][0].startswith("GNU ld") and braze[2][0].startswith("GNU ld ") and "(braze-" in braze[2][0]
    elif first:
        assert bfd[2][0].startswith(first) and braze[2][0].startswith(first)
