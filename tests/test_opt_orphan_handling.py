"""--orphan-handling=MODE against ld.bfd 2.40.

warn/error/discard are reproduced in static x86-64 links laid out by a -T SECTIONS script (the
Linux kernel's and firmware builds' case): bfd's messages for every orphan in its order (each
file's unplaced sections, its .note.GNU-stack, the linker-made sections of its dynobj: .rela.got,
.got, .got.plt, .iplt, .rela.iplt, .igot.plt and the .rela<section> its relocation check makes for
references to weak or script-defined symbols, .note.gnu.build-id with --build-id).  Compared with
bfd: stderr line for line (the program name at the start of a line normalised, and the output's
name), the exit status, whether an output exists, its allocated sections (readelf -SW) and the
program's exit status.  `place` (the default) works in every link; the other modes are refused
where bfd's list is not reproduced (default-script links, dynamic links, -r, aarch64)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from harness import REPO, braze_command, tool_env

_PREFIX = re.compile(r"^(?:\S*/)?(?:ld(?:\.bfd)?|braze): ", re.M)

FW = r"""
extern char _etext[];
__attribute__((weak)) extern int maybe;          /* undefined weak: bfd makes .rela.data */
__attribute__((weak)) int wdef = 5;               /* a weak definition */
int *pmaybe = &maybe;
__attribute__((section("fw_table"), used)) int table[2] = {7, 8};
__attribute__((section("fw_ptrs"), used)) char *etext_ptr = _etext;   /* script symbol: .relafw_ptrs */
__attribute__((section(".fw_unused"), used)) int unused_word = 3;
int get(void) { return table[0] + table[1] + (pmaybe ? 1 : 0) + wdef; }
void _start(void) { int r = get(); __asm__ volatile("syscall" :: "a"(60), "D"(r)); for (;;); }
"""

# orphans nothing refers to (discard drops them and the program still runs)
FW_QUIET = r"""
__attribute__((section("fw_log"), used)) static const char banner[] = "fw 1.0";
__attribute__((section(".fw_unused"), used)) int unused_word = 3;
int counter = 41;
void _start(void) { counter++; __asm__ volatile("syscall" :: "a"(60), "D"(counter)); for (;;); }
"""

FW_LD = """ENTRY(_start)
SECTIONS
{
  . = 0x400000 + SIZEOF_HEADERS;
  .text : { *(.text .text.*) }
  _etext = .;
  .rodata : { *(.rodata .rodata.*) }
  . = ALIGN(CONSTANT(MAXPAGESIZE));
  .data : { *(.data .data.*) }
  .bss : { *(.bss .bss.*) *(COMMON) }
  /DISCARD/ : { *(.eh_frame) }
}
"""

# the kernel's way: the linker-made sections named (and so no orphans), user sections orphans
KERNELISH_LD = """ENTRY(_start)
SECTIONS
{
  . = 0x1000000;
  .text : { *(.text .text.*) }
  _etext = .;
  .got : { *(.got) *(.igot.*) }
  .got.plt : { *(.got.plt) }
  .plt : { *(.plt) *(.plt.*) *(.iplt) }
  .rela.dyn : { *(.rela.*) *(.rela_*) }
  .rodata : { *(.rodata .rodata.*) }
  .data : { *(.data .data.*) }
  .bss : { *(.bss .bss.*) *(COMMON) }
  .comment 0 : { *(.comment) }
  /DISCARD/ : { *(.eh_frame) *(.note.GNU-stack) }
}
"""


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("orphans")
    for name, text in (("fw.c", FW), ("quiet.c", FW_QUIET), ("fw.ld", FW_LD), ("kernelish.ld", KERNELISH_LD)):
        (d / name).write_text(text)
    (d / "unused.c").write_text('int unused_fn(void) { return 3; }\n'
                                '__attribute__((section("extra_sec"))) int ex = 1;\n')
    for src in ("fw", "quiet", "unused"):
        _ok(["gcc", "-O1", "-fno-pie", "-ffreestanding", "-fno-stack-protector", "-c", f"{src}.c",
             "-o", f"{src}.o"], d)
    (d / "hello.c").write_text('#include <stdio.h>\n__attribute__((section("user_data"))) int v = 2;\n'
                               'int main(void) { printf("hi %d\\n", v); return v; }\n')
    for mode, flags in (("pie", ["-fPIE"]), ("nopie", ["-fno-pie"]), ("pic", ["-fPIC"])):
        _ok(["gcc", "-O1", *flags, "-c", "hello.c", "-o", f"hello-{mode}.o"], d)
    return d


def _ok(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, f"$ {' '.join(map(str, cmd))}\n{p.stderr}"


def _run(cmd, cwd):
    return subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, errors="replace",
                          env=tool_env(), timeout=300)


# bfd prints its "defined in discarded section" lines without its program name; braze's errors all
# start `braze: error:` (the text after it is bfd's)
_DISCARDED_REF = re.compile(r"^braze: error: (`.*' referenced in section `.*: defined in discarded section .*)$", re.M)


def _norm(text: str, out: str) -> list[str]:
    text = _DISCARDED_REF.sub(r"\1", text)
    return [ln.replace(out, "OUT") for ln in _PREFIX.sub("ld: ", text).splitlines()
            if not ln.startswith("collect2:")]


def _alloc_sections(path: Path) -> list:
    p = subprocess.run(["readelf", "-SW", str(path)], capture_output=True, text=True, env=tool_env())
    rows = [ln.split("]", 1)[1].split() for ln in p.stdout.splitlines() if re.match(r"\s*\[\s*\d+\]", ln)]
    return [r[:4] + r[5:] for r in rows if len(r) > 6 and "A" in r[6]]


def _links(work, cmd_of, name):
    """(bfd, braze) results of the same link: (exit status, stderr lines, output path or None)."""
    res = []
    for label in ("bfd", "braze"):
        out = work / f"{name}-{label}"
        out.unlink(missing_ok=True)
        p = _run(cmd_of(label, out), work)
        res.append((p.returncode, _norm(p.stderr, str(out.name)), out if out.exists() else None))
    return res


def _direct(args):
    def cmd(label, out):
        ld = ["ld.bfd"] if label == "bfd" else braze_command()
        return [*ld, *args, "-o", out]
    return cmd


def _gcc(args, lddir):
    def cmd(label, out):
        sel = ["-fuse-ld=bfd"] if label == "bfd" else [f"-B{lddir}/"]
        return ["gcc", *sel, *args, "-o", out]
    return cmd


def _compare(bfd, mine, runs=True):
    (brc, berr, bout), (mrc, merr, mout) = bfd, mine
    assert merr == berr, "stderr differs\n--- bfd\n" + "\n".join(berr) + "\n--- braze\n" + "\n".join(merr)
    assert (mrc == 0) == (brc == 0)
    assert (mout is None) == (bout is None)
    if bout is not None:
        assert _alloc_sections(mout) == _alloc_sections(bout)
        if runs:
            want = subprocess.run([str(bout)], capture_output=True, timeout=20)
            got = subprocess.run([str(mout)], capture_output=True, timeout=20)
            assert (got.returncode, got.stdout) == (want.returncode, want.stdout)


@pytest.mark.parametrize("mode", ["warn", "error", "place", "WARN"])
@pytest.mark.parametrize("script", ["fw.ld", "kernelish.ld"])
def test_static_script(work, mode, script):
    bfd, mine = _links(work, _direct(["-static", "-T", script, "fw.o", f"--orphan-handling={mode}"]),
                       f"fw-{script}-{mode}")
    if mode.lower() != "place":
        assert bfd[1], "bfd reports orphans here"
        assert any("fw_table" in ln for ln in bfd[1])
    if script == "fw.ld" and mode.lower() != "place":
        # the linker-made ones, from bfd's relocation check of this link
        assert any("`.relafw_ptrs'" in ln for ln in bfd[1]) and any("`.rela.data'" in ln for ln in bfd[1])
    _compare(bfd, mine)


@pytest.mark.parametrize("mode", ["warn", "error"])
def test_static_script_two_files(work, mode):
    """The dynobj's sections follow the first file's own orphans, before the second file's."""
    bfd, mine = _links(work, _direct(["-static", "-T", "fw.ld", "quiet.o", "fw.o", "-e", "_start",
                                      "--allow-multiple-definition", f"--orphan-handling={mode}"]),
                       f"two-{mode}")
    _compare(bfd, mine)


