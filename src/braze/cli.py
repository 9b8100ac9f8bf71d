"""GNU ld command line → Config.

Options are table-driven. ld accepts long options with one or two dashes, `--opt=value` and
`--opt value`, and short options with the argument attached (`-lc`, `-L/dir`, `-zrelro`).
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:     # (typing is not imported at run time: annotations are never evaluated)
    from typing import Any

from . import _os as os
import sys

from . import diag
from .config import Config, InputSpec
from .diag import LinkError

def _usage() -> str:
    """USAGE with the default target's names filled in."""
    from .arch import default_target, emulation_names, targets
    t = default_target()
    # as bfd's --help, the formats and emulations: libtool's configure builds shared libraries only
    # when the linker's --help matches `: supported targets:.* elf` (else static ones alone, silently)
    formats = [x.output_format for x in targets()] + ["elf64-little", "binary"]
    return (USAGE.replace("@EMULATION@", t.emulations[0]).replace("@LIBINIT@", t.lib_init_symbol)
            + f"braze: supported targets: {' '.join(formats)}\n"
            + f"braze: supported emulations: {' '.join(emulation_names())}\n")


USAGE = """\
Usage: braze [options] file...
A GNU-compatible ELF linker for x86-64 and aarch64 Linux (drop-in for ld; gcc -B"$(braze shim-dir)").

Commands:
  braze shim-dir            print a directory whose `ld` runs braze (for gcc -B)
  braze run -- CMD...       run a build with COMPILER_PATH set so gcc/g++/clang link with braze

Options (GNU ld spelling; each works as in GNU ld 2.40; any other GNU ld option is refused with
"braze: error: option X is not supported", and -z keywords GNU ld does not know are only warned about):
  -o FILE  -e SYM  -L DIR  -lNAME  -l:FILE  -static/-Bstatic  -Bdynamic  -pie  -no-pie  -shared
  -soname NAME  -rpath DIR (-R DIR)  -rpath-link DIR  --enable-new-dtags  --disable-new-dtags  -nostdlib
  -dynamic-linker FILE  --no-dynamic-linker  --build-id[=STYLE]  --eh-frame-hdr  --hash-style=gnu|sysv|both
  -z relro|norelro|now|lazy|execstack|noexecstack|defs|undefs|text|notext|separate-code|noseparate-code
  -z nodelete|nodlopen|origin|initfirst|interpose|muldefs|max-page-size=N|common-page-size=N
  --as-needed  --no-as-needed  --push-state  --pop-state  --whole-archive  --no-whole-archive
  --copy-dt-needed-entries  --no-copy-dt-needed-entries (--add-needed  --no-add-needed)
  --start-group ... --end-group (-( -))  --export-dynamic (-E)  --no-export-dynamic  --dynamic-list FILE
  -s/--strip-all  -S/--strip-debug  -x/--discard-all  -X/--discard-locals  --discard-none
  --gc-sections  --print-gc-sections  -Map FILE  -M
  --defsym SYM=EXPR  --wrap SYM  -u SYM  --no-undefined  --[no-]allow-shlib-undefined
  --unresolved-symbols=...  --warn-unresolved-symbols  -T SCRIPT (SECTIONS: static executables)  -O LEVEL
  --version-script FILE  --default-symver  --no-undefined-version  --undefined-version
  --sysroot=DIR (-L=DIR, -L$SYSROOT/DIR)  --section-start=SEC=ADDR  -Ttext|-Tdata|-Tbss ADDR  -Ttext-segment ADDR
  -Bsymbolic  -Bsymbolic-functions  -Bno-symbolic  -init SYM  -fini SYM
  --sort-common[=ascending|descending]  --sort-section=name|alignment
  --allow-multiple-definition
  --export-dynamic-symbol GLOB  --export-dynamic-symbol-list FILE  --exclude-libs LIB,...|ALL
  --[no-]ld-generated-unwind-info  --[no-]relax  --[no-]warn-execstack
  --[no-]demangle  --compress-debug-sections=none|zlib|zstd|zlib-gnu  -m @EMULATION@  --verbose  --version  --help
  --print-output-format  --print-sysroot
  --dynamic-list-data  --dynamic-list-cpp-typeinfo  --dynamic-list-cpp-new  --require-defined SYM
  --ignore-unresolved-symbol SYM  --unique[=GLOB]  -Bgroup  --default-imported-symver
  --no-define-common (with -shared)  --error-handling-script SCRIPT
  -F/--filter LIB  -f/--auxiliary LIB (with -shared)  --audit LIB  -P/--depaudit LIB
  -z global|nodefaultlib|nodump|loadfltr|globalaudit|unique|nounique  --package-metadata=JSON
  -z ibt|shstk|ibtplt (IBT PLT: .plt.sec)  -z cet-report=none|warning|error  -z x86-64-{baseline,v2,v3,v4}
  -z lam-u48|lam-u57  -z lam-u48-report=|lam-u57-report=|lam-report=none|warning|error
  --spare-dynamic-tags N  --force-exe-suffix  --target-help
  -z [no]pack-relative-relocs  -z [no]dynamic-undefined-weak  -z stack-size=N
  -z start-stop-visibility=V  -z [no]start-stop-gc  -z call-nop=prefix-addr|suffix-nop|prefix-N|suffix-N
  -t/--trace  -y/--trace-symbol SYM  --dependency-file FILE  --warn-common  --[no-]fatal-warnings
  -w/--no-warnings  --warn-once  --error-unresolved-symbols  --[no-]warn-rwx-segments
  --no-warn-search-mismatch  -N/--omagic  -n/--nmagic  --no-omagic  (static executables)
  -r/-i/-Ur/--relocatable (an ET_REL output as ld -r; -T with a SECTIONS script of input patterns)
  -b binary|elf64-x86-64|default  --format=...  (binary: _binary_NAME_start/_end/_size)
  --oformat binary|elf64-x86-64|default  (binary, x86-64: a raw memory image as bfd writes it; also
                          OUTPUT_FORMAT(binary) in a -T script)
  -q/--emit-relocs  (keep .rela.<section> in the final output, as bfd)
  -plugin PLUGIN  -plugin-opt OPT  (LTO through the compiler's linker plugin: gcc/clang -flto)
  --[no-]check-sections  (a SECTIONS script's overlapping sections: an error; with --no-check-sections
                          refused, as braze does not write overlapping layouts)
  Also accepted, changing nothing (GNU ld ignores them, or they ask for the default): -g -Qy -EL
  --no-keep-memory --warn-textrel ... (see _NOOPS in cli.py)

braze's own options:
  --time  (print the wall time of each link pass)
  --cref  (GNU ld's cross reference table, on stdout or at the end of the -Map file)
lld's options for the questions people ask a linker (same formats as ld.lld):
  --why-extract=FILE  --print-archive-stats=FILE  (FILE '-': stdout)
  --why-live=GLOB  (with --gc-sections)  --time-trace  --time-trace-file=FILE  --time-trace-granularity=N
  --threads=N  --no-threads  (N>=2: apply relocations in two processes; default: one, faster here)
  --no-cache   do not use the cache of parsed archive members ($BRAZE_CACHE_DIR, default
               ~/.cache/braze/inputs; entries are checked against the file and each member)
  --size-map=FILE.html|FILE.json  (what takes the bytes: a treemap page, or JSON for tools)
  --reproduce=FILE.tar  (as lld: every input and response.txt; replay with `braze @response.txt`)

Library initialisation (braze):
  With -shared, if @LIBINIT@ is defined (globally, or locally in one object), braze adds
  an .init_array entry for it (RELATIVE relocation), placed FIRST: it runs before the library's own
  constructors, prioritized ones included, when the library is loaded (dlopen, link-time dependency,
  LD_PRELOAD); glibc passes (argc, argv, envp), musl passes nothing. No entry is added when an input
  .init_array already calls it (Go's go.o), nor without -shared (--verbose says so).
  --init-entry=SYM          use SYM as the library-init entry instead (SYM must be defined)
  --no-init-entry           add no init entry
  --lib-main=SYM            braze supplies @LIBINIT@ itself (generated code): at load it
                            starts a detached thread (pthread_create) running SYM(argc, argv, envp)
                            and returns at once, so dlopen does not block; if the thread cannot be
                            created it says so on stderr and the library stays loaded
"""

