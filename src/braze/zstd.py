"""Zstandard through the system's libzstd (ctypes): the library ld.bfd itself links against, so the
compressed bytes are the same as bfd's; braze runs without site packages (the `ld` shim uses -S), so
no PyPI binding is used.  Imported only when a zstd section is read or written."""
from __future__ import annotations

import ctypes

from .diag import LinkError

_lib = None
_CLEVEL_DEFAULT = 3          # ZSTD_CLEVEL_DEFAULT, the level bfd compresses debug sections with


def _zstd():
    global _lib
    if _lib is None:
        try:
            lib = ctypes.CDLL("libzstd.so.1")
        except OSError as e:
            raise LinkError(f"zstd compression needs the system library libzstd.so.1: {e}") from None
        sz = ctypes.c_size_t
        lib.ZSTD_compressBound.restype = sz
        lib.ZSTD_compressBound.argtypes = [sz]
        lib.ZSTD_compress.restype = sz
        lib.ZSTD_compress.argtypes = [ctypes.c_char_p, sz, ctypes.c_char_p, sz, ctypes.c_int]
        lib.ZSTD_decompress.restype = sz
        lib.ZSTD_decompress.argtypes = [ctypes.c_char_p, sz, ctypes.c_char_p, sz]
        lib.ZSTD_isError.restype = ctypes.c_uint
        lib.ZSTD_isError.argtypes = [sz]
        lib.ZSTD_getFrameContentSize.restype = ctypes.c_ulonglong
        lib.ZSTD_getFrameContentSize.argtypes = [ctypes.c_char_p, sz]
        lib.ZSTD_getErrorName.restype = ctypes.c_char_p
        lib.ZSTD_getErrorName.argtypes = [sz]
        _lib = lib
    return _lib


def compress(data: bytes) -> bytes:
    lib = _zstd()
    cap = lib.ZSTD_compressBound(len(data))
    out = ctypes.create_string_buffer(cap)
    n = lib.ZSTD_compress(out, cap, data, len(data), _CLEVEL_DEFAULT)
    if lib.ZSTD_isError(n):
        raise LinkError(f"zstd compression failed: {lib.ZSTD_getErrorName(n).decode()}")
    return out.raw[:n]


def decompress(data: bytes, size: int) -> bytes:
    """Decompress a frame whose content size the ELF compression header gives; ValueError if the
    data is corrupt or does not decompress to exactly `size` bytes."""
    lib = _zstd()
    # the frame records its size (ZSTD_compress always writes it): check it before allocating
    framed = lib.ZSTD_getFrameContentSize(data, len(data))
    if framed >= (1 << 64) - 2:
        raise ValueError("not a zstd frame with a recorded size")
    if framed != size:
        raise ValueError(f"the zstd frame holds {framed} bytes, the compression header says {size}")
    out = ctypes.create_string_buffer(max(size, 1))
    n = lib.ZSTD_decompress(out, size, data, len(data))
    if lib.ZSTD_isError(n):
        raise ValueError(lib.ZSTD_getErrorName(n).decode())
    if n != size:
        raise ValueError(f"decompressed size {n} does not match the compression header's {size}")
    return out.raw[:n]