@pytest.mark.parametrize("mode", ["warn", "error", "discard"])
def test_gc_sections(work, mode):
    """A gc'd orphan is not reported, nor the .note.GNU-stack of a file none of whose allocated
    sections is kept (bfd keeps such a file's unflagged sections only then)."""
    bfd, mine = _links(work, _direct(["-static", "--gc-sections", "-T", "fw.ld", "quiet.o", "unused.o",
                                      f"--orphan-handling={mode}"]), f"gc-{mode}")
    if mode != "discard":
        assert not any("unused.o" in ln for ln in bfd[1]) and any("quiet.o" in ln for ln in bfd[1])
    _compare(bfd, mine)


@pytest.mark.parametrize("script", ["fw.ld", "kernelish.ld"])
def test_discard_unreferenced(work, script):
    bfd, mine = _links(work, _direct(["-static", "-T", script, "quiet.o", "--orphan-handling=discard"]),
                       f"quiet-{script}")
    assert bfd[0] == 0 and bfd[2] is not None
    assert not any("fw_log" in s for r in _alloc_sections(bfd[2]) for s in r)
    _compare(bfd, mine)


def test_discard_referenced(work):
    """References to discarded orphans: bfd's errors (no program name, one per relocation, after
    the layout's warnings), exit 1, no output."""
    bfd, mine = _links(work, _direct(["-static", "-T", "fw.ld", "fw.o", "--orphan-handling=discard"]),
                       "fw-discard")
    assert bfd[0] != 0 and any("defined in discarded section `fw_table'" in ln for ln in bfd[1])
    _compare(bfd, mine)