# Options without an argument: name -> action(config, state)
_FLAGS: dict[str, Any] = {}
# Options with one argument: name -> action(config, state, value)
_ARGS: dict[str, Any] = {}


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
    def __init__(self) -> None:
        self.as_needed = False
        self.whole_archive = False
        self.static = False
        self.copy_dt_needed = False       # --copy-dt-needed-entries in force (bfd's add_DT_NEEDED_for_dynamic)
        self.stack: list[tuple[bool, bool, bool, bool]] = []
        self.group_depth = 0
        self.command_files: list = []     # (list, index, number of -L dirs so far): searched at the end
        self.binary = False               # -b binary in force

    def spec(self, kind, value=""):
        sp = InputSpec(kind, value, self.as_needed, self.whole_archive, self.static)
        if self.copy_dt_needed:
            sp.copy_dt_needed = True
        if self.binary:
            sp.binary = True
        return sp


# ---- flags ----
# -shared, -pie and -no-pie each set bfd's output type: the last one given wins
@_flag("shared", "Bshareable")
def _flag_shared(c, s):
    c.shared = True
    c.pie = False


@_flag("pie", "pic-executable")
def _flag_pie(c, s):
    c.pie = True
    c.shared = False


@_flag("no-pie")
def _flag_no_pie(c, s):
    c.pie = c.shared = False


@_flag("static", "Bstatic", "dn", "non_shared")
def _flag_static(c, s):
    s.static = True
    c.static = True
    if not any(x.kind in ("file", "lib") for x in c.inputs):
        c.static_first = True


# -N/-n/--no-omagic set bfd's two switches, the last one given winning: text_read_only (-N clears
# it: the output .text is writable) and magic_demand_paged (-N and -n clear it: no page alignment,
# bfd's -N or -n default script); -N and -n also stop -l from finding shared libraries from there
# on (as -Bstatic), --no-omagic does not undo that.
@_flag("N", "omagic")
def _flag_N(c, s):
    c.text_rw = True
    c.paged = False
    s.static = True


@_flag("n", "nmagic")
def _flag_n(c, s):
    c.text_rw = False
    c.paged = False
    s.static = True


@_flag("no-omagic")
def _flag_no_omagic(c, s):
    c.text_rw = False
    c.paged = True


@_flag("Bdynamic", "dy", "call_shared")
def _flag_Bdynamic(c, s): s.static = False


@_flag("as-needed")
def _flag_as_needed(c, s): s.as_needed = True


@_flag("no-as-needed")
def _flag_no_as_needed(c, s): s.as_needed = False


# --copy-dt-needed-entries: the DT_NEEDED libraries of the shared libraries that follow are read
# and may resolve the link's references (resolve.Reader.scan_indirect_dsos); positional, as --as-needed
@_flag("copy-dt-needed-entries", "add-needed")
def _flag_copy_dt_needed(c, s): s.copy_dt_needed = True


@_flag("no-copy-dt-needed-entries", "no-add-needed")
def _flag_no_copy_dt_needed(c, s): s.copy_dt_needed = False


@_flag("whole-archive")
def _flag_whole_archive(c, s): s.whole_archive = True


@_flag("no-whole-archive")
def _flag_no_whole_archive(c, s): s.whole_archive = False


@_flag("push-state")
def _flag_push_state(c, s): s.stack.append((s.as_needed, s.whole_archive, s.static, s.copy_dt_needed))


@_flag("pop-state")
def _flag_pop_state(c, s):
    if not s.stack:
        raise LinkError("--pop-state without a matching --push-state")
    s.as_needed, s.whole_archive, s.static, s.copy_dt_needed = s.stack.pop()


@_flag("start-group", "(")
def _flag_start_group(c, s):
    if s.group_depth:
        raise LinkError("nested --start-group")
    s.group_depth += 1
    c.inputs.append(s.spec("group_start"))


@_flag("end-group", ")")
def _flag_end_group(c, s):
    if not s.group_depth:
        raise LinkError("--end-group without --start-group")
    s.group_depth -= 1
    c.inputs.append(s.spec("group_end"))


@_flag("eh-frame-hdr")
def _flag_eh_frame_hdr(c, s):
    c.eh_frame_hdr = True


@_flag("no-eh-frame-hdr")
def _flag_no_eh_frame_hdr(c, s): c.eh_frame_hdr = False


@_flag("ld-generated-unwind-info")
def _flag_ld_generated_unwind_info(c, s): c.plt_unwind = True


@_flag("no-ld-generated-unwind-info")
def _flag_no_ld_generated_unwind_info(c, s): c.plt_unwind = False


@_flag("export-dynamic", "E")
def _flag_export_dynamic(c, s): c.export_dynamic = True


@_flag("no-export-dynamic")
def _flag_no_export_dynamic(c, s): c.export_dynamic = False


@_flag("strip-all", "s")
def _flag_strip_all(c, s): c.strip_all = True


@_flag("strip-debug", "S")
def _flag_strip_debug(c, s): c.strip_debug = True


@_flag("discard-all", "x")
def _flag_discard_all(c, s): c.discard = "all"


@_flag("discard-locals", "X")
def _flag_discard_locals(c, s): c.discard = "locals"


@_flag("discard-none")
def _flag_discard_none(c, s): c.discard = "none"


@_flag("gc-sections")
def _flag_gc_sections(c, s): c.gc_sections = True


@_flag("no-gc-sections")
def _flag_no_gc_sections(c, s): c.gc_sections = False


@_flag("print-gc-sections")
def _flag_print_gc_sections(c, s): c.print_gc_sections = True


@_flag("stats")
def _flag_stats(c, s): c.stats = True


@_flag("print-map-discarded")
def _flag_print_map_discarded(c, s): c.map_discarded = True


@_flag("no-print-map-discarded")
def _flag_no_print_map_discarded(c, s): c.map_discarded = False


@_flag("M", "print-map")
def _flag_M(c, s): c.map_file = c.map_file or "-"


@_flag("sort-common", "sort_common")
def _flag_sort_common(c, s): c.sort_common = "descending"


@_arg("sort-common")
def _arg_sort_common(c, s, v):
    if v not in ("descending", "ascending"):
        raise LinkError(f"invalid common section sorting option: {v}")
    c.sort_common = v


@_arg("sort-section")
def _arg_sort_section(c, s, v):
    if v not in ("name", "alignment"):
        raise LinkError(f"invalid section sorting option: {v}")
    c.sort_section = "name" if v == "name" else "align"


@_flag("nostdlib")
def _flag_nostdlib(c, s): c.nostdlib = True


@_flag("no-undefined")
def _flag_no_undefined(c, s):
    c.no_undefined = True
    c.undef_objects = "report"


@_flag("Bgroup")
def _flag_Bgroup(c, s):
    """DF_1_GROUP in DT_FLAGS_1, and --unresolved-symbols=report-all (bfd sets both; positional as that
    option: a later --unresolved-symbols or --allow-shlib-undefined wins)."""
    c.flags_1_extra |= 0x4
    _arg_unresolved_symbols(c, s, "report-all")


@_flag("default-imported-symver")
def _flag_default_imported_symver(c, s):
    """Symbols imported from a library without symbol versions (no .gnu.version) need a version named
    after its DT_NEEDED name (passes.default_imported_versions)."""
    c.default_imported_symver = True


@_flag("no-define-common")
def _flag_no_define_common(c, s):
    """-shared only: common symbols are not allocated but left undefined (passes.undefine_commons)."""
    c.no_define_common = True


@_arg("error-handling-script")
def _arg_error_handling_script(c, s, v):
    """Run V (looked up in PATH) before each undefined-reference report and missing library (errscript.py)."""
    c.error_handling_script = v


@_flag("allow-shlib-undefined")
def _flag_allow_shlib_undefined(c, s): c.allow_shlib_undefined = True


@_flag("no-allow-shlib-undefined")
def _flag_no_allow_shlib_undefined(c, s): c.allow_shlib_undefined = False


@_flag("enable-new-dtags")
def _flag_enable_new_dtags(c, s): c.new_dtags = True


@_flag("disable-new-dtags")
def _flag_disable_new_dtags(c, s): c.new_dtags = False


@_flag("build-id")
def _flag_build_id(c, s): c.build_id = "default"     # bfd's sha1 size; the digest is braze's choice (synthetic/notes.py)


@_flag("time")
def _flag_time(c, s): c.time = True


# ---- the Python API's companions: --size-map (braze's own), --reproduce (lld's) ----
@_arg("size-map")
def _arg_size_map(c, s, v):
    if not v.endswith((".html", ".htm", ".json")):
        raise LinkError(f"--size-map={v}: the file name must end in .html or .json")
    c.size_map = v


@_arg("orphan-handling")   # --orphan-handling=place|discard|warn|error (bfd: any case)
def _arg_orphan_handling(c, s, v):
    mode = v.lower()
    if mode not in ("place", "discard", "warn", "error"):
        raise LinkError('invalid argument to option "--orphan-handling"')
    c.orphan_handling = mode


