"""The option table, walked whole: no option braze accepts is silently dropped.

For every name braze registers (handlers in cli._FLAGS/_ARGS, cli._NOOPS, cli._UNSUPPORTED) and every
-z keyword, parsing `[option (value), x.o]` must either be refused as "not supported", or be a listed
no-op (and then change nothing), or change the parsed Config / positional state compared with the same
command line without it. A handler that does nothing (an `_ignore`) fails here. The table is also
checked against GNU ld's own `ld.bfd --help`: every option bfd lists is one braze knows (works,
no-op or refused) and every GNU ld name braze knows is one bfd 2.40 really has.
"""
from __future__ import annotations

import copy
import re
import subprocess

import pytest

from harness import tool_env

from braze import cli, diag
from braze.diag import LinkError
from braze.arch.x86_64 import ISA_LEVELS as X86_ISA_LEVELS

# A value for options that take one (anything else gets "val").
VALUES = {
    "o": "out", "output": "out", "e": "main", "entry": "main", "L": "/tmp", "library-path": "/tmp",
    "l": "c", "library": "c", "m": "elf_x86_64", "hash-style": "sysv", "unresolved-symbols": "ignore-all",
    "build-id": "md5", "compress-debug-sections": "zlib", "defsym": "a=1", "threads": "1",
    "retain-symbols-file": "/dev/null",
    "thread-count": "1", "O": "1", "sort-common": "descending", "sort-section": "name", "demangle": "gnu-v3", "verbose": "1",
    "R": "/tmp", "rpath": "/tmp", "rpath-link": "/tmp", "sysroot": "/tmp", "dynamic-linker": "/lib/x",
    "I": "/lib/x", "soname": "libx.so", "h": "libx.so", "init": "f", "fini": "f", "z": "now",
    "package-metadata": '{"a":1}', "Ttext": "0x1000", "Tdata": "0x1000", "Tbss": "0x1000",
    "Ttext-segment": "0x400000", "section-start": ".text=0x1000", "time-trace-granularity": "100",
    "plugin": "/usr/lib/gcc/x86_64-linux-gnu/12/liblto_plugin.so",
    "b": "binary", "format": "binary",
    "size-map": "map.html", "reproduce": "repro.tar",
    "fix-cortex-a53-843419": "adr", "stub-group-size": "1000",
}
# Options whose effect is the default: what to put before them so that they visibly undo it.
PREFIX = {
    "pop-state": ["--push-state", "--as-needed"], "end-group": ["--start-group"], ")": ["-("],
    "no-as-needed": ["--as-needed"], "no-whole-archive": ["--whole-archive"],
    "no-copy-dt-needed-entries": ["--copy-dt-needed-entries"], "no-add-needed": ["--add-needed"],
    "Bdynamic": ["-Bstatic"], "dy": ["-Bstatic"], "call_shared": ["-Bstatic"],
    "no-pie": ["-pie"], "no-eh-frame-hdr": ["--eh-frame-hdr"], "check-sections": ["--no-check-sections"],
    "ld-generated-unwind-info": ["--no-ld-generated-unwind-info"],
    "no-export-dynamic": ["--export-dynamic"], "no-gc-sections": ["--gc-sections"],
    "no-print-gc-sections": ["--print-gc-sections"], "error-unresolved-symbols": ["--warn-unresolved-symbols"],
    "enable-new-dtags": ["--disable-new-dtags"], "relax": ["--no-relax"],
    "undefined-version": ["--no-undefined-version"], "no-omagic": ["-N"],
    "print-map-discarded": ["--no-print-map-discarded"],
    "demangle": ["--no-demangle"], "package-metadata": ['--package-metadata={"b":2}'],
    "Bno-symbolic": ["-Bsymbolic"], "no-fatal-warnings": ["--fatal-warnings"],
    "warn-rwx-segments": ["--no-warn-rwx-segments"],
    "plugin-opt": ["-plugin", "/usr/lib/gcc/x86_64-linux-gnu/12/liblto_plugin.so"],
}
Z_PREFIX = {"nounique": "unique", "nounique-symbol": "unique-symbol", "lazy": "now", "relro": "norelro", "undefs": "defs", "notext": "text", "textoff": "text",
            "separate-code": "noseparate-code", "nostart-stop-gc": "start-stop-gc",
            "nopack-relative-relocs": "pack-relative-relocs", "combreloc": "nocombreloc"}
