"""A direct call to __tls_get_addr in an executable that nothing defines it for, against ld.bfd
(found linking D programs with `gdc -static`: druntime's gcc.sections.elf.getTLSRange calls
__tls_get_addr itself; glibc's libc.a does not define it).

In an executable every general/local-dynamic TLS sequence is relaxed and bfd consumes the call's
relocation with the sequence's, so those calls need no __tls_get_addr. braze exempted every use of
the name, so a plain call linked silently as a call to address 0; bfd reports it undefined. The
relaxed calls alone must still link (static and static-pie), on x86-64 and on aarch64
(without libc there: its libc.a defines __tls_get_addr)."""
from __future__ import annotations

import pytest

from harness import BuildDir, need_tool

DIRECT = r"""
#include <stdio.h>
typedef struct { unsigned long m, o; } tls_index;
extern void *__tls_get_addr(tls_index *);
int main(int argc, char **argv) {
    (void)argv;
    if (argc > 5) { tls_index ti = {1, 0}; printf("%p\n", __tls_get_addr(&ti)); }
    puts("ok");
    return 0;
}
"""

# -fPIC: the general-dynamic (and local-dynamic) sequences, relaxed in an executable
RELAXED = r"""
#include <stdio.h>
__thread int tv = 42;
static __thread int lv = 7;
__attribute__((noinline)) int *gd(void) { return &tv; }
__attribute__((noinline)) int *ld(void) { return &lv; }
int main(void) { printf("%d %d\n", *gd(), *ld()); return 0; }
"""


# no libc (aarch64's libc.a defines __tls_get_addr, x86-64's does not): the same two kinds of use
NOLIBC_RELAXED = r"""
__thread int tv = 42;
static __thread int lv = 7;
__attribute__((noinline)) int *gd(void) { return &tv; }
__attribute__((noinline)) int *ld(void) { return &lv; }
void _start(void) { *gd() += *ld(); for (;;); }
"""
NOLIBC_DIRECT = r"""
extern void *__tls_get_addr(void *);
void *direct(void) { return __tls_get_addr(0); }
"""


def _links(b, linker, prefix, mode, objs, out, extra=()):
    cc = prefix + "gcc"
    ld = ["-fuse-ld=bfd"] if linker == "bfd" else [f"-B{b.lddir}/"]
    return b.run([cc, *ld, mode, *extra, *objs, "-o", out], check=False)


@pytest.mark.parametrize("mode", ["-static", "-static-pie"])
def test_direct_call_is_undefined_libc(tmp_path, braze_lddir, mode):
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "d.c").write_text(DIRECT)
    (tmp_path / "r.c").write_text(RELAXED)
    b.run(["gcc", "-c", "-fPIC", "d.c", "r.c"])
    # the relaxed sequences alone: both link, and run alike
    for linker in ("bfd", "test"):
        p = _links(b, linker, "", mode, ["r.o"], f"r-{linker}")
        assert p.returncode == 0, p.stderr
    outs = [b.run([tmp_path / f"r-{lk}"]).stdout for lk in ("bfd", "test")]
    assert outs[0] == outs[1] == "42 7\n"
    # a plain call: bfd's undefined reference, braze's error too (no output, no traceback)
    for linker in ("bfd", "test"):
        p = _links(b, linker, "", mode, ["d.o"], f"d-{linker}")
        assert p.returncode != 0, f"{linker} linked a call to an undefined __tls_get_addr"
        assert "__tls_get_addr" in p.stderr and "Traceback" not in p.stderr, p.stderr


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
@pytest.mark.parametrize("mode", ["-static", "-static-pie"])
def test_direct_call_is_undefined_nolibc(tmp_path, braze_lddir, arch, mode):
    prefix = "" if arch == "x86_64" else "aarch64-linux-gnu-"
    if prefix:
        need_tool(prefix + "gcc")
    b = BuildDir(tmp_path, braze_lddir)
    (tmp_path / "n.c").write_text(NOLIBC_RELAXED)
    (tmp_path / "nd.c").write_text(NOLIBC_DIRECT)
    tls = [] if arch == "x86_64" else ["-mtls-dialect=trad"]    # (aarch64's default: TLS descriptors)
    b.run([prefix + "gcc", "-c", "-O1", "-fPIC", *tls, "n.c", "nd.c"])
    for linker in ("bfd", "test"):
        p = _links(b, linker, prefix, mode, ["n.o"], f"n-{linker}", ["-nostdlib"])
        assert p.returncode == 0, p.stderr
        p = _links(b, linker, prefix, mode, ["n.o", "nd.o"], f"nd-{linker}", ["-nostdlib"])
        assert p.returncode != 0, f"{linker} linked a call to an undefined __tls_get_addr"
        assert "__tls_get_addr" in p.stderr and "Traceback" not in p.stderr, p.stderr