@_arg("reproduce")
def _arg_reproduce(c, s, v): c.reproduce = v


@_flag("verbose", "dll-verbose")
def _flag_verbose(c, s): c.verbose = True


@_flag("gc-keep-exported")
def _flag_gc_keep_exported(c, s): c.gc_keep_exported = True


@_flag("print-sysroot")
def _flag_print_sysroot(c, s): c.print_sysroot = True


@_flag("print-output-format")
def _flag_print_output_format(c, s): c.print_output_format = True


@_arg("verbose")      # --verbose=NUMBER: braze has one level of detail
def _arg_verbose(c, s, v): c.verbose = True


@_flag("no-dynamic-linker")
def _flag_no_dynamic_linker(c, s): c.no_dynamic_linker = True


@_flag("relax")
def _flag_relax(c, s): c.relax = True


@_flag("no-relax")
def _flag_no_relax(c, s): c.relax = False


# ---- export control (bfd: one -B setting, the last wins; --export-dynamic-symbol is a dynamic
# list in executables, and in -shared only with -Bsymbolic(-functions) or --dynamic-list) ----
@_flag("Bsymbolic")
def _flag_Bsymbolic(c, s): c.bsymbolic, c.bsymbolic_functions = True, False


@_flag("Bsymbolic-functions")
def _flag_Bsymbolic_functions(c, s): c.bsymbolic, c.bsymbolic_functions = False, True


@_flag("Bno-symbolic")
def _flag_Bno_symbolic(c, s): c.bsymbolic = c.bsymbolic_functions = False


@_arg("export-dynamic-symbol")
def _arg_export_dynamic_symbol(c, s, v): c.export_dynamic_symbols.append(("pattern", v))


@_arg("export-dynamic-symbol-list")
def _arg_export_dynamic_symbol_list(c, s, v):
    c.export_dynamic_symbols.append(("file", v))
    s.command_files.append((c.export_dynamic_symbols, len(c.export_dynamic_symbols) - 1, len(c.library_paths)))


@_arg("exclude-libs")
def _arg_exclude_libs(c, s, v): c.exclude_libs.extend(n for n in v.replace(",", ":").split(":") if n)


def _finish_export_control(c: Config) -> None:
    """bfd's reading of the -B, --dynamic-list and --export-dynamic-symbol options together: a
    dynamic list (the export list joins it) cancels -Bsymbolic(-functions); then in -shared only
    listed symbols stay preemptible. -Bsymbolic-functions alone keeps only data preemptible."""
    c.dynamic_bind = c.dynamic_data = False
    for kind, v in c.export_dynamic_symbols:
        if kind == "file" and not os.access(v, os.R_OK):    # bfd reads the list even when unused
            raise LinkError(f"cannot open linker script file {v}: No such file or directory"
                            if not os.path.exists(v) else f"cannot open linker script file {v}")
    if c.export_dynamic_symbols and (not c.shared or c.bsymbolic or c.bsymbolic_functions or c.dynamic_list):
        c.dynamic_list_exports = True
    if c.dynamic_list or c.dynamic_list_exports or c.dynamic_list_data or c.dynamic_list_builtin:
        c.dynamic_bind = True
        c.bsymbolic = c.bsymbolic_functions = False
    elif c.bsymbolic_functions and c.shared:
        c.dynamic_bind = c.dynamic_data = True
    if not c.shared:
        c.bsymbolic = c.bsymbolic_functions = False


# ---- bfd's built-in dynamic lists: each acts as a --dynamic-list (cancels -B, in -shared makes
# unlisted symbols bind locally); -data lists every data object, the C++ ones fixed patterns ----
@_flag("dynamic-list-data")
def _flag_dynamic_list_data(c, s): c.dynamic_list_data = True


@_flag("dynamic-list-cpp-typeinfo")
def _flag_dynamic_list_cpp_typeinfo(c, s): c.dynamic_list_builtin.append("typeinfo")


@_flag("dynamic-list-cpp-new")
def _flag_dynamic_list_cpp_new(c, s): c.dynamic_list_builtin.append("new")


@_arg("ignore-unresolved-symbol")
def _arg_ignore_unresolved_symbol(c, s, v): c.ignore_unresolved.add(v)


@_flag("warn-rwx-segments")
def _flag_warn_rwx_segments(c, s): c.warn_rwx_segments = True


@_flag("warn-textrel")             # bfd: textrel_check = warning (also ends an earlier -z text)
def _flag_warn_textrel(c, s):
    c.z_text = False
    c.textrel_warn = True


@_flag("warn-shared-textrel")      # GNU ld's old name for --warn-textrel
def _flag_warn_shared_textrel(c, s):
    c.z_text = False
    c.textrel_warn = True


@_flag("no-warn-rwx-segments")
def _flag_no_warn_rwx_segments(c, s): c.warn_rwx_segments = False


@_flag("no-warn-search-mismatch")
def _flag_no_warn_search_mismatch(c, s): c.warn_search_mismatch = False


@_flag("default-symver")
def _flag_default_symver(c, s): c.default_symver = True


@_flag("no-undefined-version")
def _flag_no_undefined_version(c, s): c.no_undefined_version = True


@_flag("undefined-version")
def _flag_undefined_version(c, s): c.no_undefined_version = False


@_flag("no-init-entry")
def _flag_no_init_entry(c, s): c.init_entry = None


@_flag("demangle")
def _flag_demangle(c, s): diag.set_demangle(True)


@_arg("demangle")      # --demangle=STYLE: auto, gnu-v3 (C++), rust, none
def _arg_demangle(c, s, v): diag.set_demangle_style(v)


@_flag("no-demangle")
def _flag_no_demangle(c, s): diag.set_demangle(False)


@_flag("allow-multiple-definition")
def _flag_allow_multiple_definition(c, s): c.z_muldefs = True


# ---- options with an argument ----
@_arg("o", "output")
def _arg_o(c, s, v):
    c.output = v
    c.output_given = True       # (a script's OUTPUT() does not replace it)


@_arg("e", "entry")
def _arg_e(c, s, v): c.entry = v


@_arg("L", "library-path")
def _arg_L(c, s, v): c.library_paths.append(v)


@_arg("l", "library")
def _arg_l(c, s, v): c.inputs.append(s.spec("lib", v))


@_arg("dynamic-linker", "I")
def _arg_dynamic_linker(c, s, v): c.dynamic_linker = v


@_arg("m")
def _arg_m(c, s, v):
    from .arch import target_for_emulation, emulation_names, refused_emulation
    if target_for_emulation(v) is None:
        why = refused_emulation(v)
        raise LinkError(f"unsupported emulation: {v}{f' ({why})' if why else ''}; braze links "
                        f"{', '.join(emulation_names())} only")
    c.emulation = v


# ---- aarch64 (issue 12 part 2)
@_flag("fix-cortex-a53-843419")
def _flag_fix_cortex_a53_843419(c, s):
    c.fix_cortex_a53_843419 = True
    c.fix_843419_mode = "full"


@_arg("fix-cortex-a53-843419")
def _arg_fix_cortex_a53_843419(c, s, v):
    # (bfd reports an unknown word as an error yet links with the full fix and exits 0: refused here)
    if v not in ("", "full", "adr", "adrp"):
        raise LinkError(f"unrecognized option for --fix-cortex-a53-843419: {v}")
    c.fix_cortex_a53_843419 = True
    c.fix_843419_mode = v or "full"


@_flag("no-apply-dynamic-relocs")
def _flag_no_apply_dynamic_relocs(c, s): c.no_apply_dynamic_relocs = True


@_flag("pic-veneer")
def _flag_pic_veneer(c, s): c.pic_veneer = True


@_arg("stub-group-size")
def _arg_stub_group_size(c, s, v):
    c.stub_group_size = _bfd_scan_vma(v)


def _bfd_scan_vma(v: str) -> int:
    """A number as bfd_scan_vma reads it (C's strtoul, base 0; an empty word is 0), as bfd's signed
    64-bit group size; anything left over is bfd's fatal "invalid number"."""
    if v and _c_number_prefix(v) != v:
        raise LinkError(f"invalid number `{v}'")
    n = _c_strtoul(v)
    n = max(min(n, (1 << 64) - 1), -((1 << 64) - 1)) & ((1 << 64) - 1)     # (strtoul saturates, then wraps)
    return n - (1 << 64) if n >> 63 else n


@_arg("z")
def _arg_z(c, s, v): _z_option(c, v)


@_arg("hash-style")
def _arg_hash_style(c, s, v):
    if v not in ("gnu", "sysv", "both"):
        raise LinkError(f"unrecognized hash style: {v}")
    c.hash_style = v