# Handlers that only validate their value (the one braze supports is the default): value -> a refused one.
VALIDATING = {"m": ("elf_x86_64", "elf_i386"), "assert": ("pure-text", "val"), "hash-size=": ("0x100", "val"),
              "max-cache-size=": ("4096", "12k"), "orphan-handling": ("warn", "val")}


def _spell(name: str) -> str:
    return "-" + name if len(name) == 1 else "--" + name


def _words(name: str, value: str | None) -> list[str]:
    if value is None:
        return [_spell(name)]
    if len(name) == 1:
        return [_spell(name), value]
    return [_spell(name) + value] if name.endswith("=") else [_spell(name) + "=" + value]


def _diag_state() -> dict:
    """diag's module-level settings (demangling, warning switches...), which some options set."""
    return {k: copy.deepcopy(v) for k, v in vars(diag).items()
            if not k.startswith("__") and not callable(v) and type(v).__name__ != "module"}


def _attributes(obj) -> dict:
    """OBJ's data attributes (cli._State is a native class when cli.py is compiled: no __dict__)."""
    return {k: copy.deepcopy(getattr(obj, k)) for k in dir(obj)
            if not k.startswith("__") and not callable(getattr(obj, k))}


def _snapshot(argv: list[str]):
    """(Config, positional state, diag's settings) after parsing ARGV; diag's settings restored."""
    saved = _diag_state()
    try:
        c, s, shown = cli.parse_words(argv)
        return repr(c), repr(_attributes(s)), repr(_diag_state()), shown
    finally:
        for k, v in saved.items():
            setattr(diag, k, v)


def _all_names() -> list[str]:
    return sorted(cli._known() - set(cli._SPECIAL))


@pytest.mark.parametrize("name", _all_names())
def test_option_is_never_silently_dropped(name):
    kind = cli._arg_kind(name)
    prefix = PREFIX.get(name, [])
    value = None if kind == "" else VALUES.get(name, VALIDATING.get(name, ("val",))[0])
    argv = prefix + _words(name, value) + ["x.o"]
    try:
        got = _snapshot(argv)
    except LinkError as e:
        assert "is not supported" in str(e), f"{argv}: refused, but not as unsupported: {e}"
        assert name in cli._UNSUPPORTED or name == "R", f"{argv}: refused by a handler: {e}"
        return
    assert name not in cli._UNSUPPORTED, f"{argv}: listed as unsupported, yet accepted"
    base = _snapshot(prefix + ["x.o"])
    if name in cli._NOOPS:
        assert cli._NOOPS[name].strip(), f"{name}: a no-op needs its reason"
        assert got == base, f"{argv}: listed in _NOOPS but it changed the parse"
        return
    if name in VALIDATING:
        ok, bad = VALIDATING[name]
        with pytest.raises(LinkError):
            _snapshot(prefix + _words(name, bad) + ["x.o"])
        return
    assert got != base, (f"{argv}: accepted, not a listed no-op, and it changes nothing in the Config or "
                         f"the positional state: it would be silently ignored")
    if kind == "::":     # optional argument: the bare spelling must have an effect too
        assert _snapshot(prefix + _words(name, None) + ["x.o"]) != base, f"{name} without a value does nothing"


# -z keywords handled by cli._z_tags_option (DF_1 bits, x86 properties), with a value to give them
Z_TAGS = {**{k: k for k in getattr(cli, "_Z_DF_1", {})}, **{k: k for k in X86_ISA_LEVELS},
          **({"unique": "unique", "nounique": "nounique", "ibt": "ibt", "shstk": "shstk", "ibtplt": "ibtplt",
              "cet-report=": "cet-report=warning", "call-nop=": "call-nop=suffix-nop",
              "lam-u48": "lam-u48", "lam-u57": "lam-u57", "lam-u48-report=": "lam-u48-report=warning",
              "lam-u57-report=": "lam-u57-report=error", "lam-report=": "lam-report=warning",
              "pack-relative-relocs": "pack-relative-relocs", "nopack-relative-relocs": "nopack-relative-relocs",
              "indirect-extern-access": "indirect-extern-access",
              "noindirect-extern-access": "noindirect-extern-access",
              "noextern-protected-data": "noextern-protected-data",
              "dynamic-undefined-weak": "dynamic-undefined-weak",
              "nodynamic-undefined-weak": "nodynamic-undefined-weak",
              "noreloc-overflow": "noreloc-overflow", "report-relative-reloc": "report-relative-reloc"}
             if hasattr(cli, "_z_tags_option") else {})}


