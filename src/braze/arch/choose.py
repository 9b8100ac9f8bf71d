"""Which architecture a link is for: `-m EMULATION`, else the first input file's e_machine (as bfd
picks its default target from the emulation and then checks every input against it). The chosen
back end module is ctx.arch; its defaults fill the Config fields the user left unset."""
from __future__ import annotations

from ..diag import LinkError

EM_X86_64, EM_AARCH64 = 62, 183
EMULATIONS = {"elf_x86_64": EM_X86_64, "aarch64linux": EM_AARCH64, "aarch64elf": EM_AARCH64}
_X86_DEFAULTS = {"separate_code": True, "max_page_size": 0x1000, "common_page_size": 0x1000}


def _first_machine(cfg) -> int | None:
    """e_machine of the first ELF file (or first archive member) among the inputs, None if none."""
    for spec in cfg.inputs:
        if spec.kind != "file":
            continue
        try:
            with open(spec.value, "rb") as f:
                head = f.read(20)
                if head[:8] == b"!<arch>\n":
                    f.seek(8)
                    for _ in range(4):
                        hdr = f.read(60)
                        if len(hdr) < 60:
                            break
                        size = int(hdr[48:58].decode("ascii", "replace").strip() or 0)
                        if hdr[:16].strip() in (b"/", b"//", b"/SYM64/"):
                            f.seek(size + (size & 1), 1)
                            continue
                        head = f.read(20)
                        break
        except (OSError, ValueError):
            continue
        if head[:4] == b"\x7fELF" and len(head) >= 20:
            return int.from_bytes(head[18:20], "little")
    return None


def choose(ctx) -> None:
    cfg = ctx.config
    machine = EMULATIONS.get(cfg.emulation) if cfg.emulation_explicit else None
    if machine is None:
        machine = _first_machine(cfg) or EM_X86_64
    if machine == EM_AARCH64:
        from . import aarch64 as arch
        if cfg.init_entry == "_rt0_amd64_linux_lib" and not cfg.init_entry_explicit:
            cfg.init_entry = arch.INIT_ENTRY
        cfg.plt_unwind = False          # bfd's aarch64 back end writes no .eh_frame for its PLT
        if cfg.z_aarch64:
            raise LinkError(f"option -z {cfg.z_aarch64[0]} is not supported")
        defaults = {"separate_code": arch.SEPARATE_CODE, "max_page_size": arch.MAX_PAGE_SIZE,
                    "common_page_size": arch.COMMON_PAGE_SIZE}
    else:
        from . import x86_64 as arch
        machine = EM_X86_64
        defaults = _X86_DEFAULTS
        if cfg.fix_cortex_a53_843419:
            raise LinkError("option --fix-cortex-a53-843419 is not supported for x86-64 (an aarch64 option)")
        from .. import diag
        for kw in cfg.z_aarch64:
            diag.warn(f"-z {kw} ignored")       # as x86-64 bfd: a keyword of another target
    for k, v in defaults.items():
        if getattr(cfg, k) is None:
            setattr(cfg, k, v)
    ctx.arch = arch
    ctx.machine = machine
    from ..inputs import elfhdr
    elfhdr.TARGET[:] = [machine, "aarch64" if machine == EM_AARCH64 else "x86-64"]
