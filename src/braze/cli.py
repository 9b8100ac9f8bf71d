"""GNU ld command line → Config.

Options are table-driven. ld accepts long options with one or two dashes, `--opt=value` and
`--opt value`, and short options with the argument attached (`-lc`, `-L/dir`, `-zrelro`).
"""
from __future__ import annotations

import sys

from . import diag
from .config import Config, InputSpec
from .diag import LinkError

USAGE = """\
Usage: braze [options] file...
A GNU-compatible ELF linker for x86-64 Linux (drop-in for ld; gcc -B"$(braze shim-dir)").

Commands:
  braze shim-dir            print a directory whose `ld` runs braze (for gcc -B)
  braze run -- CMD...       run a build with COMPILER_PATH set so gcc/g++/clang link with braze

Main options (GNU ld spelling):
  -o FILE  -e SYM  -L DIR  -lNAME  -l:FILE  -static/-Bstatic  -Bdynamic  -pie  -no-pie  -shared
  -soname NAME  -rpath DIR  -rpath-link DIR  --enable-new-dtags  --disable-new-dtags
  -dynamic-linker FILE  --no-dynamic-linker  --build-id[=STYLE]  --eh-frame-hdr  --hash-style=gnu|sysv|both
  -z relro|norelro|now|lazy|execstack|noexecstack|defs|text|separate-code|noseparate-code|max-page-size=N
  --as-needed  --no-as-needed  --push-state  --pop-state  --whole-archive  --no-whole-archive
  --start-group ... --end-group (-( -))  --export-dynamic (-E)  --dynamic-list FILE
  -s/--strip-all  -S/--strip-debug  --gc-sections  -Map FILE  -M  --defsym SYM=EXPR  --wrap SYM
  -u SYM  --no-undefined  --allow-shlib-undefined  --unresolved-symbols=...  -T SCRIPT
  --version-script FILE  --default-symver  --no-undefined-version  --undefined-version
  -Bsymbolic  -Bsymbolic-functions  -init SYM  -fini SYM
  --compress-debug-sections=none|zlib  -plugin/-plugin-opt (accepted, ignored: no LTO)
  --time  (print the wall time of each link pass)  --verbose  --version  --help
  --threads=N  --no-threads  (N=1: apply relocations in one process; default: two when it pays)

Library initialisation (braze):
  With -shared, if _rt0_amd64_linux_lib is defined (globally, or locally in one object), braze adds
  an .init_array entry for it (RELATIVE relocation), placed FIRST: it runs before the library's own
  constructors, prioritized ones included, when the library is loaded (dlopen, link-time dependency,
  LD_PRELOAD); glibc passes (argc, argv, envp), musl passes nothing. No entry is added when an input
  .init_array already calls it (Go's go.o), nor without -shared (--verbose says so).
  --init-entry=SYM          use SYM as the library-init entry instead (SYM must be defined)
  --no-init-entry           add no init entry
  --lib-main=SYM            braze supplies _rt0_amd64_linux_lib itself (generated code): at load it
                            starts a detached thread (pthread_create) running SYM(argc, argv, envp)
                            and returns at once, so dlopen does not block; if the thread cannot be
                            created it says so on stderr and the library stays loaded
"""

# Options without an argument: name -> action(config, state)
_FLAGS: dict[str, object] = {}
# Options with one argument: name -> action(config, state, value)
_ARGS: dict[str, object] = {}


def _flag(*names):
    def deco(fn):
        for n in names:
            _FLAGS[n] = fn
        return fn
    return deco


def _arg(*names):
    def deco(fn):
        for n in names:
            _ARGS[n] = fn
        return fn
    return deco


class _State:
    """Positional option state (--as-needed etc.) and the --push-state stack."""
    def __init__(self):
        self.as_needed = False
        self.whole_archive = False
        self.static = False
        self.stack: list[tuple[bool, bool, bool]] = []
        self.group_depth = 0

    def spec(self, kind, value=""):
        return InputSpec(kind, value, self.as_needed, self.whole_archive, self.static)


def _ignore(c, s, v=None):
    pass


# ---- flags ----
@_flag("shared", "Bshareable")
def _(c, s): c.shared = True


@_flag("pie", "pic-executable")
def _(c, s): c.pie = True


@_flag("no-pie", "no-pic-executable")
def _(c, s): c.pie = False


@_flag("static", "Bstatic", "dn", "non_shared")
def _(c, s):
    s.static = True
    c.static = True