# ---- --just-symbols / -R FILE (justsyms.py) ----
@_arg("R", "just-symbols")
def _arg_R(c, s, v):
    """-R FILE / --just-symbols FILE: FILE's symbols as absolute definitions (an input in command-line
    order); a directory is -rpath DIR, for both spellings, as in bfd."""
    if os.path.isdir(v):
        _add_rpath(c, v)
        return
    sp = s.spec("file", v)
    sp.just_syms = True
    c.inputs.append(sp)


@_flag("disable-multiple-abs-defs")
def _flag_disable_multiple_abs_defs(c, s): c.disable_multiple_abs_defs = True


# ---- --print-memory-usage (memusage.py) ----
@_flag("print-memory-usage")
def _flag_print_memory_usage(c, s): c.print_memory_usage = True


# ---- --retain-symbols-file (symtab.py) ----
@_arg("retain-symbols-file")
def _arg_retain_symbols_file(c, s, v):
    """Names separated by white space; bfd reads the file while it reads the options."""
    if c.retain_symbols is not None:
        raise LinkError("duplicate retain-symbols-file")
    try:
        with open(v, "rb") as f:
            text = f.read().decode("utf-8", "surrogateescape")
    except OSError as e:
        raise LinkError(f"{v}: {e.strerror}") from None
    c.retain_symbols = frozenset(text.split())


@_arg("rpath")
def _arg_rpath(c, s, v): _add_rpath(c, v)


def _add_rpath(c, v):
    # bfd keeps each -rpath string whole and skips one already present as a run of components of
    # what came before (build systems often pass the same -rpath twice: one DT_RUNPATH entry); an
    # empty one counts too (a first `-rpath ''` is an empty run path, and LD_RUN_PATH is not used)
    if not c.rpath or f":{v}:" not in ":" + ":".join(c.rpath) + ":":
        c.rpath.append(v)


@_arg("rpath-link")
def _arg_rpath_link(c, s, v): c.rpath_link.extend(v.split(":"))


@_arg("soname", "h")
def _arg_soname(c, s, v): c.soname = v


@_arg("Map")
def _arg_Map(c, s, v): c.map_file = v


@_arg("defsym")
def _arg_defsym(c, s, v):
    if "=" not in v:
        raise LinkError(f"--defsym: missing '=' in {v!r}")
    name, expr = v.split("=", 1)
    c.defsyms.append((name.strip(), expr.strip()))
    c.defsym_at.append(len(c.inputs))    # bfd defines it there: later archives see it defined


@_arg("wrap")
def _arg_wrap(c, s, v): c.wraps.append(v)


@_arg("u", "undefined")
def _arg_u(c, s, v): c.undefined.append(v)


@_arg("require-defined")
def _arg_require_defined(c, s, v):
    c.undefined.append(v)
    c.require_defined.append(v)


@_arg("unresolved-symbols")
def _arg_unresolved_symbols(c, s, v):
    if v not in ("ignore-all", "report-all", "ignore-in-object-files", "ignore-in-shared-libs"):
        raise LinkError(f"bad --unresolved-symbols option: {v}")
    c.unresolved_symbols = v
    c.undef_objects = "ignore" if v in ("ignore-all", "ignore-in-object-files") else "report"
    # as in GNU ld, the same setting as --[no-]allow-shlib-undefined: the later option wins
    c.allow_shlib_undefined = v in ("ignore-all", "ignore-in-shared-libs")


@_arg("compress-debug-sections")
def _arg_compress_debug_sections(c, s, v):
    w = v.lower()           # (bfd compares the names ignoring case)
    if w not in ("none", "zlib", "zlib-gnu", "zlib-gabi", "zstd"):
        raise LinkError(f"invalid --compress-debug-sections option: {v}")
    c.compress_debug_sections = "zlib" if w == "zlib-gabi" else w


@_arg("build-id")
def _arg_build_id(c, s, v):
    # checked once all options are read (_check_tags): bfd validates only the last --build-id
    c.build_id = None if v == "none" else "=" + v


def _build_id_style(v: str) -> str | None:
    """bfd's styles, case as given; any other value (lld's `tree`/`fast`, `SHA1`, odd or non-hex `0x…`)
    draws bfd's warning and leaves the output without a build-id."""
    if v in ("sha1", "md5", "uuid") or (v[:2] == "0x" and len(v) > 2 and len(v) % 2 == 0
                                        and all(ch in _HEX for ch in v[2:])):
        return v
    diag.warn("unrecognized --build-id style ignored")
    return None


_HEX = frozenset("0123456789abcdefABCDEF")


@_arg("T", "script")
def _arg_T(c, s, v):
    c.inputs.append(s.spec("file", v))
    s.command_files.append((c.inputs, len(c.inputs) - 1, len(c.library_paths)))
    c.inputs[-1].tscript = True
    c.inputs[-1].lib_dirs_before = len(c.library_paths)    # (bfd: its INCLUDEs see only these -L)


@_arg("dT", "default-script")
def _arg_dT(c, s, v):
    """bfd reads it in place of its default script, so never when a -T script is given (resolve.py)."""
    _ARGS["T"](c, s, v)
    c.inputs[-1].dscript = True


@_arg("version-script")
def _arg_version_script(c, s, v):
    c.version_scripts.append(v)
    s.command_files.append((c.version_scripts, len(c.version_scripts) - 1, len(c.library_paths)))


@_arg("dynamic-list")
def _arg_dynamic_list(c, s, v):
    c.dynamic_list.append(v)
    s.command_files.append((c.dynamic_list, len(c.dynamic_list) - 1, len(c.library_paths)))


@_arg("init")
def _arg_init(c, s, v): c.init = v


@_arg("fini")
def _arg_fini(c, s, v): c.fini = v


@_arg("lib-main")
def _arg_lib_main(c, s, v): c.lib_main = v


@_arg("init-entry")
def _arg_init_entry(c, s, v):
    c.init_entry = v
    c.init_entry_explicit = True


@_arg("sysroot")
def _arg_sysroot(c, s, v): c.sysroot = v


def scan_vma(text: str) -> int | None:
    """A number as bfd reads `-e NUMBER` (bfd_scan_vma: C's strtoull with base 0 over the whole
    text): leading blanks, a sign, 0x hex / 0 octal / decimal, '-' negating modulo 2**64, too large
    saturating to 2**64 - 1; None when the text is not all one number (then a symbol name)."""
    t = text.lstrip(" \t\n\r\f\v")
    neg = t[:1] == "-"
    if t[:1] in ("-", "+"):
        t = t[1:]
    if t[:2] in ("0x", "0X") and len(t) > 2:
        digits, base, ok = t[2:], 16, "0123456789abcdefABCDEF"
    elif t[:1] == "0":
        digits, base, ok = t, 8, "01234567"
    else:
        digits, base, ok = t, 10, "0123456789"
    if not digits or any(c not in ok for c in digits):
        return None
    mask = (1 << 64) - 1
    v = int(digits, base)
    if v > mask:
        return mask
    return -v & mask if neg else v


# ---- search and layout (sysroot, -T/--version-script search, section addresses) ----
def _hex_address(opt: str, v: str) -> int:
    """bfd reads these addresses as hexadecimal, with or without 0x."""
    t = v.strip()
    try:
        return int(t[2:] if t[:2].lower() == "0x" else t, 16)
    except ValueError:
        raise LinkError(f"invalid hex number for {opt}: '{v}'") from None


@_arg("section-start")
def _arg_section_start(c, s, v):
    name, eq, addr = v.partition("=")
    if not eq or not name:
        raise LinkError(f"invalid argument to option \"--section-start\": '{v}'")
    # the last address counts; the section keeps the place of its first mention (header order)
    c.section_starts[name] = _hex_address("--section-start", addr)


@_arg("Ttext")
def _arg_Ttext(c, s, v): c.section_starts[".text"] = _hex_address("-Ttext", v)


@_arg("Tdata")
def _arg_Tdata(c, s, v): c.section_starts[".data"] = _hex_address("-Tdata", v)


@_arg("Tbss")
def _arg_Tbss(c, s, v): c.section_starts[".bss"] = _hex_address("-Tbss", v)


@_arg("Ttext-segment")
def _arg_Ttext_segment(c, s, v): c.text_segment = _hex_address("-Ttext-segment", v)


