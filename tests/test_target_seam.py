"""The target seam: nothing outside src/braze/arch/ names an architecture, and the Target is whole.

A scan of the source (a real check: it fails when someone adds an x86-64 relocation number name, PLT
instruction bytes, the x86-64 image base or interpreter to a generic module), plus checks that the
x86-64 Target provides everything arch/base.py declares, and that a foreign-machine input still
fails with an error naming the file.
"""
from __future__ import annotations

import re
import subprocess

import pytest

from harness import REPO, braze_command, tool_env

SRC = REPO / "src" / "braze"

# what only an architecture module may say
FORBIDDEN = [
    re.compile(r"x86_64|X86_64|amd64|elf_x86"),
    re.compile(r"\bR_X86|\bEM_X86"),
    re.compile(r"0x400000\b"),
    re.compile(r"/lib64/ld-linux"),
    # PLT / trampoline instruction bytes: jmp *disp(%rip), push disp(%rip), endbr64
    re.compile(r"\\xff\\x25|\\xff\\x35|\\xf3\\x0f\\x1e\\xfa"),
]


# Target attributes whose base value is a valid choice for some architecture
OPTIONAL = {"R_NONE", "unwind_section_type",
            # flags whose default is one target's behaviour, and the hooks and bytes of features a
            # target may not have (the IBT PLT, .plt.got stubs, PLT unwind info: none on aarch64)
            "sections_scripts", "unpaged_links",
            # --orphan-handling's bfd dynobj model (x86-64 only: aarch64 refuses warn/error/discard)
            "orphan_static_dynobj", "map_property_notes", "orphan_pointer_relocs", "orphan_abs64", "orphan_got_loads", "lazy_slot_is_plt0", "dyn_ifunc_plt0", "plt_mapping_symbol", "exe_dynamic_tls_ie", "tls_module_base_local", "lazy_plt_resume", "setup", "pltgot_stubs", "got_header", "dyn_got_header_kept", "pic_got_abs_relative", "static_gotplt_with_got", "got_symbol_at_got", "glob_dat_exported_got", "ifunc_got_via_gotplt", "ifunc_got_via_gotplt_pic", "protected_copy_error", "special_local_name", "script_fill",
            "pde_ifunc_export_plt", "static_first_refuses_dsos", "ifunc_ignores_symbolic", "cplt_value_needs_strong_ref", "dynsym_section_syms", "keep_section_symbols",
            "drop_unused_cies", "stub_file_first", "plt_unwind", "separate_code", "extra_linker_syms", "provided_syms", "dynamic_empty_dynobj", "warn_foreign_z",
            "configure", "finish_scan", "finish_properties", "static_empty_sections", "pic_abs_linker_locals", "ifunc_reloc_class", "post_write", "merge_properties", "use_ibt_plt", "write_ibt_plt_entry",
            "write_ibt_jmp_entry", "write_pltgot_entry", "plt_cie", "lazy_plt_fde", "ibt_plt_fde", "pltgot_fde",
            # -r and --emit-relocs: a target without them refuses the options (configure)
            "reloc_field_width", "emitted_reloc",
            # the writer's driver: the base applies each section's parsed relocation list
            "apply_jobs",
            # branch thunks: x86-64 branches reach the whole address space
            "add_thunks", "finish_thunks",
            # bfd's default script fills code output sections on some machines only (aarch64's NOP)
            "bfd_script_fill",
            # bfd's always-made empty .got of a static link (x86-64), which aligns script LMAs
            "static_empty_got_align",
            # large common symbols (x86-64's SHN_X86_64_LCOMMON in .lbss): most machines have none
            "large_common_shndx", "large_common_section", "large_common_flags",
            # bfd's target-specific special section names (x86-64's large-model ones; aarch64: none)
            "special_sections",
            # st_other bits a machine carries from inputs to outputs (aarch64's VARIANT_PCS); the
            # .plt header's sh_entsize (0 on aarch64, as bfd); machine-specific dynamic tags
            "sto_flags_mask", "plt_sh_entsize", "dynamic_tags", "plt_code",
            # --oformat: the machine's own ELF format is all most targets write (x86-64: binary too,
            # through bfd's generic relocation howtos; aarch64 bfd refuses other formats)
            "output_kind", "raw_output_formats", "generic_howtos"}


def _generic_sources():
    return sorted(p for p in SRC.rglob("*.py") if "arch" not in p.relative_to(SRC).parts)