@_flag("Bdynamic", "dy", "call_shared")
def _(c, s): s.static = False


@_flag("as-needed")
def _(c, s): s.as_needed = True


@_flag("no-as-needed")
def _(c, s): s.as_needed = False


@_flag("whole-archive")
def _(c, s): s.whole_archive = True


@_flag("no-whole-archive")
def _(c, s): s.whole_archive = False


@_flag("push-state")
def _(c, s): s.stack.append((s.as_needed, s.whole_archive, s.static))


@_flag("pop-state")
def _(c, s):
    if not s.stack:
        raise LinkError("--pop-state without a matching --push-state")
    s.as_needed, s.whole_archive, s.static = s.stack.pop()


@_flag("start-group", "(")
def _(c, s):
    if s.group_depth:
        raise LinkError("nested --start-group")
    s.group_depth += 1
    c.inputs.append(s.spec("group_start"))


@_flag("end-group", ")")
def _(c, s):
    if not s.group_depth:
        raise LinkError("--end-group without --start-group")
    s.group_depth -= 1
    c.inputs.append(s.spec("group_end"))


@_flag("eh-frame-hdr")
def _(c, s):
    c.eh_frame_hdr = True


@_flag("no-eh-frame-hdr")
def _(c, s): c.eh_frame_hdr = False


@_flag("ld-generated-unwind-info")
def _(c, s): c.plt_unwind = True


@_flag("no-ld-generated-unwind-info")
def _(c, s): c.plt_unwind = False


@_flag("export-dynamic", "E")
def _(c, s): c.export_dynamic = True


@_flag("no-export-dynamic")
def _(c, s): c.export_dynamic = False


@_flag("strip-all", "s")
def _(c, s): c.strip_all = True


@_flag("strip-debug", "S", "strip-dwo")
def _(c, s): c.strip_debug = True


@_flag("discard-all", "x")
def _(c, s): c.discard_all = True


@_flag("discard-locals", "X")
def _(c, s): c.discard_locals = True


@_flag("gc-sections")
def _(c, s): c.gc_sections = True


@_flag("no-gc-sections")
def _(c, s): c.gc_sections = False


@_flag("print-gc-sections")
def _(c, s): c.print_gc_sections = True


@_flag("M", "print-map")
def _(c, s): c.map_file = c.map_file or "-"


@_flag("sort-common")
def _(c, s): c.sort_common = True


@_flag("nostdlib")
def _(c, s): c.nostdlib = True


@_flag("no-undefined")
def _(c, s): c.no_undefined = True


@_flag("allow-shlib-undefined")
def _(c, s): c.allow_shlib_undefined = True


@_flag("no-allow-shlib-undefined")
def _(c, s): c.allow_shlib_undefined = False


@_flag("enable-new-dtags")
def _(c, s): c.new_dtags = True


@_flag("disable-new-dtags")
def _(c, s): c.new_dtags = False


@_flag("build-id")
def _(c, s): c.build_id = "sha1"


@_flag("time")
def _(c, s): c.time = True


@_flag("verbose", "v", "V")
def _(c, s): c.verbose = True


@_flag("no-dynamic-linker")
def _(c, s): c.no_dynamic_linker = True


@_flag("relax")
def _(c, s): c.relax = True


@_flag("no-relax")
def _(c, s): c.relax = False


@_flag("Bsymbolic")
def _(c, s): c.bsymbolic = True


@_flag("Bsymbolic-functions")
def _(c, s): c.bsymbolic_functions = True


@_flag("default-symver")
def _(c, s): c.default_symver = True


@_flag("no-undefined-version")
def _(c, s): c.no_undefined_version = True


@_flag("undefined-version")
def _(c, s): c.no_undefined_version = False


@_flag("no-init-entry")
def _(c, s): c.init_entry = None


@_flag("copy-dt-needed-entries")
def _(c, s): c.copy_dt_needed = True


for _n in ("O0", "O1", "O2", "O3", "no-copy-dt-needed-entries", "warn-shared-textrel", 
           "no-keep-memory", "stats", "color-diagnostics",
           "eh-frame-hdr=", "allow-multiple-definition", "warn-execstack",
           "no-warn-execstack", "no-warn-rwx-segments", "warn-rwx-segments", "disable-new-dtags=", "enable-linker-version", "ignore-unresolved-symbol",
           "no-print-gc-sections", "Qy", "g", "noinhibit-exec", "check-sections", "no-check-sections",
           "warn-textrel", "no-warn-textrel", "build-id=none", "nmagic", "n", "no-omagic", "EL"):
    _FLAGS.setdefault(_n, _ignore)