def _search_command_files(c: Config, s: _State) -> None:
    """-T scripts, version scripts and dynamic lists not found as named are looked for in the -L
    directories given before them (bfd opens each as it parses the option); `=` in -L means the
    sysroot, which bfd takes from the whole command line first."""
    if not s.command_files:
        return
    from .search import expand_dir, find_command_file
    dirs = [expand_dir(d, c.sysroot) for d in c.library_paths]
    for lst, i, nl in s.command_files:
        item = lst[i]
        if isinstance(item, str):
            lst[i] = find_command_file(item, dirs[:nl])
        elif isinstance(item, tuple):       # (--export-dynamic-symbol-list: ("file", name))
            lst[i] = (item[0], find_command_file(item[1], dirs[:nl]))
        else:
            item.value = find_command_file(item.value, dirs[:nl])


@_arg("threads", "thread-count")
def _arg_threads(c, s, v):
    try:
        c.threads = max(0, int(v))
    except ValueError:
        raise LinkError(f"--threads: expected a number, got '{v}'") from None


@_flag("unique")
def _flag_unique(c, s): c.unique.append(None)


@_arg("unique")
def _arg_unique(c, s, v): c.unique.append(v)


@_flag("no-threads")
def _flag_no_threads(c, s): c.threads = 1


# ---- issue 11 (speed): braze's own options ----
@_flag("no-cache")
def _flag_no_cache(c, s):
    """Neither read nor write the cache of parsed archive members (inputs/cache.py)."""
    c.input_cache = False


# ---- issue 8: options whose meaning is settled here (each works as in bfd) ----
@_arg("O")
def _arg_O(c, s, v):
    """bfd: -O N optimizes when N (read as C's strtoul(N, 0, 0) does) is non-zero; on ELF that
    means choosing the .hash/.gnu.hash bucket count by searching for the fewest collisions."""
    c.optimize = _c_strtoul(v) != 0


def _c_strtoul(v: str) -> int:
    """The value of C's strtoul(v, NULL, 0): the longest valid prefix, 0 when there is none."""
    t = v.lstrip(" \t\n\v\f\r")
    neg = t[:1] == "-"
    if t[:1] in "+-" and t:
        t = t[1:]
    if t[:2].lower() == "0x" and t[2:3] and t[2:3] in "0123456789abcdefABCDEF":
        base, t = 16, t[2:]
    elif t[:1] == "0":
        base = 8
    else:
        base = 10
    n = 0
    for ch in t:
        d = int(ch, 36) if ch.isalnum() and ch.isascii() else 99
        if d >= base:
            break
        n = n * base + d
    return -n if neg else n


def _c_number_prefix(v: str) -> str:
    """The part of V that C's strtoul(V, &end, 0) consumes ('' when it reads no digit)."""
    import re
    m = re.match(r"\s*[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)", v)
    return m.group(0) if m else ""


# Options that change nothing in braze's output but whose value bfd checks: the same check here.
@_arg("assert")
def _arg_assert(c, s, v):
    """SunOS compatibility: bfd ignores these four keywords and refuses any other."""
    if v not in ("definitions", "nodefinitions", "nosymbolic", "pure-text"):
        raise LinkError(f"unrecognized -assert option `{v}'")


_SPARE_TAGS_MAX = 1 << 20       # braze's limit (a 16 MiB .dynamic); bfd takes any unsigned int


@_arg("spare-dynamic-tags")
def _arg_spare_dynamic_tags(c, s, v):
    """bfd reads N with strtoul (no check: a word that is no number is 0, "-1" is ULONG_MAX) into an
    unsigned int; N+1 DT_NULL entries end .dynamic (synthetic/dynamic.py)."""
    n = _c_strtoul(v)
    if abs(n) > 0xffffffffffffffff:
        n = 0xffffffffffffffff
    n = (n & 0xffffffffffffffff) & 0xffffffff
    if n > _SPARE_TAGS_MAX:
        raise LinkError(f"--spare-dynamic-tags {n} is not supported (braze reserves at most "
                        f"{_SPARE_TAGS_MAX} spare tags)")
    c.spare_dynamic_tags = n


@_flag("force-exe-suffix")
def _flag_force_exe_suffix(c, s):
    """Copy the output to OUTPUT.exe unless its name ends in .exe or .dll (link.py)."""
    c.force_exe_suffix = True


@_arg("hash-size=")
def _arg_hash_size_(c, s, v):
    """Sizes bfd's internal hash tables only; bfd wants a number."""
    if not _c_number_prefix(v):
        raise LinkError("--hash-size needs a numeric argument")


@_arg("max-cache-size=")
def _arg_max_cache_size_(c, s, v):
    """bfd's file-cache size only; bfd wants exactly a number."""
    if _c_number_prefix(v) != v:
        raise LinkError(f"invalid cache memory size: {v}")


# ---- LTO: the compiler's linker plugin (plugin.py) ----
@_arg("plugin")
def _arg_plugin(c, s, v):
    """bfd loads the plugin when it reads the option: a file that is not a loadable library fails
    the link at once (braze dlopens it only when an IR input needs it, see plugin.py)."""
    _check_plugin_file(v)
    c.plugins.append((v, []))


def _check_plugin_file(path: str) -> None:
    """bfd loads each -plugin when it reads the option: a missing or non-ELF file fails the link
    even when no input needs the plugin.  Checked here without loading it (plugin.py dlopens it when an
    IR input needs it), and without importing plugin.py, which most gcc links never need."""
    try:
        with open(path, "rb") as f:
            head = f.read(18)
    except OSError as e:
        raise LinkError(f"{path}: error loading plugin: {path}: cannot open shared object file: "
                        f"{e.strerror}") from None
    if head[:4] != b"\x7fELF":
        raise LinkError(f"{path}: error loading plugin: {path}: invalid ELF header")
    if len(head) < 18 or head[16] | head[17] << 8 != 3:       # ET_DYN
        raise LinkError(f"{path}: error loading plugin: {path}: cannot dynamically load executable")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return
    # bfd looks for `onload`, then `_onload`, and reports the last failure.  (A look for the name
    # in the file's strings, as a full symbol-table parse would cost every gcc link; dlopen decides.)
    if b"\0onload\0" not in data and b"\0_onload\0" not in data:
        raise LinkError(f"{path}: error loading plugin: {path}: undefined symbol: _onload")


@_arg("plugin-opt")
def _arg_plugin_opt(c, s, v):
    """An option for the last -plugin (bfd: an error before any).  bfd drops GCC's
    `-pass-through=` (or `--pass-through=`) options: the LTO plugin never sees them, so it never
    adds the driver's libraries (-lgcc -lgcc_s -lc) after compiling, which the command line has
    already given; in a -r link they would be libraries in a relocatable output."""
    if not c.plugins:
        raise LinkError("bad -plugin-opt option")
    if v.startswith(("-pass-through=", "--pass-through=")):
        return
    c.plugins[-1][1].append(v)


@_flag("no-print-gc-sections")
def _flag_no_print_gc_sections(c, s): c.print_gc_sections = False


@_flag("warn-execstack")
def _flag_warn_execstack(c, s): c.warn_execstack = True


@_flag("no-warn-execstack")
def _flag_no_warn_execstack(c, s): c.warn_execstack = False


# Options GNU ld accepts and braze accepts too because they change nothing in braze's output: GNU ld
# ignores them on x86-64 ELF, or what they ask for is already what braze (and bfd by default) does.
# name -> why accepting it is right. A name here has no handler; a handler registered for it wins.
_NOOPS: dict[str, str] = {
    "flto": "GNU ld ignores it (GCC option compatibility)",
    "flto-partition=": "GNU ld ignores it (GCC option compatibility)",
    "fuse-ld=": "GNU ld ignores it (GCC option compatibility)",
    "map-whole-files": "GNU ld ignores it (gold compatibility)",
    "no-map-whole-files": "GNU ld ignores it (gold compatibility)",
    "Qy": "GNU ld ignores it (SVR4 compatibility)",
    "qmagic": "GNU ld ignores it (Linux compatibility)",
    "g": "GNU ld ignores it",
    "EL": "x86-64 and aarch64 Linux objects are little-endian: bfd's -EL selects what is already linked",
    "strip-discarded": "the default: symbols in discarded (COMDAT duplicate) sections are not output",
    "no-accept-unknown-input-arch": "the default: braze refuses inputs of unknown architecture",
    "no-warn-mismatch": "braze's machine mismatches (an input of another machine) are errors either way",
    "no-keep-memory": "memory use only: bfd re-reads symbol tables; the output is the same",
    "reduce-memory-overheads": "memory use only; the output is the same",
    "warn-multiple-gp": "bfd uses it only for GP-based targets (Alpha, MIPS); nothing on x86-64",
    "warn-constructors": "GNU ld cannot detect global constructors in ELF: it never warns (its manual says so)",
    "warn-alternate-em": "x86-64 and aarch64 have no alternate ELF machine codes: GNU ld never warns",
}