@pytest.mark.parametrize("mode", ["warn", "error", "place"])
def test_hosted_static_glibc(work, braze_lddir, mode):
    """gcc -static with a SECTIONS script: glibc's __libc_* sections, crt files' .tm_clone_table,
    every member's .note.GNU-stack, --build-id's note and the .rela<section> set, in bfd's order."""
    script = REPO / "tests" / "scripts" / "hosted" / "static_glibc.ld"
    bfd, mine = _links(work, _gcc(["-static", "-T", str(script), "hello-nopie.o",
                                   f"-Wl,--orphan-handling={mode}"], braze_lddir), f"hosted-{mode}")
    if mode != "place":
        assert len(bfd[1]) > 100 and any("`.rela__libc_IO_vtables'" in ln for ln in bfd[1])
    _compare(bfd, mine)


@pytest.mark.parametrize("kind", ["pie", "nopie", "static", "shared"])
def test_place_default_script(work, braze_lddir, kind):
    """`place` is the default: every link kind, as without the option."""
    flags = {"pie": ["-pie", "hello-pie.o"], "nopie": ["-no-pie", "hello-nopie.o"],
             "static": ["-static", "hello-nopie.o"], "shared": ["-shared", "hello-pic.o"]}[kind]
    bfd, mine = _links(work, _gcc([*flags, "-Wl,--orphan-handling=place"], braze_lddir), f"place-{kind}")
    assert bfd[0] == 0
    _compare(bfd, mine, runs=kind != "shared")


@pytest.mark.parametrize("case", ["pie", "nopie", "static", "shared", "relocatable", "defsym-expr"])
@pytest.mark.parametrize("mode", ["warn", "error", "discard"])
def test_refused(work, braze_lddir, case, mode):
    """Where bfd's orphan list (its linker-made .rela<section> set, or its default script's orphans)
    is not reproduced, braze refuses the mode: braze's error, exit 1, no output (bfd links)."""
    opt = f"-Wl,--orphan-handling={mode}"
    args = {"pie": ["-pie", "hello-pie.o", opt], "nopie": ["-no-pie", "hello-nopie.o", opt],
            "static": ["-static", "hello-nopie.o", opt], "shared": ["-shared", "hello-pic.o", opt],
            "relocatable": ["-r", "-nostdlib", "hello-pic.o", opt],
            "defsym-expr": ["-static", "-nostdlib", "-Wl,-T,fw.ld", "-Wl,--defsym=x=ADDR(.text)+4",
                            "fw.o", opt]}[case]
    bfd, mine = _links(work, _gcc(args, braze_lddir), f"refused-{case}-{mode}")
    assert bfd[1] or bfd[0] != 0, "bfd acts on the option here"
    rc, err, out = mine
    assert rc != 0 and out is None
    assert any(f"--orphan-handling={mode} is not supported by braze" in ln for ln in err), err


def test_refused_aarch64(work):
    (work / "a.c").write_text("int v = 1;\nvoid _start(void) { for (;;); }\n")
    _ok(["aarch64-linux-gnu-gcc", "-O1", "-c", "a.c", "-o", "a64.o"], work)
    out = work / "a64-braze"
    p = _run([*braze_command(), "-static", "-T", "fw.ld", "a64.o", "--orphan-handling=warn", "-o", out], work)
    assert p.returncode == 1 and not out.exists()
    assert "--orphan-handling=warn is not supported by braze for aarch64" in p.stderr, p.stderr


def test_invalid_mode(work):
    bfd, mine = _links(work, _direct(["-static", "-T", "fw.ld", "fw.o", "--orphan-handling=keep"]), "bad")
    assert bfd[0] != 0 and mine[0] != 0 and bfd[2] is None and mine[2] is None
    assert bfd[1] == ['ld: invalid argument to option "--orphan-handling"']
    assert mine[1] == ['ld: error: invalid argument to option "--orphan-handling"']