@_flag("demangle")
def _(c, s): diag.set_demangle(True)


@_arg("demangle")      # --demangle=STYLE: braze knows one style (the Itanium C++ ABI's)
def _(c, s, v): diag.set_demangle(True)


@_flag("no-demangle")
def _(c, s): diag.set_demangle(False)


@_flag("allow-multiple-definition")
def _(c, s): c.z_muldefs = True


# ---- options with an argument ----
@_arg("o", "output")
def _(c, s, v): c.output = v


@_arg("e", "entry")
def _(c, s, v): c.entry = v


@_arg("L", "library-path")
def _(c, s, v): c.library_paths.append(v)


@_arg("l", "library")
def _(c, s, v): c.inputs.append(s.spec("lib", v))


@_arg("dynamic-linker", "I")
def _(c, s, v): c.dynamic_linker = v


@_arg("plugin", "plugin-opt")
def _(c, s, v): pass


@_arg("m")
def _(c, s, v):
    if v not in ("elf_x86_64", "elf_x86_64_sol2"):
        raise LinkError(f"unsupported emulation: {v} (braze links elf_x86_64 only)")
    c.emulation = v


@_arg("z")
def _(c, s, v): _z_option(c, v)


@_arg("hash-style")
def _(c, s, v):
    if v not in ("gnu", "sysv", "both"):
        raise LinkError(f"unrecognized hash style: {v}")
    c.hash_style = v


@_arg("rpath", "R")
def _(c, s, v):
    # bfd keeps each -rpath string whole and skips one already present as a run of components of
    # what came before (build systems often pass the same -rpath twice: one DT_RUNPATH entry)
    if v and f":{v}:" not in ":" + ":".join(c.rpath) + ":":
        c.rpath.append(v)


@_arg("rpath-link")
def _(c, s, v): c.rpath_link.extend(v.split(":"))


@_arg("soname", "h")
def _(c, s, v): c.soname = v


@_arg("Map")
def _(c, s, v): c.map_file = v


@_arg("defsym")
def _(c, s, v):
    if "=" not in v:
        raise LinkError(f"--defsym: missing '=' in {v!r}")
    name, expr = v.split("=", 1)
    c.defsyms.append((name.strip(), expr.strip()))


@_arg("wrap")
def _(c, s, v): c.wraps.append(v)


@_arg("u", "undefined", "require-defined")
def _(c, s, v): c.undefined.append(v)


@_arg("unresolved-symbols")
def _(c, s, v):
    if v not in ("ignore-all", "report-all", "ignore-in-object-files", "ignore-in-shared-libs"):
        raise LinkError(f"bad --unresolved-symbols option: {v}")
    c.unresolved_symbols = v
    # as in GNU ld, the same setting as --[no-]allow-shlib-undefined: the later option wins
    c.allow_shlib_undefined = v in ("ignore-all", "ignore-in-shared-libs")


@_arg("compress-debug-sections")
def _(c, s, v):
    if v not in ("none", "zlib", "zlib-gnu", "zlib-gabi", "zstd"):
        raise LinkError(f"invalid --compress-debug-sections option: {v}")
    if v == "zstd":
        raise LinkError("--compress-debug-sections=zstd is not supported (use zlib)")
    c.compress_debug_sections = "zlib" if v.startswith("zlib") else v


@_arg("build-id")
def _(c, s, v):
    v = v.lower()
    if v == "none":
        c.build_id = None
    elif v in ("sha1", "md5", "uuid", "tree", "fast") or v.startswith("0x"):
        if v.startswith("0x"):
            try:
                bytes.fromhex(v[2:])
            except ValueError:
                raise LinkError(f"invalid build-id style: {v}") from None
        c.build_id = "sha1" if v in ("tree", "fast") else v
    else:
        raise LinkError(f"invalid build-id style: {v}")


@_arg("T", "script", "dT", "default-script")
def _(c, s, v):
    c.inputs.append(s.spec("file", v))
    c.inputs[-1].tscript = True


@_arg("version-script")
def _(c, s, v): c.version_scripts.append(v)


@_arg("dynamic-list")
def _(c, s, v): c.dynamic_list.append(v)


@_arg("init")
def _(c, s, v): c.init = v


@_arg("fini")
def _(c, s, v): c.fini = v