# Options GNU ld 2.40 has that braze refuses with `option X is not supported` (exit 1), never
# ignores. parse_args looks a name up here only when no handler is registered for it: implementing
# an option means registering its handler and deleting its name here.
_UNSUPPORTED: dict[str, str] = {
    **dict.fromkeys(("a", "Y"), "other systems' compatibility options"),
    **dict.fromkeys(("A", "architecture", "EB"), "other targets"),
    **dict.fromkeys(("c", "mri-script"), "MRI scripts"),
    **dict.fromkeys(("G", "gpsize"), "small data"),
    **dict.fromkeys(("version-exports-section",), "not implemented"),
    **dict.fromkeys(("Trodata-segment", "Tldata-segment", "split-by-file",
                     "split-by-reloc", "enable-non-contiguous-regions",
                     "enable-non-contiguous-regions-warnings", "no-strip-discarded",
                     "embedded-relocs", "traditional-format", "task-link",
                     "out-implib"), "not implemented"),
    **dict.fromkeys(("warn-section-align",
                     "noinhibit-exec", "noinhibit_exec",
                     "accept-unknown-input-arch"), "not implemented (diagnostics)"),
    **dict.fromkeys(("ctf-variables", "no-ctf-variables", "ctf-share-types="), "CTF"),
}

# Argument kinds of the option names above that have no handler (a handler's dict says it:
# _ARGS only = required, _FLAGS and _ARGS = optional `=VALUE`).
_REQ_ARG = frozenset({
    "flto-partition=", "fuse-ld=", "assert", "hash-size=", "max-cache-size=",
    "a", "Y", "A", "architecture", "c", "mri-script", "G", "gpsize", "f", "auxiliary", "F", "filter", "audit", "P", "depaudit", "version-exports-section",
    "Trodata-segment", "Tldata-segment", "task-link",
    "out-implib", "ctf-share-types="})
_OPT_ARG = frozenset({"flto", "map-whole-files", "no-map-whole-files", "unique", "split-by-file",
                      "split-by-reloc", "package-metadata"})
# bfd's EXACTLY_TWO_DASHES options: only `--name` reaches them; `-output` is -o "utput", as in bfd.
_TWO_DASHES_ONLY = frozenset({"output", "omagic", "no-omagic", "oformat", "undefined-version",
                              "export-dynamic-symbol", "export-dynamic-symbol-list",
                              "ld-generated-unwind-info",     # (so `-ld` is -l d, as in bfd)
                              "library", "library-path",      # (`-li`, `-library` are -l i, -l ibrary)
                              "lib-main"})        # (braze's own: `-lib` stays -l ib, as in bfd)


# ---- relocatable output and input formats (relocatable.py) ----
@_flag("r", "i", "relocatable")
def _flag_r(c, s):
    """As bfd, -r also stops libraries from there on, as -Bstatic does (-l finds only .a; a library
    named is `attempted static link`), until a -Bdynamic."""
    c.relocatable = True
    s.static = True


@_flag("Ur")
def _flag_Ur(c, s):
    """-Ur is -r for ELF (its script differs only by SORT(CONSTRUCTORS), which ELF ignores)."""
    c.relocatable = c.ur = True
    s.static = True


@_flag("q", "emit-relocs")
def _flag_q(c, s):
    """Keep the inputs' relocations in the final output (emitrelocs.py)."""
    c.emit_relocs = True


@_flag("d", "dc", "dp")
def _flag_d(c, s):
    """Allocate commons even with -r; a final link always does (so then nothing changes)."""
    c.define_common = True


@_arg("oformat")
def _arg_oformat(c, s, v):
    """The output's BFD format: the target's own ELF one (no-op) or `binary` (oformat.py); checked
    once the target is known (Target.output_kind), as bfd looks the name up when it opens the output."""
    c.oformat = v


@_arg("b", "format")
def _arg_b(c, s, v):
    """The format of the input files that follow: `binary` (raw bytes) or ELF (`default`, the names
    bfd gives the targets' formats, `elf64-little`); any other bfd target is refused."""
    from .arch import targets
    formats = [t.output_format for t in targets()]
    if v == "binary":
        s.binary = True
    elif v in ("default", "elf64-little") or v in formats:
        s.binary = False
    else:
        raise LinkError(f"option -b {v} is not supported (input formats: binary, {', '.join(formats)})")


# ---- dynamic tags and notes (filters, audit libraries, DF_1 bits, x86 properties, package note) ----
def _append_separated(cur: str | None, v: str) -> str:
    """--audit/--depaudit: GNU ld joins the values with ':' and skips one already present as a whole
    component run."""
    if cur is None:
        return v
    return cur if f":{v}:" in f":{cur}:" else f"{cur}:{v}"


@_arg("F", "filter")
def _arg_F(c, s, v): c.filter = v


@_arg("f", "auxiliary")
def _arg_f(c, s, v): c.auxiliary.append(v)


@_arg("audit")
def _arg_audit(c, s, v): c.audit = _append_separated(c.audit, v)


@_arg("P", "depaudit")
def _arg_P(c, s, v): c.depaudit = _append_separated(c.depaudit, v)


@_arg("package-metadata")
def _arg_package_metadata(c, s, v): c.package_metadata = v or None


@_flag("package-metadata")        # the value is optional (`--package-metadata=JSON`); alone it clears
def _flag_package_metadata(c, s): c.package_metadata = None


_Z_DF_1 = {"global": 0x2, "loadfltr": 0x10, "nodefaultlib": 0x800, "nodump": 0x1000, "globalaudit": 0x01000000}


def _z_tags_option(c: Config, kw: str) -> bool:
    """The -z keywords of this block; False when kw is not one of them."""
    if kw in _Z_DF_1:
        c.flags_1_extra |= _Z_DF_1[kw]
    elif kw in ("unique", "nounique"):
        c.z_unique = kw == "unique"
    else:
        return False
    return True


def _check_tags(c: Config) -> None:
    if c.build_id is not None and c.build_id[0] == "=":
        c.build_id = _build_id_style(c.build_id[1:])
    if not c.shared:
        if c.filter is not None:
            raise LinkError("-F may not be used without -shared")
        if c.auxiliary:
            raise LinkError("-f may not be used without -shared")
        if c.no_define_common:
            raise LinkError("--no-define-common may not be used without -shared")
    if c.package_metadata is not None:
        import json
        try:
            ok = isinstance(json.loads(c.package_metadata, parse_constant=_no_constant), (dict, list))
            why = "'[' or '{' expected"
        except ValueError as e:
            ok, why = False, str(e).split(":")[0]
        if not ok:
            diag.warn(f"--package-metadata={c.package_metadata} does not contain valid JSON, ignoring: {why}")
            c.package_metadata = None


def _no_constant(name):
    raise ValueError(f"invalid token near '{name}'")


# ---- diagnostics (-t, -y, warnings; see trace.py and diag.py) ----
@_flag("trace", "t")
def _flag_trace(c, s): c.trace += 1


@_arg("y", "trace-symbol")
def _arg_y(c, s, v): c.trace_symbols.append(v)


@_arg("dependency-file")
def _arg_dependency_file(c, s, v): c.dependency_file = v


@_flag("warn-common")
def _flag_warn_common(c, s): c.warn_common = True


@_flag("fatal-warnings")
def _flag_fatal_warnings(c, s): c.fatal_warnings = True


@_flag("no-fatal-warnings")
def _flag_no_fatal_warnings(c, s): c.fatal_warnings = False


@_flag("no-warnings", "w")
def _flag_no_warnings(c, s): c.no_warnings = True


@_flag("warn-unresolved-symbols")
def _flag_warn_unresolved_symbols(c, s): c.warn_unresolved = True


@_flag("error-unresolved-symbols")
def _flag_error_unresolved_symbols(c, s): c.warn_unresolved = False


@_flag("warn-once")
def _flag_warn_once(c, s): c.warn_once = True


# ---- the questions people ask a linker (explain.py); --cref is GNU ld's, the others lld's ----
@_flag("cref")
def _flag_cref(c, s): c.cref = True


# bfd's lang_check_section_addresses: only a SECTIONS script can make sections overlap
@_flag("check-sections")
def _flag_check_sections(c, s): c.check_sections = True


@_flag("no-check-sections")
def _flag_no_check_sections(c, s): c.check_sections = False


# a final link never keeps section groups (bfd's default); with -r it is refused (relocatable.py)
@_flag("force-group-allocation")
def _flag_force_group_allocation(c, s): c.force_group_allocation = True


@_arg("why-extract")          # lld: FILE ('-': stdout)
def _arg_why_extract(c, s, v): c.why_extract = v


@_arg("print-archive-stats")  # lld: FILE ('-': stdout)
def _arg_print_archive_stats(c, s, v): c.print_archive_stats = v