def _z_keywords() -> list[str]:
    return sorted(set(cli._Z_FLAGS) | set(cli._Z_NOOPS) | set(cli._Z_UNSUPPORTED) | set(Z_TAGS)
                  | {"max-page-size=0x200000", "common-page-size=0x2000", "start-stop-visibility=hidden"})


@pytest.mark.parametrize("kw", _z_keywords())
def test_z_keyword_is_never_silently_dropped(kw, capsys):
    value = Z_TAGS.get(kw) or (kw + "4" if kw.endswith("=") else kw)
    prefix = ["-z", Z_PREFIX[kw]] if kw in Z_PREFIX else []
    argv = prefix + ["-z", value, "x.o"]
    try:
        got = _snapshot(argv)
    except LinkError as e:
        assert "is not supported" in str(e) and kw in cli._Z_UNSUPPORTED, f"{argv}: {e}"
        return
    assert kw not in cli._Z_UNSUPPORTED, f"{argv}: listed as unsupported, yet accepted"
    assert "warning" not in capsys.readouterr().err, f"{argv}: a keyword GNU ld knows must not warn"
    base = _snapshot(prefix + ["x.o"])
    if kw in cli._Z_NOOPS:
        assert cli._Z_NOOPS[kw].strip() and got == base, f"{argv}: a -z no-op must change nothing"
    else:
        assert got != base, f"{argv}: accepted, not a listed no-op, and it changes nothing"


def test_unknown_z_keyword_only_warns_as_bfd(tmp_path, capsys):
    """GNU ld: `-z foo` is `warning: -z foo ignored`, nothing more."""
    p = subprocess.run(["ld.bfd", "-z", "foo", "--version"], capture_output=True, text=True, env=tool_env())
    assert "-z foo ignored" in p.stderr, p.stderr
    assert _snapshot(["-z", "foo", "x.o"]) == _snapshot(["x.o"])
    assert "warning: -z foo ignored" in capsys.readouterr().err


def test_tables_are_disjoint_and_documented():
    handled = set(cli._FLAGS) | set(cli._ARGS)
    assert not handled & set(cli._NOOPS), "a name with a handler must leave _NOOPS"
    assert not handled & set(cli._UNSUPPORTED), "a name with a handler must leave _UNSUPPORTED"
    assert not set(cli._NOOPS) & set(cli._UNSUPPORTED)
    assert not set(cli._Z_FLAGS) & (set(cli._Z_NOOPS) | set(cli._Z_UNSUPPORTED))
    assert not set(cli._Z_NOOPS) & set(cli._Z_UNSUPPORTED)
    assert not hasattr(cli, "_ignore"), "no catch-all ignore handler: refuse or implement"
    for table in (cli._NOOPS, cli._UNSUPPORTED, cli._Z_NOOPS, cli._Z_UNSUPPORTED):
        assert all(isinstance(v, str) and v.strip() for v in table.values())


# ---- the table against GNU ld's own list ----
# bfd options that its --help does not print (NO_HELP), and braze's own options.
BFD_NO_HELP = {"add-needed", "no-add-needed", "noinhibit_exec", "sort_common", "dll-verbose",
               "warn-shared-textrel"}
BRAZE_ONLY = {"time", "threads", "thread-count", "no-threads", "lib-main", "init-entry", "no-init-entry",
              # ld.lld's options braze has too (explain.py), in lld's spelling and formats
              "why-extract", "print-archive-stats", "why-live", "time-trace", "time-trace-file",
              "time-trace-granularity", "no-cache",
              "size-map", "reproduce"}
# options of the aarch64 emulation (checked against aarch64-linux-gnu-ld.bfd below); x86-64 links refuse them
AARCH64_ONLY = {"fix-cortex-a53-843419", "no-apply-dynamic-relocs", "pic-veneer", "stub-group-size"}
BRAZE_ONLY |= AARCH64_ONLY