@_arg("lib-main")
def _(c, s, v): c.lib_main = v


@_arg("init-entry")
def _(c, s, v):
    c.init_entry = v
    c.init_entry_explicit = True


@_arg("sysroot")
def _(c, s, v): c.sysroot = v


@_arg("Ttext", "Tdata", "Tbss")
def _(c, s, v): pass


@_arg("section-start")
def _(c, s, v):
    name, _, addr = v.partition("=")
    c.section_starts[name] = int(addr, 16)


@_arg("threads", "thread-count")
def _(c, s, v):
    try:
        c.threads = max(0, int(v))
    except ValueError:
        raise LinkError(f"--threads: expected a number, got '{v}'") from None


@_flag("no-threads")
def _(c, s): c.threads = 1


@_arg("exclude-libs", "a", "A", "architecture",
      "format", "b", "Y", "package-metadata", "retain-symbols-file", "audit",
      "f", "auxiliary", "F", "filter", "c", "mri-script", "P", "depaudit", "G", "gpsize",
      "sort-section", "image-base", "error-handling-script", "oformat", "orphan-handling")
def _(c, s, v): pass


# ---- diagnostics (-t, -y, warnings; see trace.py and diag.py) ----
@_flag("trace", "t")
def _(c, s): c.trace += 1


@_arg("y", "trace-symbol")
def _(c, s, v): c.trace_symbols.append(v)


@_arg("dependency-file")
def _(c, s, v): c.dependency_file = v


@_flag("warn-common")
def _(c, s): c.warn_common = True


@_flag("fatal-warnings")
def _(c, s): c.fatal_warnings = True


@_flag("no-fatal-warnings")
def _(c, s): c.fatal_warnings = False


@_flag("no-warnings", "w")
def _(c, s): c.no_warnings = True


@_flag("warn-unresolved-symbols")
def _(c, s): c.warn_unresolved = True


@_flag("error-unresolved-symbols")
def _(c, s): c.warn_unresolved = False


@_flag("warn-once")
def _(c, s): c.warn_once = True


@_flag("no-warn-mismatch")
def _(c, s): pass        # braze links x86-64 ELF only: every mismatch it finds is an error either way


_Z_FLAGS = {
    "relro": ("relro", True), "norelro": ("relro", False),
    "now": ("now", True), "lazy": ("now", False),
    "execstack": ("execstack", True), "noexecstack": ("execstack", False),
    "defs": ("z_defs", True), "undefs": ("z_defs", False),
    "text": ("z_text", True), "notext": ("z_text", False), "textoff": ("z_text", False),
    "separate-code": ("separate_code", True), "noseparate-code": ("separate_code", False),
    "nodelete": ("z_nodelete", True), "nodlopen": ("z_nodlopen", True), "origin": ("z_origin", True),
    "initfirst": ("z_initfirst", True), "interpose": ("z_interpose", True),
    "nocopyreloc": ("z_nocopyreloc", True), "ibtplt": ("z_ibtplt", True), "muldefs": ("z_muldefs", True),
}
_Z_IGNORED = {"combreloc", "nocombreloc", "ibt", "shstk", "cet-report=none", "noextern-protected-data",
              "global", "nodump", "noreloc-overflow", "dynamic-undefined-weak", "nodynamic-undefined-weak",
              "pack-relative-relocs", "nopack-relative-relocs", "keep-text-section-prefix",
              "nokeep-text-section-prefix", "unique-symbol", "nounique-symbol", "notext", "start-stop-gc",
              "nostart-stop-gc", "lam-u48", "lam-u57", "noindirect-extern-access", "indirect-extern-access",
              "mark-plt", "nomark-plt", "report-relative-reloc", "nognustack", "stack-size=0",
              "x86-64-baseline", "x86-64-v2", "x86-64-v3", "x86-64-v4", "isa-level-report=none",
              "separate-loadable-segments", "noseparate-loadable-segments", "rodynamic", "nointerpose",
              "common", "nocommon", "sectionheader", "nosectionheader", "execute-only"}


def _parse_int(v: str) -> int:
    return int(v, 0)


