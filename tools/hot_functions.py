"""List the compiled functions that representative x86-64 links run: tools/hot_functions.txt.

build_mypyc.py marks those functions `hot` in the generated C, so that GCC places them together in
.text.hot, ahead of the rest of the library's code.  Why: the kernel maps a file page's neighbours
with it (fault-around, 64 KiB here), so with the functions in mypyc's order (module by module) a
small link touched, and kept resident, nearly all of the 2.4 MB library's code: the aarch64 back end,
cli's handlers of rarely used options, error paths.  Peak RSS counts those pages.

The list only places code: a function missing from it (new, renamed) is still compiled the same way
and runs the same, in the library's ordinary .text.  Regenerate it after larger changes:

    .venv/bin/python tools/hot_functions.py [--jobs hello,shlib,...]

It links each bench job (bench/jobs.py; objects built as `make bench` builds them) with braze under
valgrind's callgrind and keeps every function of the mypyc library with instructions counted.
"""
from __future__ import annotations

import argparse
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIST = os.path.join(ROOT, "tools", "hot_functions.txt")
# x86-64 jobs covering the output kinds and input kinds: PIE and non-PIE, static glibc and musl,
# C++ with exceptions, a shared library, rustc's link, big archives with -g
JOBS = "hello,hello-static,hello-musl-static,cpp,cpp-static-libstdcxx,shlib,sqlite,rust-bin,python,synth-1x"
_SUFFIX = re.compile(r"(\.(constprop|isra|part|cold|lto_priv)\.?\d*)+$|'\d+$")


def base_name(fn: str) -> str:
    """The C function a callgrind/nm name belongs to: GCC's clones (.constprop.0, .part.1, .cold)
    and callgrind's recursion marks ('2) removed."""
    while True:
        m = _SUFFIX.search(fn)
        if not m:
            return fn
        fn = fn[:m.start()]


def ran(cg_file: str, library: str) -> set[str]:
    """The functions of `library` with instructions counted in one callgrind output."""
    out = subprocess.run(["callgrind_annotate", "--threshold=100", "--inclusive=no", cg_file],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True).stdout
    names = set()
    for line in out.splitlines():
        m = re.match(r"\s*[\d,]+ \([^)]*\)\s+\S*?:(\S+) \[(.*)\]\s*$", line)
        if m and os.path.basename(m.group(2)) == library:
            names.add(base_name(m.group(1)))
    return names


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", default=JOBS)
    args = ap.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("hot_functions.py: valgrind is needed")
    sys.path.insert(0, ROOT)
    from bench import jobs as bench
    libs = glob.glob(os.path.join(ROOT, "src", "braze_mypyc__mypyc.*.so"))
    if len(libs) != 1:
        sys.exit("hot_functions.py: build the mypyc library first (tools/build_mypyc.py)")
    library = os.path.basename(libs[0])
    shim = os.path.join(bench.braze_lddir(), "ld")
    names: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="braze-hot-") as tmp:
        lddir, out = os.path.join(tmp, "ld"), os.path.join(tmp, "out")
        os.makedirs(lddir)
        with open(os.path.join(lddir, "ld"), "w") as f:
            f.write(f"#!/bin/sh\nexec valgrind -q --tool=callgrind "
                    f"--callgrind-out-file={shlex.quote(tmp)}/cg.%p {shlex.quote(shim)} \"$@\"\n")
        os.chmod(os.path.join(lddir, "ld"), 0o755)
        for job in args.jobs.split(","):
            bench.link(job, lddir, out)
            got: set[str] = set()
            for cg in glob.glob(os.path.join(tmp, "cg.*")):
                got |= ran(cg, library)
                os.unlink(cg)
            print(f"{job}: {len(got)} functions", flush=True)
            names |= got
    with open(LIST, "w") as f:
        f.write("".join(n + "\n" for n in sorted(names)))
    print(f"{len(names)} functions -> {os.path.relpath(LIST, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