@_arg("why-live")             # lld: a symbol name or glob; may repeat
def _arg_why_live(c, s, v): c.why_live.append(v)


@_flag("time-trace")          # lld: Chrome trace of the passes in OUTPUT.time-trace
def _flag_time_trace(c, s): c.time_trace = True


@_arg("time-trace-file")      # lld: where --time-trace writes
def _arg_time_trace_file(c, s, v): c.time_trace_file = v


@_arg("time-trace-granularity")   # lld: leave out events shorter than N microseconds
def _arg_time_trace_granularity(c, s, v):
    try:
        c.time_trace_granularity = int(v, 10)
    except ValueError:
        raise LinkError(f"--time-trace-granularity: number expected, but got {v}") from None


_Z_FLAGS = {
    "relro": ("relro", True), "norelro": ("relro", False),
    "now": ("now", True), "lazy": ("now", False),
    "execstack": ("execstack", True), "noexecstack": ("execstack", False),
    "defs": ("undef_objects", "report"), "undefs": ("undef_objects", "ignore"),
    "text": ("z_text", True), "notext": ("z_text", False), "textoff": ("z_text", False),
    "separate-code": ("separate_code", True), "noseparate-code": ("separate_code", False),
    "nodelete": ("z_nodelete", True), "nodlopen": ("z_nodlopen", True), "origin": ("z_origin", True),
    "initfirst": ("z_initfirst", True), "interpose": ("z_interpose", True),
    "muldefs": ("z_muldefs", True),
    "nocopyreloc": ("z_nocopyreloc", True),
    "unique-symbol": ("z_unique_symbol", True), "nounique-symbol": ("z_unique_symbol", False),
    "common": ("z_common", True), "nocommon": ("z_common", False),
    "start-stop-gc": ("start_stop_gc", True), "nostart-stop-gc": ("start_stop_gc", False),
    "combreloc": ("z_combreloc", True), "nocombreloc": ("z_combreloc", False),
}
# -z keywords bfd 2.40 knows whose effect is braze's behaviour already: keyword -> why.
_Z_NOOPS: dict[str, str] = {
}
# -z keywords (and `keyword=` families) bfd 2.40 knows that braze refuses.
# (noreloc-overflow and report-relative-reloc are one machine's keywords: its Target.configure
# refuses them, the other machine's bfd warns that it ignores them)
_Z_UNSUPPORTED: dict[str, str] = {
}


def _page_size(kw: str, what: str) -> int:
    v = kw.split("=", 1)[1]
    try:
        n = int(v, 0)
    except ValueError:
        n = -1
    if n < 0 or n & (n - 1):
        raise LinkError(f"invalid {what} page size `{v}'")
    return n


_START_STOP_VISIBILITY = {"default": 0, "internal": 1, "hidden": 2, "protected": 3}   # STV_*


def _z_machine_option(c: Config, kw: str) -> bool:
    """A keyword of one machine's emulation (Target.z_option parses it into the Config): remembered
    with the machine's name, since the other machine's bfd only warns that it ignores it."""
    from .arch import each_target
    for t in each_target():         # (in order: the first target's keyword imports no other back end)
        if t.z_option(c, kw):
            c.z_machine.append((t.name, kw))
            return True
    return False


def _z_option(c: Config, kw: str) -> None:
    """-z KEYWORD: as bfd, an unknown keyword is only a warning."""
    if _z_tags_option(c, kw):
        return
    if kw in _Z_FLAGS:
        attr, val = _Z_FLAGS[kw]
        setattr(c, attr, val)
        if attr == "z_text":        # (bfd's one textrel_check: -z notext/textoff also silence the warning)
            c.textrel_warn = None if val else False
    elif kw.startswith("max-page-size="):
        c.max_page_size = _page_size(kw, "maximum") or c.max_page_size    # bfd: 0 keeps the default
    elif kw.startswith("common-page-size="):
        c.common_page_size = _page_size(kw, "common") or c.common_page_size
    elif kw.startswith("stack-size="):
        size = kw[11:]
        if not size or _c_number_prefix(size) != size:
            raise LinkError(f"invalid stack size `{size}'")
        c.stack_size = _c_strtoul(size)
    elif kw.startswith("start-stop-visibility="):
        vis = _START_STOP_VISIBILITY.get(kw[22:])
        if vis is None:
            raise LinkError(f"invalid visibility in `-z {kw}'; must be default, internal, hidden, or protected")
        c.start_stop_visibility = vis
    elif kw in _Z_NOOPS:
        pass
    elif kw in _Z_UNSUPPORTED or (kw.partition("=")[1] and kw.partition("=")[0] + "=" in _Z_UNSUPPORTED):
        raise LinkError(f"option -z {kw} is not supported")
    elif _z_machine_option(c, kw):
        pass
    elif c.z_machine:
        # after a machine's keyword, which the other machine's bfd warns about in its place among
        # these: warned about with them, in command-line order (Target.warn_foreign_z)
        c.z_machine.append(("", kw))
    else:
        # bfd warns while it reads the options: --fatal-warnings / -w count only if given before
        diag.set_warnings(c.fatal_warnings, c.no_warnings)
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


# Names parse_args handles itself (they print and may end the run): bfd's --help, --version, -v, -V.
_SPECIAL = {"help": "", "version": "", "v": "", "V": "", "target-help": ""}


_NAMES: list = []


def _names() -> tuple:
    """(every option name, the long names getopt_long_only tries first, the two-dashes-only ones),
    built once per process: the tables are complete once this module is imported, and rebuilding the
    sets for each option word was most of the parse time of a gcc-driven link."""
    if not _NAMES:
        known = frozenset(_FLAGS) | frozenset(_ARGS) | frozenset(_NOOPS) | frozenset(_UNSUPPORTED) | frozenset(_SPECIAL)
        longs = frozenset(n for n in known if len(n) != 1)
        _NAMES.extend((known, longs - _TWO_DASHES_ONLY, _TWO_DASHES_ONLY & known))
    return _NAMES[0], _NAMES[1], _NAMES[2]


_INITIALS: dict = {}


def _by_initial(names: frozenset[str]) -> dict[str, list[str]]:
    """NAMES grouped by first letter (the abbreviation search of `-L/usr/lib` looks at the `L…` names only)."""
    got = _INITIALS.get(names)
    if got is None:
        got = _INITIALS[names] = {}
        for n in names:
            got.setdefault(n[:1], []).append(n)
    return got


def _known() -> frozenset[str]:
    return _names()[0]


def _arg_kind(name: str) -> str:
    """'' (no argument), ':' (required) or '::' (optional, only as --name=VALUE), as getopt says it."""
    if name in _ARGS:
        return "::" if name in _FLAGS else ":"
    if name in _FLAGS or name in _SPECIAL:
        return ""
    return ":" if name in _REQ_ARG else "::" if name in _OPT_ARG else ""


def _is_short(name: str) -> bool:
    return len(name) == 1


def _match_long(word: str, names) -> tuple[str | None, list[str]]:
    """getopt_long_only's long-option lookup of WORD (up to any '='): an exact name, else the one name
    it abbreviates. Returns (name, []) or (None, candidates) — two or more candidates is ambiguous."""
    key = word.split("=", 1)[0]
    if key in names:
        return key, []
    cands = sorted(n for n in (_by_initial(names).get(key[:1], ()) if key else names) if n.startswith(key))
    return (cands[0], []) if len(cands) == 1 else (None, cands)


def _dispatch(c: Config, s: _State, name: str, opt: str, val: str | None) -> None:
    """Run the handler of option NAME (spelled OPT on the command line), else accept a no-op, else
    refuse: a name with neither is not an option braze knows."""
    if val is None and name in _FLAGS:
        _FLAGS[name](c, s)
    elif val is not None and name in _ARGS:
        _ARGS[name](c, s, val)
    elif name in _NOOPS:
        pass
    elif name in _UNSUPPORTED:
        raise LinkError(f"option {opt} is not supported ({_UNSUPPORTED[name]})")
    else:       # a flag given a value its handler cannot take (getopt refuses these earlier)
        raise LinkError(f"unknown option: {opt}")