def test_aarch64_options_are_aarch64_bfd_options():
    p = subprocess.run(["aarch64-linux-gnu-ld.bfd", "--help"], capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, p.stderr
    for n in AARCH64_ONLY:
        assert re.search(rf"^\s+--{re.escape(n)}\b", p.stdout, re.M), n


@pytest.fixture(scope="module")
def bfd_help() -> str:
    p = subprocess.run(["ld.bfd", "--help"], capture_output=True, text=True, env=tool_env())
    assert p.returncode == 0, p.stderr
    # keep the generic part and the ELF/x86-64 emulation parts, not the PE emulations'
    return p.stdout.split("i386pep:")[0]


def _bfd_names(help_text: str) -> tuple[set[str], set[str]]:
    names, zkw = set(), set()
    for line in help_text.splitlines():
        m = re.match(r"\s+-z (\S+)", line)
        if m:
            names.add("z")
            kw = m.group(1)
            zkw.add(kw.split("=")[0] + "=" if "=" in kw else kw)
            continue
        if not re.match(r"\s+-", line):
            continue
        for tok in re.findall(r"(?:^|[\s,])(--?[A-Za-z()][\w()-]*=?)", line.split("  ")[1] if line.startswith("  -") else line):
            names.add(tok.lstrip("-").rstrip("="))
    return names, zkw


def test_every_bfd_option_is_known(bfd_help):
    names, zkw = _bfd_names(bfd_help)
    assert {"o", "soname", "as-needed", "Map", "build-id", "hash-style"} <= names, "help parsing broke"
    known = {n.rstrip("=") for n in cli._known()}
    missing = sorted(n for n in names if n not in known)
    assert not missing, f"GNU ld options braze neither implements, lists as no-op, nor refuses: {missing}"
    zknown = (set(cli._Z_FLAGS) | set(cli._Z_NOOPS) | set(cli._Z_UNSUPPORTED) | set(Z_TAGS)
              | {"max-page-size=", "common-page-size=", "stack-size=", "start-stop-visibility="})
    zmissing = sorted(k for k in zkw if k not in zknown and not k.startswith("x86-64-{"))
    assert not zmissing, f"-z keywords of GNU ld braze does not know (they would only warn): {zmissing}"


def test_every_known_name_is_a_bfd_option(bfd_help, tmp_path):
    """braze must not accept (or refuse as "not supported") a spelling GNU ld 2.40 does not have."""
    names, _ = _bfd_names(bfd_help)
    ours = {n.rstrip("=") for n in cli._known() - set(cli._SPECIAL)} - BRAZE_ONLY
    extra = sorted(n for n in ours if n not in names and n not in BFD_NO_HELP)
    assert not extra, f"names braze knows that GNU ld's --help does not list: {extra}"
    for n in sorted(BFD_NO_HELP):   # GNU ld really accepts these
        p = subprocess.run(["ld.bfd", "--" + n, "--version"], capture_output=True, text=True,
                           env=tool_env(), cwd=tmp_path)
        assert "unrecognized option" not in p.stderr, f"--{n}: {p.stderr}"


def test_argument_kinds_match_bfd(tmp_path):
    """Every option given last with no value: bfd and braze agree on whether that is a usage error
    (it needs a value), whatever braze then does with the option (works, no-op, refused)."""
    obj = tmp_path / "a.o"
    subprocess.run(["gcc", "-c", "-x", "c", "-", "-o", str(obj)], input="int main(void){return 0;}\n",
                   text=True, check=True, env=tool_env())
    wrong = []
    for name in sorted(cli._known() - set(cli._SPECIAL) - BRAZE_ONLY):
        if len(name) == 1 or name.endswith("="):
            continue
        argv = [str(obj), "-o", str(tmp_path / "out"), "--" + name]
        p = subprocess.run(["ld.bfd", *argv], capture_output=True, text=True, env=tool_env(), cwd=tmp_path,
                           timeout=60)
        bfd_usage_error = bool(re.search(r"unrecognized option|missing argument", p.stderr))
        try:
            _snapshot(argv)
            ours = ""
        except LinkError as e:
            ours = str(e)
        braze_usage_error = bool(re.search(r"unknown option|requires an argument", ours))
        if bfd_usage_error != braze_usage_error:
            wrong.append(f"--{name}: braze {ours!r}, bfd: {p.stderr.strip()[:120]!r}")
    assert not wrong, "\n".join(wrong)
