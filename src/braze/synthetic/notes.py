""".interp, .note.gnu.build-id, .note.gnu.property, .note.package."""
from __future__ import annotations

import _struct as struct

from ..elf import (SHT_PROGBITS, SHT_NOTE, SHF_ALLOC, NT_GNU_BUILD_ID, NT_GNU_PROPERTY_TYPE_0, NT_FDO_PACKAGING_METADATA,
                   GNU_PROPERTY_STACK_SIZE, GNU_PROPERTY_NO_COPY_ON_PROTECTED)
from ..sections import Chunk


class Interp(Chunk):
    def __init__(self, path: str):
        super().__init__(".interp", SHT_PROGBITS, SHF_ALLOC, 1)
        self.data = path.encode() + b"\0"
        self.size = len(self.data)

    def write(self, ctx, buf) -> None:
        buf[self.offset:self.offset + self.size] = self.data


class BuildId(Chunk):
    """The build-id is a hash of the whole output, computed after everything else is written."""

    def __init__(self, style: str):
        super().__init__(".note.gnu.build-id", SHT_NOTE, SHF_ALLOC, 4)
        self.style = style
        if style.startswith("0x"):
            self.desc_size = len(bytes.fromhex(style[2:]))
        else:
            self.desc_size = {"default": 20, "sha1": 20, "md5": 16, "uuid": 16}[style]
        self.size = 16 + self.desc_size

    def write(self, ctx, buf) -> None:
        struct.pack_into("<III4s", buf, self.offset, 4, self.desc_size, NT_GNU_BUILD_ID, b"GNU\0")

    @property
    def desc_offset(self) -> int:
        """The digest's file offset: after the note's header (namesz, descsz, type) and "GNU\\0"."""
        return self.offset + 16

    def hasher(self, size: int):
        """The digest object of a digest style (a bare --build-id, sha1, md5) for an output of SIZE
        bytes; None for 0xHEX and uuid."""
        if self.style.startswith("0x") or self.style == "uuid":
            return None
        return _hasher(self.style, size)

    def leaf_hashers(self, size: int):
        """The digest of an output of SIZE bytes as a two-leaf hash tree, or None: (leaf hashers, one
        per half of the image, and the function that makes the digest of their digests).  Only a bare
        --build-id of 1 MiB or more: each half is hashed on its own thread (the hash functions release
        the GIL), and the digest asks for nothing but a 160-bit value that changes with any byte of
        the file, while sha1/md5 must be exactly that digest of the file."""
        if self.style != "default" or size < TREE_DIGEST_MIN:
            return None
        return _leaf_hashers(size)

    def post_write(self, ctx, buf) -> None:
        o = self.desc_offset
        h = self.hasher(len(buf))
        if h is not None:
            h.update(memoryview(buf))
            desc = h.digest()
        elif self.style == "uuid":
            from .. import _os as os
            desc = os.urandom(16)
        else:
            desc = bytes.fromhex(self.style[2:])
        buf[o:o + self.desc_size] = desc


# Below this output size, a bare --build-id hashes with BLAKE2b-160 (CPython's builtin, ~650 MB/s
# here); above it, with OpenSSL's SHA-1 (~1.7 GB/s, but loading libcrypto costs ~2.8 ms first).
FAST_DIGEST_MAX = 3 << 20


# From this output size on, a bare --build-id hashes the two halves of the image in parallel.
TREE_DIGEST_MIN = 1 << 20


def _leaf_hashers(size: int):
    """BLAKE2b's own tree mode (fanout 2, depth 2, 256-bit leaves, a 160-bit root) below
    FAST_DIGEST_MAX; above it, as there, SHA-1: the SHA-1 of the two halves' SHA-1 digests."""
    half = (size + 1) // 2
    if size < FAST_DIGEST_MAX:
        try:
            from _blake2 import blake2b
        except ImportError:
            blake2b = None
        if blake2b is not None:
            tree = dict(fanout=2, depth=2, leaf_size=half, inner_size=32)
            leaves = [blake2b(digest_size=32, node_offset=i, node_depth=0, last_node=i == 1, **tree)
                      for i in (0, 1)]

            def root(digests: list[bytes]) -> bytes:
                h = blake2b(digest_size=20, node_offset=0, node_depth=1, last_node=True, **tree)
                for d in digests:
                    h.update(d)
                return h.digest()
            return leaves, root
    leaves = [_hasher("sha1", size), _hasher("sha1", size)]

    def sha1_root(digests: list[bytes]) -> bytes:
        h = _hasher("sha1", size)
        h.update(b"".join(digests))
        return h.digest()
    return leaves, sha1_root


def _hasher(style: str, size: int):
    """The digest object for the build-id.  A bare --build-id asks only for bfd's 160-bit size, not for
    SHA-1 (lld's and mold's are not the SHA-1 of their file either), so braze takes the fastest 160-bit
    digest at hand for the size; --build-id=sha1/md5 get exactly that digest of the file.  Small
    outputs use CPython's builtin implementations, as loading OpenSSL costs more than they take."""
    if style == "default":
        if size < FAST_DIGEST_MAX:
            try:
                from _blake2 import blake2b
                return blake2b(digest_size=20)
            except ImportError:
                pass
        style = "sha1"
    if size < (1 << 20):
        try:
            if style == "sha1":
                from _sha1 import sha1
                return sha1()
            from _md5 import md5
            return md5()
        except ImportError:
            pass
    try:
        # OpenSSL's, as hashlib.sha1 is, without hashlib.py's own import (~0.7 ms)
        from _hashlib import openssl_md5, openssl_sha1
        return openssl_sha1() if style == "sha1" else openssl_md5()
    except ImportError:
        import hashlib
        return hashlib.sha1() if style == "sha1" else hashlib.md5()


class PropertyNote(Chunk):
    def __init__(self, props: list[tuple[int, int]]):
        super().__init__(".note.gnu.property", SHT_NOTE, SHF_ALLOC, 8)
        self.props = props
        # (the stack size is an address-sized number; the other properties are 4-byte bit masks)
        desc = b"".join(struct.pack("<IIQ", t, 8, v) if t == GNU_PROPERTY_STACK_SIZE else
                        struct.pack("<II", t, 0) if t == GNU_PROPERTY_NO_COPY_ON_PROTECTED else
                        struct.pack("<IIII", t, 4, v, 0) for t, v in props)
        self.data = struct.pack("<III4s", 4, len(desc), NT_GNU_PROPERTY_TYPE_0, b"GNU\0") + desc
        self.size = len(self.data)

    def write(self, ctx, buf) -> None:
        buf[self.offset:self.offset + self.size] = self.data


class PackageNote(Chunk):
    """--package-metadata=JSON: the systemd/FDO packaging note (owner "FDO"), the JSON text with its NUL."""

    def __init__(self, text: str):
        super().__init__(".note.package", SHT_NOTE, SHF_ALLOC, 4)
        desc = text.encode() + b"\0"
        desc += b"\0" * (-len(desc) % 4)        # bfd counts the padding in the descriptor size
        self.data = struct.pack("<III4s", 4, len(desc), NT_FDO_PACKAGING_METADATA, b"FDO\0") + desc
        self.size = len(self.data)

    def write(self, ctx, buf) -> None:
        buf[self.offset:self.offset + self.size] = self.data