def _resolve(argv: list[str], i: int) -> tuple[list[tuple[str, str, str | None]], int]:
    """Parse the option word argv[i] as GNU ld 2.40 does (getopt_long_only over its long options,
    then getopt_long over the two-dashes-only ones): returns [(name, spelling, value)] (several for a
    cluster of short options like -sx) and the index of the next word."""
    a = argv[i]
    i += 1
    known, first, two_dashes = _names()
    body = a[2:] if a.startswith("--") else a[1:]
    key, eq, attached = body.partition("=")

    def take_long(name):
        nonlocal i
        kind = _arg_kind(name)
        spelled = a.split("=", 1)[0]
        if not kind:
            if eq:
                return None
            return [(name, spelled, None)]
        if eq:
            return [(name, spelled, attached)]
        if kind == "::":
            return [(name, spelled, None)]
        if i >= len(argv):      # getopt fails; bfd then tries its two-dashes-only options
            missing.append(a)
            return None
        i += 1
        return [(name, spelled, argv[i - 1])]

    ambiguous: list[str] = []
    missing: list[str] = []
    # getopt_long_only tries the long options first, for `-word` too unless it is exactly `-c` with
    # `c` a short option; several abbreviation candidates are an error there, not a fallback.
    if a.startswith("--") or len(body) > 1 or body not in known:
        name, ambiguous = _match_long(body, first)
        if name is not None:
            got = take_long(name)
            if got is not None:
                return got, i
        elif not ambiguous and not a.startswith("--") and body[:1] in known and _is_short(body[:1]):
            return _short_cluster(a, argv, i)
    elif _is_short(body):
        return _short_cluster(a, argv, i)
    # bfd's second try: getopt_long over the EXACTLY_TWO_DASHES options, reached only by `--name`
    if a.startswith("--"):
        name, amb2 = _match_long(body, two_dashes)
        if name is not None:
            got = take_long(name)
            if got is not None:
                return got, i
        ambiguous = ambiguous or amb2
    if missing:
        raise LinkError(f"option requires an argument: {a}")
    hint = f" (ambiguous: {', '.join('-' + n for n in ambiguous)})" if len(ambiguous) > 1 else ""
    raise LinkError(f"unknown option: {a}{hint}")


def _short_cluster(a: str, argv: list[str], i: int):
    """Short options: `-cVALUE`/`-c VALUE`, or no-argument ones grouped (`-sx`), which bfd accepts with a
    warning unless a later letter takes an argument (then it is bfd's fatal "unable to disambiguate")."""
    out: list[tuple[str, str, str | None]] = []
    known = _known()
    for k, ch in enumerate(a[1:], 1):
        if ch not in known or not _is_short(ch):
            raise LinkError(f"unknown option: {a}")
        kind = _arg_kind(ch)
        if kind and k > 1:
            raise LinkError(f"unable to disambiguate: {a} (did you mean -{a} ?)")
        if k >= 2:
            diag.note(f"Warning: grouped short command line options are deprecated: {a}")
        if kind:
            rest = a[k + 1:]
            if rest:
                out.append((ch, "-" + ch, rest))
            elif kind == "::":
                out.append((ch, "-" + ch, None))
            elif i < len(argv):
                out.append((ch, "-" + ch, argv[i]))
                i += 1
            else:
                raise LinkError(f"option requires an argument: {a}")
            break
        out.append((ch, "-" + ch, None))
    return out, i


def version_line() -> str:
    """The first line of -v/--version, shaped as bfd's "GNU ld (GNU Binutils for Debian) 2.40" with
    braze's name in the "(PKG)" place, for the build tools that read it:
    - "GNU" makes libtool, gnulib and meson take braze for GNU ld;
    - GCC's runtime libraries' configure (libffi, libstdc++, libatomic ...) cut the version out of
      `GNU ld [(PKG) ]X.Y` and disable symbol versioning below 2.14 (braze-0.1.0 first read as 0.1:
      libffi.so lost its version nodes);
    - libtool reads " 0." or " 1." as a GNU ld older than 2.11, which it gives no version scripts;
    - Linux's scripts/ld-version.sh takes the LAST word of the line (`GNU ld 2.40 (braze-0.1.0)` read
      as no version: "Linker is too old", and the kernel would not configure)."""
    from . import __version__
    return f"GNU ld (braze-{__version__}) 2.40\n"


def _version_text(emulations: bool = True) -> str:
    """What -v (the line alone, as bfd), -V, --version and --verbose print first."""
    from .arch import emulation_names
    if not emulations:
        return version_line()
    return (version_line() + "  Supported emulations:\n"
            + "".join(f"   {e}\n" for e in emulation_names()))


def _target_help() -> str:
    """--target-help: as bfd, each emulation's own options (`NAME: ` and its lines), those braze accepts."""
    from .arch import targets
    return "".join(f"{e}: \n" + "".join(ln + "\n" for ln in t.target_help)
                   for t in targets() for e in t.emulations)


def parse_args(argv: list[str]) -> Config | None:
    """Parse ld's command line. Returns None when nothing should be linked (--help, --version)."""
    # as bfd (and gcc's collect2): names in messages are demangled unless COLLECT_NO_DEMANGLE is set;
    # --[no-]demangle then decide
    diag.set_demangle(os.getenv("COLLECT_NO_DEMANGLE") is None)
    words = expand_response_files(argv)
    c, s, shown = parse_words(words)
    if c.reproduce:
        c.reproduce_argv = words
    if shown == "help":
        sys.stdout.write(_usage())
        return None
    if shown.startswith("target-help"):
        if shown.endswith("-v"):    # -v, -V or --verbose before it: bfd printed its version then
            sys.stdout.write(_version_text())
        sys.stdout.write(_target_help())
        return None
    if s.group_depth:           # bfd: a note, and the group closes at the end
        diag.note("missing --end-group; added as last command line option")
        c.inputs.append(s.spec("group_end"))
    _search_command_files(c, s)
    if shown:
        sys.stdout.write(_version_text(shown != "v" or c.verbose))
        # --version: print and stop; -v/-V: print, then link if there are inputs
        if shown == "version" or not [x for x in c.inputs if x.kind in ("file", "lib")] and not c.verbose:
            return None
    if c.verbose:       # as bfd: the version, then the linker script in use (bfd's built-in one by default)
        from .defaultscript import verbose_text
        if not shown:
            sys.stdout.write(_version_text())
        sys.stdout.write(verbose_text(c))
        if not [x for x in c.inputs if x.kind in ("file", "lib")]:
            return None
    # -w overrides --fatal-warnings (GNU ld); both apply to every warning, wherever it is printed
    diag.set_warnings(c.fatal_warnings, c.no_warnings)
    if c.shared:
        c.pie = False
    _finish_export_control(c)
    if not c.shared:    # as bfd: these are for shared objects only; executables drop them
        c.z_nodelete = c.z_nodlopen = c.z_initfirst = False
    if c.static and c.shared:
        c.static = False
    if c.map_file and c.map_file != "-":    # bfd: `%` is the output's name; a directory gets OUTPUT.map
        if "%" in c.map_file:
            c.map_file = c.map_file.replace("%", c.output, 1)
        elif os.path.isdir(c.map_file):
            c.map_file = os.path.join(c.map_file, os.path.basename(c.output) + ".map")
    _check_tags(c)
    if c.print_sysroot:         # bfd: print the sysroot (nothing when there is none), and stop
        if c.sysroot:
            sys.stdout.write(c.sysroot + "\n")
        return None
    if not [x for x in c.inputs if x.kind in ("file", "lib")]:
        if c.print_output_format:   # bfd: the format, and no "no input files" (with inputs: link.py prints it)
            from .arch import default_target, target_for_emulation
            t = target_for_emulation(c.emulation) if c.emulation else default_target()
            sys.stdout.write((c.oformat or t.output_format) + "\n")
            return None
        raise LinkError("no input files")
    return c


def parse_words(argv: list[str]) -> tuple[Config, _State, str]:
    """Run every option's handler in command-line order. Returns the Config, the positional state
    and what to print instead of linking: 'help', 'version' (--version), 'v' (-v), 'V' (-V) or ''."""
    c = Config()
    s = _State()
    i = 0
    n = len(argv)
    shown = ""
    only_files = False
    while i < n:
        a = argv[i]
        if only_files or not a.startswith("-") or a == "-":
            c.inputs.append(s.spec("file", a))
            i += 1
            continue
        if a == "--":           # getopt: every later word is an input file
            only_files = True
            i += 1
            continue
        opts, i = _resolve(argv, i)
        for name, spelled, val in opts:
            if name == "help":
                return c, s, "help"
            if name == "target-help" and shown != "version":    # (bfd stops at --version before it)
                # bfd prints at once and exits: later options and the inputs are not looked at
                return c, s, "target-help" + ("-v" if shown or c.verbose else "")
            if name == "target-help":
                continue
            if name in _SPECIAL:
                # ('V': -V, which also lists the emulations, as --version; plain -v prints the line alone)
                shown = "version" if name == "version" or shown == "version" else \
                    "V" if name == "V" or shown == "V" else "v"
                continue
            _dispatch(c, s, name, spelled, val)
    return c, s, shown
