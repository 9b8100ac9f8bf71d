"""The table of test programs: what to compile, how, and how to link and run it.

Each ``Case`` names C (or C++) sources under ``tests/c``: a single-file program is
``tests/c/NAME.c``; a multi-file program is the directory ``tests/c/NAME/`` (every ``*.c``/``*.cc``
in it, sorted; headers there are found through ``-I``).  A case can reuse another case's sources
(``src=``) with different flags.

Nothing here states an expected output: every program is linked with ld.bfd too, and bfd's run
is the oracle (see test_programs.py).  ``obj_expect`` is only a self-check of the test suite: the
compiler must really have produced the relocations/sections the case claims to exercise.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

C_DIR = Path(__file__).resolve().parent / "c"

MODES = ("pie", "nopie")                # every case, unless it restricts ``modes``
# Static links, opted into per case (``modes=MODES + STATIC``): glibc's libc.a (-static, non-PIE),
# glibc -static-pie (rcrt1.o, self-relocating), musl's libc.a through musl-gcc -static.
STATIC = ("static", "static-pie", "musl-static")
GLIBC_STATIC = ("static", "static-pie")
# C++ programs are linked a second time per code model with libstdc++ and libgcc taken from their
# archives (g++ -static-libstdc++ -static-libgcc): thousands of COMDAT groups, libgcc_eh's unwinder
# and libsupc++'s personality routine go through the linker.  These modes reuse the objects
# compiled for their base mode.
STATIC_LIBSTDCXX_MODES = ("pie-static-libstdcxx", "nopie-static-libstdcxx")
CXX_MODES = MODES + STATIC_LIBSTDCXX_MODES
_OBJECT_MODE = {"pie-static-libstdcxx": "pie", "nopie-static-libstdcxx": "nopie"}


def object_mode(mode: str) -> str:
    """The mode whose compiled objects ``mode`` links (the mode itself unless it reuses another's)."""
    return _OBJECT_MODE.get(mode, mode)


@dataclass(frozen=True)
class Archive:
    name: str                      # e.g. "libchain.a"
    members: tuple[str, ...]       # source stems, in archive order
    thin: bool = False             # `ar rcsT`


@dataclass(frozen=True)
class SharedLib:
    """A shared library the program links against. It is built with ld.bfd (for both links:
    the linker under test only links the executable) and found at run time via -rpath."""
    name: str                      # e.g. "libfoo.so"
    members: tuple[str, ...]       # source stems (compile them with -fPIC via src_cflags)
    soname: bool = True            # -Wl,-soname,<name>
    needs: tuple[str, ...] = ()    # earlier libraries of the case it links against (found at run
                                   # time through its DT_RUNPATH $ORIGIN)


@dataclass
class Case:
    name: str
    src: str | None = None                     # tests/c/<src>.c or tests/c/<src>/ (default: name)
    cflags: tuple[str, ...] = ()               # for every object (after the mode's flags)
    src_cflags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # stem -> extra cflags
    ldflags: tuple[str, ...] = ()              # after the inputs on the gcc link line
    archives: tuple[Archive, ...] = ()
    shlibs: tuple[SharedLib, ...] = ()
    link: tuple[str, ...] | None = None        # input order: "stem.o", "libx.a", "libx.so", raw flags
    modes: tuple[str, ...] | None = None       # default: MODES, or CXX_MODES for C++ programs
    threads: bool = False                      # -pthread when compiling and linking
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    stdin: bytes = b""
    signal_exit: bool = False                  # bfd's run is expected to die from a signal
    obj_expect: dict[str, tuple[str, ...]] = field(default_factory=dict)  # stem -> readelf -Sr text
    link_stderr: bool = False                  # the linkers' warnings must match too (bfd's non-empty)
    structure: bool = False                    # part of test_structure's subset
    determinism: bool = False                  # part of test_determinism's subset

    def __post_init__(self):
        if self.modes is None:          # C++ programs (a directory with *.cc) also get CXX_MODES
            base = self.source_root
            cxx = base.is_dir() and any(p.suffix == ".cc" for p in base.iterdir())
            self.modes = CXX_MODES if cxx else MODES

    @property
    def source_root(self) -> Path:
        return C_DIR / (self.src or self.name)

    @property
    def sources(self) -> list[Path]:
        base = self.source_root
        if base.is_dir():
            files = sorted(p for p in base.iterdir() if p.suffix in (".c", ".cc"))
            assert files, f"harness: no sources in {base}"
            return files
        single = base.with_suffix(".c")
        assert single.is_file(), f"harness: case {self.name}: neither {base}/ nor {single} exists"
        return [single]

    @property
    def lang(self) -> str:
        return "c++" if any(p.suffix == ".cc" for p in self.sources) else "c"

    @property
    def include_dir(self) -> Path:
        base = self.source_root
        return base if base.is_dir() else base.parent

    def archived_stems(self) -> set[str]:
        """Objects that are not linked directly (they are in an archive or shared library)."""
        return {m for a in self.archives for m in a.members} | {m for l in self.shlibs for m in l.members}


TLS_MODEL_FLAGS = {
    "gd": ("-fPIC", "-ftls-model=global-dynamic"),
    "ld": ("-fPIC", "-ftls-model=local-dynamic"),
    "ie": ("-fPIC", "-ftls-model=initial-exec"),
    "le": ("-fPIC", "-ftls-model=local-exec"),
}

SELFINSPECT = dict(src="selfinspect")

CASES: list[Case] = [
    Case("bss_globals", modes=MODES + STATIC, structure=True, determinism=True),
    Case("funcptr_table", modes=MODES + STATIC),
    Case("varargs", modes=MODES + STATIC),
    Case("setjmp_longjmp", modes=MODES + STATIC),
    Case("ctor_dtor", modes=MODES + STATIC, structure=True, determinism=True,
         obj_expect={"main": (".init_array.00101", ".fini_array.00300", ".preinit_array")}),
    Case("weak", modes=MODES + STATIC, archives=(Archive("libweak.a", ("archived",)),)),
    # TLS in the executable: default code model for the mode, then forced -fPIE and -fno-pic.
    Case("tls_basic", modes=MODES + STATIC, threads=True, structure=True),
    Case("tls_fpie", src="tls_basic", threads=True, cflags=("-fPIE",)),
    Case("tls_nopic", src="tls_basic", threads=True, cflags=("-fno-pic",), modes=("nopie",),
         obj_expect={"tls_basic": ("R_X86_64_TPOFF32",)}),
    Case("tls_extern", modes=MODES + STATIC, threads=True,
         obj_expect={"main": ("R_X86_64_GOTTPOFF",)}),
    Case("tls_models", modes=MODES + STATIC, threads=True, structure=True, determinism=True,
         src_cflags={k: v for k, v in TLS_MODEL_FLAGS.items()},
         obj_expect={"gd": ("R_X86_64_TLSGD",), "ld": ("R_X86_64_TLSLD", "R_X86_64_DTPOFF32"),
                     "ie": ("R_X86_64_GOTTPOFF",), "le": ("R_X86_64_TPOFF32",)}),
    # the same objects, but every access model compiled without -fPIC (exec models only)
    Case("tls_models_exec", modes=MODES + STATIC, src="tls_models", threads=True,
         src_cflags={"gd": ("-ftls-model=global-dynamic",), "ld": ("-ftls-model=local-dynamic",),
                     "ie": ("-ftls-model=initial-exec",), "le": ("-ftls-model=local-exec",)}),
    Case("tls_gnu2", modes=MODES + GLIBC_STATIC, threads=True,
         src_cflags={"access": ("-fPIC", "-mtls-dialect=gnu2")},
         obj_expect={"access": ("R_X86_64_GOTPC32_TLSDESC", "R_X86_64_TLSDESC_CALL")}),
    Case("section_startstop"),
    Case("section_startstop_gc", modes=MODES + STATIC, src="section_startstop",
         cflags=("-ffunction-sections", "-fdata-sections"), ldflags=("-Wl,--gc-sections",)),
    Case("qsort_callbacks", modes=MODES + STATIC),
    Case("printf_double", modes=MODES + STATIC),
    Case("errno_stdio", modes=MODES + STATIC),
    Case("signals", modes=MODES + STATIC),
    Case("exit_by_signal", signal_exit=True),
    Case("backtrace", cflags=("-O0", "-fno-omit-frame-pointer", "-fno-inline",
                              "-fasynchronous-unwind-tables"),
         ldflags=("-rdynamic",)),
    Case("environ_access", env={"BRAZE_TEST_VAR": "hello world", "BRAZE_OTHER": "1"}),
    Case("string_merge", obj_expect={"a": (".rodata.str1",)}),
    Case("fcommon", modes=MODES + STATIC, cflags=("-fcommon",), obj_expect={"a": ("COM",)}),
    Case("copy_reloc", args=("-a", "-x", "-b", "value", "-c", "rest", "tail"),
         env={"TZ": "UTC"}, structure=True),
    Case("func_addr", modes=MODES + STATIC, structure=True),
    Case("ifunc", modes=MODES + GLIBC_STATIC, structure=True, obj_expect={"impl": ("IFUNC",)}),
    Case("opt_mix", cflags=("-g",), src_cflags={"o0": ("-O0",), "o2": ("-O2",), "os": ("-Os",),
                                                "main": ("-O3", "-funroll-loops")}),
    Case("static_same_name", modes=MODES + STATIC),
    Case("multi_object", modes=MODES + STATIC, cflags=("-g",)),
    Case("string_tails", cflags=("-O2", "-g"), structure=True),
    Case("gc_sections", modes=MODES + STATIC, cflags=("-ffunction-sections", "-fdata-sections"),
         ldflags=("-Wl,--gc-sections",), structure=True,
         obj_expect={"lib": (".text.unused_fn", ".data.counter_data"), "main": (".data.retained_blob",)}),
    # libgcc unwinds out of .plt/.plt.got stubs (single-stepped): needs the linker-made PLT FDEs
    Case("plt_unwind", cflags=("-O1", "-fno-builtin"), structure=True),
    Case("fno_plt", cflags=("-fno-plt",), obj_expect={"main": ("R_X86_64_GOTPCRELX",)}),
    Case("mcmodel_medium", cflags=("-mcmodel=medium", "-mlarge-data-threshold=4096"),
         obj_expect={"mcmodel_medium": (".lbss", ".ldata", ".lrodata")}),
    Case("math_lm", modes=MODES + GLIBC_STATIC, ldflags=("-lm",)),
    Case("strings_memcpy", modes=MODES + STATIC),
    Case("recursion", src_cflags={"parity": ("-O0",), "parity2": ("-O0",)}),
    Case("exit_status", modes=MODES + STATIC, args=("x",)),
    Case("return_status"),
    Case("quick_exit", modes=MODES + STATIC),
    Case("stdin_wc", modes=MODES + STATIC,
         stdin=b"one two three\nfour five\n\n  six   seven eight nine\nno newline at end"),
    # link-option variants of one self-inspecting program
    Case("selfinspect", **SELFINSPECT),
    Case("znow", ldflags=("-Wl,-z,now",), structure=True, **SELFINSPECT),
    Case("znorelro", ldflags=("-Wl,-z,norelro",), **SELFINSPECT),
    Case("hash_both", ldflags=("-rdynamic", "-Wl,--hash-style=both"), **SELFINSPECT),
    Case("hash_sysv", ldflags=("-rdynamic", "-Wl,--hash-style=sysv"), **SELFINSPECT),
    Case("build_id_sha1", ldflags=("-Wl,--build-id=sha1",), **SELFINSPECT),
    Case("no_as_needed_lm", ldflags=("-Wl,--no-as-needed", "-lm"), **SELFINSPECT),
    # archives
    Case("archive_chain", archives=(Archive("libchain.a", ("c", "unused", "b", "a")),),
         determinism=True),
    Case("archive_chain_thin", src="archive_chain",
         archives=(Archive("libchain.a", ("c", "unused", "b", "a"), thin=True),)),
    Case("archive_group", modes=MODES + STATIC, structure=True,
         archives=(Archive("liba.a", ("ping", "ping_tail")), Archive("libb.a", ("pong",))),
         link=("main.o", "-Wl,--start-group", "liba.a", "libb.a", "-Wl,--end-group")),
    Case("whole_archive", modes=MODES + STATIC,
         archives=(Archive("libplug.a", ("plug_alpha", "plug_beta", "plug_gamma")),),
         link=("main.o", "-Wl,--whole-archive", "libplug.a", "-Wl,--no-whole-archive")),
    # a shared library of our own (built by bfd), GNU ld features
    Case("shlib", threads=True, src_cflags={"libpart": ("-fPIC",)},
         shlibs=(SharedLib("libbrazeshared.so", ("libpart",)),), structure=True),
    Case("copy_reloc_ro", src_cflags={"rolib": ("-fPIC",)}, signal_exit=True, structure=True,
         shlibs=(SharedLib("libbrazero.so", ("rolib",)),)),
    Case("common_archive", src_cflags={"main": ("-fcommon",)}, modes=MODES + GLIBC_STATIC,
         archives=(Archive("libcdef.a", ("cdef",)),), obj_expect={"main": ("COM",)}),
    Case("shlib_nosoname", src_cflags={"nos": ("-fPIC",)}, structure=True,
         shlibs=(SharedLib("libbrazenoso.so", ("nos",), soname=False),)),
    # references from a library (GNU ld's default for executables is --no-allow-shlib-undefined):
    # one defined by the executable, a weak one defined nowhere, and one that only
    # --allow-shlib-undefined lets through (tests/test_errors.py: the failing links)
    Case("shlib_undef", src_cflags={"cb": ("-fPIC",)}, shlibs=(SharedLib("libbrazecb.so", ("cb",)),),
         ldflags=("-Wl,--allow-shlib-undefined",)),
    Case("wrap", modes=MODES + STATIC, ldflags=("-Wl,--wrap=malloc,--wrap=compute",)),
    Case("defsym", ldflags=("-Wl,--defsym=defsym_alias=real_target", "-Wl,--defsym=defsym_abs=0x1234")),
    Case("linker_symbols", modes=MODES + STATIC),
    Case("bss_end_align", modes=MODES + STATIC),
    Case("static_warn", modes=MODES + STATIC, link_stderr=True,
         obj_expect={"lib": (".gnu.warning.old_api",)}),
    # C++: exceptions, COMDAT groups, libstdc++
    Case("cxx_eh_comdat", cflags=("-g",), structure=True, determinism=True,
         obj_expect={"main": ("GROUP", ".gcc_except_table")}),
    # ---- C++ programs (g++): each runs in CXX_MODES, i.e. pie/nopie against libstdc++.so and
    # ---- again with -static-libstdc++ -static-libgcc (some also fully -static / -static-pie).  Every case spreads its subject over
    # ---- several objects so that the linker, not the compiler, has to get it right.
    Case("cxx_eh_across", modes=CXX_MODES + GLIBC_STATIC, src_cflags={"middle": ("-O0", "-fPIC"), "thrower": ("-Os",), "main": ("-g",)},
         obj_expect={"main": (".gcc_except_table",), "thrower": ("_ZTI8AppError",)}),
    Case("cxx_comdat_templates", structure=True,
         obj_expect={"a": ("GROUP", "UNIQUE"), "b": ("GROUP",)}),
    Case("cxx_thread_local", modes=CXX_MODES + GLIBC_STATIC, threads=True, structure=True,
         obj_expect={"main": ("_ZTH10tl_counter", "_ZTH8tl_plain"), "defs": ("_ZTH10tl_counter",)}),
    Case("cxx_init_priority", modes=CXX_MODES + ("static",), determinism=True,
         obj_expect={"a": (".init_array.00101", ".init_array.03000")}),
    Case("cxx_atexit", args=("x",)),
    Case("cxx_thread", modes=CXX_MODES + ("static",), threads=True),
    Case("cxx_iostream", modes=CXX_MODES + ("static",), stdin=b"rent 12.50\ncoffee 3.2\nbogus line\nrefund -4.05\n"),
    Case("cxx_virtual_inherit"),
    Case("cxx_rtti"),
    Case("cxx_function_lambda"),
    Case("cxx_containers"),
    Case("cxx_vtables", obj_expect={"widget": ("_ZTV6Widget",), "factory": ("GROUP",)}),
    Case("cxx_terminate_uncaught", signal_exit=True),
    Case("cxx_noexcept_terminate"),
    # STB_GNU_UNIQUE objects shared by the executable and a shared library (built by bfd), and
    # exceptions thrown across the library boundary both ways
    Case("cxx_gnu_unique", src_cflags={"lib": ("-fPIC",)},
         shlibs=(SharedLib("libcxxunique.so", ("lib",)),),
         obj_expect={"other": ("UNIQUE",), "lib": ("UNIQUE",)}),
    # GNU_UNIQUE shared with a library the executable only links indirectly (DT_NEEDED of a
    # DT_NEEDED): bfd reads it too and exports the executable's definition
    Case("cxx_unique_indirect", src_cflags={"inner": ("-fPIC",), "outer": ("-fPIC",)},
         shlibs=(SharedLib("libcxxinner.so", ("inner",)),
                 SharedLib("libcxxouter.so", ("outer",), needs=("libcxxinner.so",))),
         link=("main.o", "libcxxouter.so"), obj_expect={"main": ("UNIQUE",)}),
    Case("cxx_eh_through_c", obj_expect={"walk": (".eh_frame",)}),
    Case("cxx_eh_empty_fde", modes=CXX_MODES + GLIBC_STATIC, structure=True, obj_expect={"main": (".eh_frame",)}),
    # variants: the exception case with --gc-sections (LSDAs, .eh_frame FDEs of dropped functions),
    # thread_local compiled -fPIC (TLSGD/TLSLD relaxed to LE or IE through the TLS wrappers)
    Case("cxx_eh_gc", src="cxx_eh_across", cflags=("-ffunction-sections", "-fdata-sections"),
         ldflags=("-Wl,--gc-sections",)),
    Case("cxx_thread_local_pic", src="cxx_thread_local", threads=True, cflags=("-fPIC",),
         obj_expect={"defs": ("R_X86_64_TLSGD",)}),
    # the large code model with PIE: R_X86_64_PLTOFF64/GOTOFF64/GOTPC64/GOT64/PC64, 8-byte
    # pointers in .eh_frame and .gcc_except_table
    Case("cxx_eh_large_model", src="cxx_eh_across", cflags=("-mcmodel=large",),
         modes=("pie", "pie-static-libstdcxx"),
         obj_expect={"main": ("R_X86_64_PLTOFF64", "R_X86_64_GOTOFF64", "R_X86_64_GOTPC64", "R_X86_64_PC64")}),
    Case("cxx_legacy_ctors", obj_expect={"old": (".ctors.65434", ".dtors")}),
    # debug information intact: also driven through gdb by test_gdb.py
    Case("cxx_gdb", cflags=("-g", "-O0")),
    # ---- end of the C++ block
]

BY_NAME = {c.name: c for c in CASES}
assert len(BY_NAME) == len(CASES), "duplicate case names"


def case_modes(selector=lambda c: True):
    """(case_name, mode) pairs for pytest parametrisation."""
    return [(c.name, m) for c in CASES if selector(c) for m in c.modes]