def _z_option(c: Config, kw: str) -> None:
    if kw in _Z_FLAGS:
        attr, val = _Z_FLAGS[kw]
        setattr(c, attr, val)
    elif kw.startswith("max-page-size="):
        c.max_page_size = _parse_int(kw.split("=", 1)[1])
    elif kw.startswith("common-page-size="):
        c.common_page_size = _parse_int(kw.split("=", 1)[1])
    elif kw in _Z_IGNORED or kw.startswith(("call-nop=", "stack-size=", "start-stop-visibility=",
                                            "cet-report=", "isa-level-report=", "max-page-size",
                                            "x86-64-")):
        pass
    else:
        diag.warn(f"-z {kw} ignored")


def split_response_file(text: str) -> list[str]:
    """Words of an @file as GNU tools (libiberty's buildargv) read them: blanks separate words;
    '...' and "..." group; a backslash takes the next character literally everywhere, inside
    quotes too; quotes still open at the end of the file simply end there."""
    words: list[str] = []
    word: list[str] = []
    in_word = escape = False
    quote = ""
    for ch in text:
        if escape:
            word.append(ch)
            escape = False
        elif ch == "\\":
            escape = in_word = True
        elif quote:
            if ch == quote:
                quote = ""
            else:
                word.append(ch)
        elif ch in "'\"":
            quote = ch
            in_word = True
        elif ch.isspace():
            if in_word:
                words.append("".join(word))
                word = []
                in_word = False
        else:
            word.append(ch)
            in_word = True
    if in_word:
        words.append("".join(word))
    return words


def expand_response_files(argv: list[str], depth: int = 0) -> list[str]:
    out: list[str] = []
    for a in argv:
        if a.startswith("@") and len(a) > 1:
            path = a[1:]
            try:
                with open(path) as f:
                    text = f.read()
            except OSError:
                out.append(a)   # ld treats an unreadable @file as a file name
                continue
            if depth > 20:
                raise LinkError(f"{path}: response files nested too deeply")
            out.extend(expand_response_files(split_response_file(text), depth + 1))
        else:
            out.append(a)
    return out


# Short options that take an argument attached (-lc, -L/dir, -zrelro, -ofile).
_SHORT_ATTACHED = ("l", "L", "o", "e", "u", "z", "T", "m", "h", "R", "y", "I")


def parse_args(argv: list[str]) -> Config | None:
    """Parse ld's command line. Returns None when nothing should be linked (--help, --version)."""
    argv = expand_response_files(argv)
    c = Config()
    s = _State()
    i = 0
    n = len(argv)
    saw_version = False
    while i < n:
        a = argv[i]
        i += 1
        if not a.startswith("-") or a == "-":
            c.inputs.append(s.spec("file", a))
            continue
        if a in ("--help", "-help"):
            sys.stdout.write(USAGE)
            return None
        if a in ("--version", "-version", "-v", "-V"):
            saw_version = True
            if a in ("-v", "-V") and _has_inputs(argv):
                continue
            continue
        name = a[2:] if a.startswith("--") else a[1:]
        val = None
        if "=" in name:
            key, val = name.split("=", 1)
            if key in _ARGS:
                _ARGS[key](c, s, val)
                continue
            if key in _FLAGS and key == "eh-frame-hdr":
                continue
        if name in _FLAGS:
            _FLAGS[name](c, s)
            continue
        if name in _ARGS:
            if i >= n:
                raise LinkError(f"option requires an argument: {a}")
            _ARGS[name](c, s, argv[i])
            i += 1
            continue
        if not a.startswith("--") and len(a) > 2 and a[1] in _SHORT_ATTACHED:
            _ARGS[a[1]](c, s, a[2:])
            continue
        if a.startswith("-O") and a[2:].isdigit():
            continue
        if a.startswith("-plugin-opt") or a.startswith("--plugin-opt"):
            continue
        if name.startswith("Map") and val is not None:
            c.map_file = val
            continue
        raise LinkError(f"unknown option: {a}")
    if s.group_depth:
        raise LinkError("--start-group without --end-group")
    if saw_version:
        from . import __version__
        sys.stdout.write(f"braze {__version__} (compatible with GNU linkers)\n"
                         "  Supported emulations:\n   elf_x86_64\n")
        if not _has_inputs(argv):
            return None
    # -w overrides --fatal-warnings (GNU ld); both apply to every warning, wherever it is printed
    diag.set_warnings(c.fatal_warnings, c.no_warnings)
    if c.shared:
        c.pie = False
    if c.static and c.shared:
        c.static = False
    if not [x for x in c.inputs if x.kind in ("file", "lib")]:
        raise LinkError("no input files")
    return c


def _has_inputs(argv: list[str]) -> bool:
    return any(not a.startswith("-") for a in argv)
