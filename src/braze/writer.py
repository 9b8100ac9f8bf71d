"""Write the output: headers, section contents, relocated input sections, then the build-id.
The file is written to a temporary name and renamed, so a failed link leaves no output behind."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

import mmap
from . import _os as os
import sys

from . import diag
from .diag import LinkError
from .elf import (EHDR, PHDR, SHDR, CHDR, ET_EXEC, ET_DYN, PT_LOAD, SHF_ALLOC, SHF_COMPRESSED, SHT_NOBITS,
                  ELFCOMPRESS_ZLIB, ELFCOMPRESS_ZSTD, SHN_LORESERVE, SHN_XINDEX, align_up)
from .sections import OutputSection

# st_mode's file type (stat.S_IFMT and the two kinds tested here; the stat module is not imported for them)
_S_IFMT, _S_IFREG, _S_IFLNK = 0o170000, 0o100000, 0o120000


# Applying relocations in a forked second process (--threads=2) no longer pays by default: after
# the fork, reference counting dirties the heap's pages in both processes (copy-on-write faults),
# which costs about what the compiled apply pass saves.  Session 10, quiet machine, 7 interleaved
# runs, one process vs two: python (193k relocations) min CPU 141.9 vs 172.5 ms, median wall 150.1
# vs 153.1; synth-16x (267k) 258.1 vs 294.5, 262.1 vs 264.7; rust-bin a tie.  So only an explicit
# --threads=N (N >= 2) forks.
# chunks whose write() costs Python work per entry, like applying a relocation (24-byte entries)
_PER_ENTRY_WRITERS = ("SymTab", "EhFrameSection")


def write_sections(ctx) -> None:
    """The output image (ctx.buf): ELF and program headers, then every chunk's own bytes."""
    cfg = ctx.config
    _check_header_room(ctx)
    jobs = ctx.reloc_jobs = _reloc_jobs(ctx)
    parallel = ctx.reloc_parallel = _use_two_processes(cfg, sum(m.rel_size for m, _o, _a in jobs) // 24)
    # a shared mapping lets a forked process write its half of the relocations into the same image;
    # otherwise a private one, its pages faulted in by one system call (MAP_POPULATE) instead of one
    # trap per page as a bytearray's zero-fill takes them: python's 7.7 MB image, 29 -> 23 ms here
    try:
        buf = mmap.mmap(-1, ctx.file_size) if parallel else \
            mmap.mmap(-1, ctx.file_size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | mmap.MAP_POPULATE)
    except (MemoryError, OverflowError, OSError) as e:
        raise LinkError(f"{cfg.output}: cannot allocate the output image of {ctx.file_size} bytes "
                        f"({type(e).__name__})") from None
    ctx.buf = buf
    _write_headers(ctx, buf)
    ctx.reloc_rest = rest = []
    for c in ctx.chunks:
        if parallel and not isinstance(c, OutputSection):
            # the linker-made sections (.symtab, .eh_frame, .dynsym, …: disjoint ranges, written from
            # the link's tables) are written by this process while the child applies relocations
            rest.append(c)
        else:
            c.write(ctx, buf)
    ctx.release_input_pages()


def _check_header_room(ctx) -> None:
    """No section's file bytes may overlap the ELF header or the program header table: a layout
    bug there would otherwise write a file that is not ELF at all, so it is refused instead."""
    end = 64 + 56 * len(ctx.segments)
    for c in ctx.chunks:
        if c.type != SHT_NOBITS and c.size and c.offset < end:
            raise LinkError(f"{ctx.config.output}: internal error: section {c.name} at file offset "
                            f"{c.offset:#x} overlaps the ELF and program headers (0 to {end:#x})")


def apply_relocations(ctx) -> None:
    """The input sections' relocations (the target's apply_relocs), in two processes when it pays."""
    if ctx.reloc_parallel:
        _apply_two_processes(ctx, ctx.buf, ctx.reloc_jobs, ctx.reloc_rest)
    else:
        _apply_jobs(ctx, ctx.buf, ctx.reloc_jobs)
    ctx.release_input_pages()
    diag.check_errors()


def post_write(ctx) -> None:
    """What reads the relocated image back: dynamic relocation addends, .relr.dyn, .eh_frame_hdr..."""
    buf = ctx.buf
    for c in ctx.chunks:
        pw = getattr(c, "post_write", None)
        if pw is not None and c is not ctx.syn.build_id:
            pw(ctx, buf)
    ctx.target.post_write(ctx, buf)
    if ctx.config.compress_debug_sections != "none":
        ctx.buf = _compress_debug(ctx, buf)


# From this output size on, the build-id's digest is computed on other threads while commit()
# writes the file (below it, starting a thread costs about what the overlap saves).
THREADED_DIGEST_MIN = 1 << 20


class _PendingDigest:
    """A build-id digest of the finished image being computed on other threads: the hash functions
    release the GIL on big buffers, and so does writing the file, so commit() writes the image (the
    build-id's bytes still zero, as they are hashed) while the digest is computed, then puts the
    digest in the image and the file.  A bare --build-id hashes the two halves of the image on two
    threads (BuildId.leaf_hashers); the image is not changed until finish()."""

    def __init__(self, hashers: list, root: Any, buf: Any, offset: int) -> None:
        import _thread
        self.root = root
        self.offset = offset
        self.error: BaseException | None = None
        self.pending: list = []
        view = memoryview(buf)
        step = (len(buf) + len(hashers) - 1) // len(hashers)
        for i, h in enumerate(hashers):
            done = _thread.allocate_lock()
            done.acquire()
            self.pending.append((h, done))
            _thread.start_new_thread(self._hash, (h, view[i * step:(i + 1) * step], done))

    def _hash(self, hasher: Any, part: Any, done: Any) -> None:
        try:
            hasher.update(part)
        except BaseException as e:      # noqa: B036 - given to the thread that waits for the digest
            self.error = e
        finally:
            done.release()

    def finish(self, buf: Any) -> bytes:
        """The digest, once computed, also written into BUF at its place."""
        for _h, done in self.pending:
            done.acquire()
        if self.error is not None:
            raise self.error
        digests = [h.digest() for h, _done in self.pending]
        desc: bytes = self.root(digests) if self.root is not None else digests[0]
        buf[self.offset:self.offset + len(desc)] = desc
        return desc


def write_build_id(ctx) -> None:
    """--build-id: a digest of the finished image (after compression); a big output's is started
    here on other threads, and commit() waits for it (_PendingDigest)."""
    bid = ctx.syn.build_id
    if ctx.syn.build_id_in is not None:
        bid, sec = ctx.syn.build_id_in      # (an input section of an output section: its place there)
        if not sec.alive or sec.out is None:
            return
        bid.offset = sec.out.offset + sec.out_off
    elif bid is None or bid not in ctx.chunks:
        return
    buf = ctx.buf
    if len(buf) < THREADED_DIGEST_MIN:
        bid.post_write(ctx, buf)
        return
    tree = bid.leaf_hashers(len(buf))
    if tree is not None:
        ctx.build_id_pending = _PendingDigest(tree[0], tree[1], buf, bid.desc_offset)
        return
    h = bid.hasher(len(buf))
    if h is None:
        bid.post_write(ctx, buf)
    else:
        ctx.build_id_pending = _PendingDigest([h], None, buf, bid.desc_offset)


def commit(ctx) -> None:
    diag.check_errors(final=True)   # --fatal-warnings: a warning from any pass ends the link here, no output
    _commit(ctx.config.output, ctx.buf, pending=ctx.build_id_pending)
    ctx.build_id_pending = None
    ctx.output_written = True


def remove_stale_output(path: str) -> None:
    """A failed link deletes an existing output file, as bfd does (libiberty's unlink_if_ordinary:
    regular files and symbolic links only), so a stale program is never mistaken for this link's."""
    try:
        st = os.lstat(path)
        if (st.st_mode & _S_IFMT) in (_S_IFREG, _S_IFLNK):
            os.unlink(path)
    except OSError:
        pass


def _reloc_jobs(ctx) -> list:
    """(input section, file offset, address) for every input section with relocations to apply."""
    from .relvalues import reloc_jobs
    return reloc_jobs(ctx.chunks, OutputSection, SHT_NOBITS)


def _apply_jobs(ctx, buf, jobs) -> None:
    ctx.target.apply_jobs(ctx, buf, jobs)


def _use_two_processes(cfg, nrelocs: int) -> bool:
    return cfg.threads >= 2 and nrelocs > 0 and hasattr(os, "fork")


def _apply_two_processes(ctx, buf, jobs, rest=()) -> None:
    """Apply relocations with a forked child doing the first part of the sections, while this process
    writes the chunks in `rest` and applies the others.  The child takes half of the work counted in
    relocations, the per-entry writers in `rest` (symbol table, .eh_frame) counting one unit per
    24 bytes.  The writes are disjoint and the child's messages go straight to stderr; its exit status
    says whether it reported errors."""
    total = sum(m.rel_size for m, _o, _a in jobs)
    extra = sum(c.size for c in rest if type(c).__name__ in _PER_ENTRY_WRITERS)
    half = min(total, (total + extra) // 2)
    acc = k = 0
    while k < len(jobs) and acc < half:
        acc += jobs[k][0].rel_size
        k += 1
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            _apply_jobs(ctx, buf, jobs[:k])
            if diag.has_errors():
                code = 1
        except BaseException as e:      # noqa: B036 - the child must never return into the parent's code
            code = diag.report_exception(e) or 1
        finally:
            try:
                sys.stderr.flush()
            finally:
                os._exit(code)
    try:
        for c in rest:
            c.write(ctx, buf)
        _apply_jobs(ctx, buf, jobs[k:])
    finally:
        _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        raise LinkError(f"the relocation worker process was killed by signal {os.WTERMSIG(status)}")
    if status != 0:
        diag.check_errors()
        raise LinkError(None)       # the child has printed its errors


def _compressor(style: str):
    """(compress function, Elf64_Chdr ch_type) for --compress-debug-sections=STYLE."""
    if style == "zstd":
        from .zstd import compress
        return compress, ELFCOMPRESS_ZSTD
    return _zlib_compress, ELFCOMPRESS_ZLIB


def _zlib_compress(data):
    import zlib
    return zlib.compress(data, 6)


def compressed_debug(style: str, name: str, data: bytes, align: int):
    """A .debug_* section's (name, extra flags, bytes, alignment) once compressed as bfd compresses
    it (also with -r), or None when that would not be smaller."""
    compress, ctype = _compressor(style)
    if style == "zlib-gnu":
        packed = b"ZLIB" + len(data).to_bytes(8, "big") + compress(data)
        return (".z" + name[1:], 0, packed, align) if len(packed) < len(data) else None
    packed = CHDR.pack(ctype, 0, len(data), align) + compress(data)
    return (name, SHF_COMPRESSED, packed, 8) if len(packed) < len(data) else None


def _compress_debug(ctx, buf) -> bytearray:
    """--compress-debug-sections=zlib|zstd: each .debug_* section becomes an Elf64_Chdr plus its zlib
    stream or zstd frame (default levels, as bfd), unless that would not be smaller; zlib-gnu: a
    .zdebug_* section instead, as bfd writes it.  Only non-alloc
    sections at the end of the file move, so the finished image is re-packed from the first of them on."""
    style = ctx.config.compress_debug_sections
    compress, ctype = _compressor(style)
    tail = [c for c in ctx.chunks if not c.flags & SHF_ALLOC]
    if not tail:
        return buf
    start = min(c.offset for c in tail)
    # bfd places the sections it was asked to compress (every .debug_*, smaller or not) after the
    # others (.comment, .symtab, .strtab, ...), once compressed, and .shstrtab last (its names may
    # change): file offsets only, the section headers keep their order
    shstrtab = ctx.shstrtab
    tail = [c for c in tail if c is not shstrtab and not c.name.startswith(".debug_")] + \
        [c for c in tail if c is not shstrtab and c.name.startswith(".debug_")] + \
        [c for c in tail if c is shstrtab]
    out = bytearray(buf[:start])
    for c in tail:
        data = b"" if c.type == SHT_NOBITS else bytes(buf[c.offset:c.offset + c.size])
        if c is ctx.shstrtab:                     # last: with the names zlib-gnu changed
            data = bytes(c.buf)
            c.size = len(data)
        elif style == "zlib-gnu" and c.name.startswith(".debug_") and data:
            # the old GNU form: section .zdebug_*, "ZLIB" and the size (big-endian) before the stream
            packed = b"ZLIB" + c.size.to_bytes(8, "big") + compress(data)
            if len(packed) < len(data):
                data = packed
                c.name = ".z" + c.name[1:]
                ctx.shstrtab.add(c.name)
                c.size = len(data)
        elif c.name.startswith(".debug_") and data:
            packed = CHDR.pack(ctype, 0, c.size, c.align) + compress(data)
            if len(packed) < len(data):
                data = packed
                c.flags |= SHF_COMPRESSED
                c.align = 8                       # the Elf64_Chdr alignment, as bfd
                c.size = len(data)
        off = align_up(len(out), c.align)
        out.extend(bytes(off - len(out)))
        c.offset = off
        out.extend(data)
    ctx.shoff = align_up(len(out), 8)
    out.extend(bytes(ctx.shoff - len(out) + 64 * (len(ctx.chunks) + 1)))
    _write_headers(ctx, out)
    return out


def _entry(ctx) -> int:
    from .address import sym_addr
    cfg = ctx.config
    name = cfg.entry or ctx.script_entry or "_start"
    if ctx.lscript is not None and not cfg.entry and not ctx.script_entry:
        # bfd without its default script (which says ENTRY(_start)): its built-in default is `start`,
        # and when that is not defined the start of .text, without a warning
        s = ctx.symtab.get("start")
        if s is not None and (s.rank >= 2 or s.linker_defined):
            return sym_addr(ctx, s)
        text = ctx.out_by_name.get(".text")
        # (only an executable: a shared library's entry stays 0, as bfd's lang_end)
        return text.addr if text is not None and not cfg.shared else 0
    s = ctx.symtab.get(name) or ctx.symver_alias_of.get(name)
    if s is not None and (s.rank >= 2 or s.linker_defined):
        return sym_addr(ctx, s)
    if cfg.entry:
        from .cli import scan_vma
        v = scan_vma(cfg.entry)
        if v is not None:
            return v
    if cfg.shared:
        if cfg.entry:
            diag.warn(f"cannot find entry symbol {name}; not setting start address")
        return 0
    text = ctx.out_by_name.get(".text")
    addr = text.addr if text is not None else 0
    diag.warn(f"cannot find entry symbol {name}; defaulting to {addr:016x}")
    return addr


def _write_headers(ctx, buf) -> None:
    cfg = ctx.config
    segs = ctx.segments
    chunks = ctx.chunks
    # ELFOSABI_GNU when .symtab holds an IFUNC or GNU_UNIQUE symbol: bfd decides it from the symbols
    # it writes (the LTO plugin's objects and locals count, -s leaves none), so SymTab.write sets it
    # in the header written here first, and it is known when the header is written again
    osabi = 3 if ctx.gnu_osabi else 0
    ident = b"\x7fELF\x02\x01\x01" + bytes([osabi]) + bytes(8)
    etype = ET_DYN if cfg.pic else ET_EXEC
    shnum, shstrndx = len(chunks) + 1, ctx.shstrtab.shndx
    if cfg.pie and not cfg.shared and cfg.text_segment:
        etype = ET_EXEC     # bfd: a PIE given a non-zero -Ttext-segment is written as ET_EXEC
    if cfg.pie and not cfg.shared and ctx.lscript is not None and \
            min((s.vaddr for s in segs if s.type == PT_LOAD), default=0):
        etype = ET_EXEC     # (bfd's rule: the lowest PT_LOAD address is not 0)
    EHDR.pack_into(buf, 0, ident, etype, ctx.target.e_machine, 1, _entry(ctx), 64, ctx.shoff, 0, 64, 56, len(segs), 64,
                   shnum if shnum < SHN_LORESERVE else 0, shstrndx if shstrndx < SHN_LORESERVE else SHN_XINDEX)
    if shnum >= SHN_LORESERVE:      # the gABI's escape: the real numbers live in section 0's header
        SHDR.pack_into(buf, ctx.shoff, 0, 0, 0, 0, 0, shnum, shstrndx if shstrndx >= SHN_LORESERVE else 0,
                       0, 0, 0)
    o = 64
    for s in segs:
        PHDR.pack_into(buf, o, s.type, s.flags, s.offset, s.vaddr, s.vaddr if s.paddr is None else s.paddr,
                       s.filesz, s.memsz, s.align)
        o += 56
    o = ctx.shoff + 64
    shstr = ctx.shstrtab.map
    for c in chunks:
        link = c.link.shndx if c.link is not None else 0
        info = c.info.shndx if hasattr(c.info, "shndx") else int(c.info or 0)
        if c.name == ".rela.plt" and ctx.dynamic:
            info = _gotplt_shndx(ctx, chunks)
            link = ctx.syn.dynsym.shndx if ctx.syn.dynsym is not None else 0
        elif (c.name == ".rela.dyn" or c is ctx.syn.rela_dyn) and ctx.syn.dynsym is not None and \
                not getattr(c, "link_symtab", False):    # (.dynsym discarded by a script: .symtab's)
            link = ctx.syn.dynsym.shndx
        elif c.name == ".rela.plt":
            # static: bfd links the IRELATIVE table to .symtab (there is no .dynsym)
            info = _gotplt_shndx(ctx, chunks)
            link = next((x.shndx for x in chunks if x.name == ".symtab"), 0)
        SHDR.pack_into(buf, o, shstr[c.name], c.type, c.flags | c.shdr_flags, c.addr, c.offset, c.size, link,
                       info, c.align, c.entsize)
        o += 64


def _gotplt_shndx(ctx, chunks) -> int:
    """.rela.plt's sh_info: the output section of .got.plt (a script may put it among another output
    section's inputs, `.got : { *(.got) *(.got.plt) }`: that section, as bfd)."""
    g = ctx.syn.gotplt
    if g in chunks:
        return g.shndx
    return g.embedded_in.shndx if g.embedded_in is not None else 0


def _commit(path: str, buf, mode: int = 0o777, pending: _PendingDigest | None = None) -> None:
    if not path:
        raise LinkError("cannot open output file : No such file or directory")     # (-o '', bfd's words)
    try:
        st = os.stat(path)
    except OSError:
        st = None
    if st is not None and (st.st_mode & _S_IFMT) != _S_IFREG:
        # /dev/null, a FIFO, a terminal: write into it; renaming over it would replace the device.
        if pending is not None:
            pending.finish(buf)
        try:
            with open(path, "wb") as f:
                f.write(buf)
        except OSError as e:
            raise LinkError(f"cannot write output file {path}: {e.strerror}") from None
        return
    fd, tmp = _create_temp(os.path.dirname(os.path.abspath(path)) or ".", path)
    try:
        with open(fd, "wb") as f:       # (os.fdopen is this)
            f.write(buf)
            if pending is not None:     # the build-id, hashed meanwhile, in place of its zeros
                f.flush()
                os.pwrite(fd, pending.finish(buf), pending.offset)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, mode & ~mask)
        if st is not None:
            # bfd unlinks the old output too; a rename over an existing file makes ext4 (auto_da_alloc)
            # allocate and start writing the new file's blocks inside the rename: 0.3-5 ms of a link
            try:
                os.unlink(path)
            except OSError:
                pass
        try:
            os.replace(tmp, path)
        except OSError as e:        # (`-o dir/` naming no directory, a name the rename cannot take)
            raise LinkError(f"cannot create output file {path}: {e.strerror}") from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _create_temp(d: str, path: str) -> tuple[int, str]:
    """A fresh file next to the output (same file system, so the final rename is atomic). Not
    tempfile.mkstemp: importing tempfile costs more start-up time than a small link takes."""
    for n in range(100):
        tmp = os.path.join(d, f".braze-{os.getpid()}-{n}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600), tmp
        except FileExistsError:
            continue
        except OSError as e:
            raise LinkError(f"cannot create output file {path}: {e.strerror}") from None
    raise LinkError(f"cannot create output file {path}: too many stale temporary files in {d}")