def test_scan_finds_the_sources():
    files = _generic_sources()
    assert len(files) > 30 and SRC / "link.py" in files and SRC / "synthetic" / "plt.py" in files
    # and the patterns do match what the arch module says (the scan could not pass vacuously)
    text = (SRC / "arch" / "x86_64.py").read_text()
    for pat in FORBIDDEN:
        assert pat.search(text), pat.pattern


def test_no_architecture_outside_arch():
    bad = []
    for p in _generic_sources():
        for n, line in enumerate(p.read_text().splitlines(), 1):
            for pat in FORBIDDEN:
                if pat.search(line):
                    bad.append(f"{p.relative_to(REPO)}:{n}: {line.strip()}")
    assert not bad, "architecture-specific text outside src/braze/arch/ (move it to a Target):\n" + \
        "\n".join(bad)


def test_no_arch_module_imported_by_name():
    """Generic code reaches the architecture through ctx.target, never by importing arch.<name>."""
    pat = re.compile(r"from\s+\.+arch\.\w+\s+import|from\s+\.+arch\s+import\s+(?!select_target|default_target|"
                     r"target_for_emulation|emulation_names|targets|each_target)\w")
    bad = [f"{p.relative_to(REPO)}: {m.group(0)}" for p in _generic_sources()
           for m in pat.finditer(p.read_text())]
    assert not bad, "\n".join(bad)


def test_target_is_complete():
    from braze.arch import targets, select_target, target_for_emulation, default_target
    from braze.arch.base import Target
    for t in targets():
        assert isinstance(t, Target)
        assert select_target(t.e_machine) is t
        for e in t.emulations:
            assert target_for_emulation(e) is t
        for name, v in vars(Target).items():
            if name.startswith("_") or name in OPTIONAL:
                continue
            if callable(v):
                assert getattr(type(t), name) is not v, f"{t.name}: {name} not provided"
            elif v is None or (isinstance(v, (str, bytes, tuple, int)) and not v):
                assert getattr(t, name) not in (None, "", (), b"", 0), f"{t.name}: {name} not provided"
    assert default_target() is targets()[0]
    assert select_target(0xffff) is None and target_for_emulation("no_such_emulation") is None


def test_foreign_machine_input_is_refused(tmp_path):
    """An object of another machine (e_machine patched) is an error naming it, as before the seam."""
    src = tmp_path / "a.c"
    src.write_text("int main(void) { return 0; }\n")
    obj = tmp_path / "a.o"
    subprocess.run(["gcc", "-c", str(src), "-o", str(obj)], check=True, env=tool_env())
    data = bytearray(obj.read_bytes())
    data[18:20] = (243).to_bytes(2, "little")          # EM_RISCV (a machine braze has no target for)
    obj.write_bytes(bytes(data))
    out = tmp_path / "out"
    p = subprocess.run([*braze_command(), "-o", str(out), str(obj)], capture_output=True, text=True,
                       env=tool_env())
    assert p.returncode == 1, p.stderr
    assert f"braze: error: {obj}: incompatible machine type 243 (expected x86-64)" in p.stderr
    assert "Traceback" not in p.stderr and not out.exists()
    # bfd refuses it too
    q = subprocess.run(["ld.bfd", "-o", str(tmp_path / "bfd.out"), str(obj)], capture_output=True,
                       text=True, env=tool_env())
    assert q.returncode != 0


@pytest.mark.parametrize("m", ["elf_x86_64", "elf_i386"])
def test_emulation_option(tmp_path, m):
    """-m names a Target's emulation (accepted) or not (refused, as before)."""
    src = tmp_path / "a.c"
    src.write_text("int main(void) { return 0; }\n")
    p = subprocess.run(["gcc", "-B" + _shim(), f"-Wl,-m,{m}", str(src), "-o", str(tmp_path / "a")],
                       capture_output=True, text=True, env=tool_env())
    if m == "elf_x86_64":
        assert p.returncode == 0, p.stderr
        assert subprocess.run([str(tmp_path / "a")]).returncode == 0
    else:
        assert p.returncode != 0 and "unsupported emulation: elf_i386 (32-bit x86); braze links elf_x86_64, " \
            "aarch64linux only" in p.stderr


def _shim() -> str:
    return subprocess.run([*braze_command(), "shim-dir"], capture_output=True, text=True,
                          check=True).stdout.strip() + "/"
