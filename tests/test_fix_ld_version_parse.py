"""Build tools read the linker's version out of `ld --version` / `ld -v`; braze's must read as bfd's.
Found building Debian's libffi under `braze run`: the configure of GCC's runtime libraries (libffi,
libstdc++, libatomic, libgomp ...) cuts `GNU ld [(PKG) ]X.Y` out of the first line and computes
(X*100+Y)*100+Z; braze's "braze-0.1.0 (compatible with GNU ld 2.40)" read as 100, "too old for
symbol versioning", so libffi.so was built without its version script: no LIBFFI_BASE_8.0 nodes and
internal names (ffi_tramp_*, open_temp_exec_file) exported. Each reader below is run on bfd's output
and on braze's (the `ld` gcc -B finds), and must decide the same. The readers are the shell text the
configure scripts run (libffi 3.4.4's configure, libtool.m4's anonymous-versioning check, glibc's
configure's AC_CHECK_PROG_VER pattern, Linux 6.1's scripts/ld-version.sh: "GNU ld 2.40 (braze-0.1.0)"
read as no version there, "Linker is too old", and the kernel would not configure)."""
from __future__ import annotations

import os
import subprocess

import pytest

# libffi 3.4.4 configure (GCC's LIBAT/acx linker-version probe), then its threshold
GCC_RUNTIME_READER = r"""v=`"$LD" --version 2>/dev/null |
  sed -e 's/GNU gold /GNU ld /;s/GNU ld version /GNU ld /;s/GNU ld ([^)]*) /GNU ld /;s/GNU ld \([0-9.][0-9.]*\).*/\1/; q'`
n=`echo $v | awk -F. '{ if (NF<3) $3=0; print ($1*100+$2)*100+$3 }'`
if test "$n" -ge 21400; then echo "versioning $n"; else echo "too-old $n"; fi
"""
# libtool.m4: anonymous version scripts (what -export-symbols-regex uses) only for GNU ld >= 2.11
LIBTOOL_READER = r"""case `"$LD" -v 2>&1 </dev/null` in *GNU* | *'with BFD'*) echo gnu-ld ;; *) echo not-gnu ;; esac
case `"$LD" -v | sed -e 's/([^)]\+)\s\+//' 2>&1` in
  *GNU\ gold*) echo anon-versioning ;;
  *\ [01].* | *\ 2.[0-9].* | *\ 2.10.*) echo too-old ;;
  *\ 2.11.*) echo too-old ;;
  *) echo anon-versioning ;;
esac
"""
# glibc's configure: AC_CHECK_PROG_VER(LD, ..., --version, [GNU ld.* \([0-9][0-9]*\.[0-9.]*\)], ...)
GLIBC_READER = r""""$LD" --version 2>&1 | sed -n 's/^.*GNU ld.* \([0-9][0-9]*\.[0-9.]*\).*$/\1/p'
"""

# Linux 6.1 scripts/ld-version.sh (Kconfig's ld-info): "GNU ld" first, the version is the LAST word
LINUX_READER = r"""IFS='
'
set -- $(LC_ALL=C "$LD" --version)
IFS=' '
set -- $1
if [ "$1" = GNU -a "$2" = ld ]; then shift $(($# - 1)); version=$1; else echo unknown-linker; exit 0; fi
version=${version%%[!0-9.]*}
IFS=.
set -- $version
echo "BFD $((10000 * ${1:-0} + 100 * ${2:-0} + ${3:-0}))"
"""


def _braze_ld(braze_lddir: str) -> str:
    return os.path.join(braze_lddir, "ld")


@pytest.mark.parametrize("reader", ["gcc-runtime", "libtool", "glibc", "linux"])
def test_version_reads_as_bfd(braze_lddir, reader):
    script = {"gcc-runtime": GCC_RUNTIME_READER, "libtool": LIBTOOL_READER, "glibc": GLIBC_READER,
              "linux": LINUX_READER}[reader]
    out = {}
    for name, ld in (("bfd", "ld.bfd"), ("braze", _braze_ld(braze_lddir))):
        p = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "LD": ld})
        assert p.returncode == 0, p.stderr
        out[name] = p.stdout
    assert out["bfd"].strip(), "the reader found nothing in bfd's output"
    assert out["braze"] == out["bfd"]


def test_version_line_names_braze(braze_lddir):
    """Still says which linker it is."""
    p = subprocess.run([_braze_ld(braze_lddir), "-v"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and "braze" in p.stdout.splitlines()[0], p.stdout + p.stderr
