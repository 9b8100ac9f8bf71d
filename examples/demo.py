#!/usr/bin/env python3
"""`make demo`: build the bundled example programs, link each with braze, run them.

Every example is compiled once, then linked twice from the same objects: with
braze (`gcc -B "$(braze shim-dir)" …`) and with GNU ld.bfd (`-fuse-ld=bfd`).
Both programs are run; the example PASSes when the braze-linked one prints
the same output and exits with the same status.  Exits non-zero if any fails.

Set BRAZE_LDDIR to use another directory's `ld` in place of braze's shim.
Build products go to examples/out/.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "out")

# name, what it shows, compile/archive commands (run in out/NAME, {src} = examples/NAME),
# link command without -o.
EXAMPLES = [
    {
        "name": "hello",
        "title": "C hello world, dynamic PIE",
        "build": [["gcc", "-O2", "-c", "{src}/hello.c", "-o", "hello.o"]],
        "link": ["gcc", "hello.o"],
    },
    {
        "name": "archive",
        "title": "multi-object C program with a static archive (unused member left out)",
        "build": [["gcc", "-O2", "-c", "{src}/main.c", "-o", "main.o"],
                  ["gcc", "-O2", "-c", "{src}/shapes.c", "-o", "shapes.o"],
                  ["gcc", "-O2", "-c", "{src}/strutil.c", "-o", "strutil.o"],
                  ["gcc", "-O2", "-c", "{src}/unused.c", "-o", "unused.o"],
                  ["ar", "rcs", "libshapes.a", "shapes.o", "strutil.o", "unused.o"]],
        "link": ["gcc", "main.o", "-L.", "-lshapes"],
    },
    {
        "name": "cxx-exceptions",
        "title": "C++ exceptions thrown in one object, caught in another",
        "build": [["g++", "-O2", "-c", "{src}/main.cpp", "-o", "main.o"],
                  ["g++", "-O2", "-c", "{src}/parser.cpp", "-o", "parser.o"]],
        "link": ["g++", "main.o", "parser.o"],
    },
    {
        # braze's own feature: not "same as bfd" but "what bfd does not do" (see README)
        "name": "libinit",
        "title": "-shared: the library-init entry _rt0_amd64_linux_lib runs when the library is loaded",
        "build": [["gcc", "-O2", "-fPIC", "-c", "{src}/plugin.c", "-o", "plugin.o"],
                  ["gcc", "-O2", "{src}/host.c", "-o", "host", "-ldl"]],
        "lib": ["gcc", "-shared", "plugin.o"],
        "expect_braze": "runtime initialised by the init entry: 1 call(s), argc=2",
        "expect_bfd": "runtime not initialised (the init entry never ran)",
    },
    {
        "name": "lib-main",
        "title": "-shared --lib-main=server_main: the library's blocking main starts on its own thread",
        "build": [["gcc", "-O2", "-fPIC", "-c", "{src}/server.c", "-o", "server.o"],
                  ["gcc", "-O2", "{src}/host.c", "-o", "host", "-ldl"]],
        "lib": ["gcc", "-shared", "-Wl,--lib-main=server_main", "server.o"],
        "expect_braze": "dlopen returned promptly: yes\nlibrary main running on its own thread: yes\n"
                        "exported function while main runs: add(2, 3) = 5",
        "expect_bfd": None,             # ld.bfd has no --lib-main
    },
    {
        # braze's own: --size-map (see README); the program is the archive example's
        "name": "size-map",
        "title": "--size-map: where the bytes go (treemap page), and why each archive member is in",
        "srcdir": "archive",
        "build": [["gcc", "-O2", "-c", "{src}/main.c", "-o", "main.o"],
                  ["gcc", "-O2", "-c", "{src}/shapes.c", "-o", "shapes.o"],
                  ["gcc", "-O2", "-c", "{src}/strutil.c", "-o", "strutil.o"],
                  ["gcc", "-O2", "-c", "{src}/unused.c", "-o", "unused.o"],
                  ["ar", "rcs", "libshapes.a", "shapes.o", "strutil.o", "unused.o"]],
        "link": ["gcc", "main.o", "-L.", "-lshapes"],
        "braze_flags": ["-Wl,--size-map=size-map.html"],
        "report": "size_map_report",
    },
    {
        "name": "threads-tls",
        "title": "pthreads with thread-local storage shared across objects",
        "build": [["gcc", "-O2", "-pthread", "-c", "{src}/tls.c", "-o", "tls.o"],
                  ["gcc", "-O2", "-pthread", "-c", "{src}/worker.c", "-o", "worker.o"]],
        "link": ["gcc", "-pthread", "tls.o", "worker.o"],
    },
]

USE_COLOR = sys.stdout.isatty() and os.environ.get("NO_COLOR") is None


def color(text: str, code: str) -> str:
    return f"\033[{code}m{text}\033[0m" if USE_COLOR else text


def braze_lddir() -> str:
    """$BRAZE_LDDIR, else braze's own shim directory (`braze shim-dir`)."""
    d = os.environ.get("BRAZE_LDDIR")
    if not d:
        try:
            from braze.main import shim_dir
            d = shim_dir()
        except ImportError:
            script = os.path.join(os.path.dirname(sys.executable), "braze")
            if not os.access(script, os.X_OK):
                sys.exit("demo: error: braze is not installed; run `make venv` "
                         "(or `make demo`, which does)")
            d = subprocess.run([script, "shim-dir"], check=True, stdout=subprocess.PIPE,
                               text=True).stdout.strip()
    ld = os.path.join(d, "ld")
    if not os.access(ld, os.X_OK):
        sys.exit(f"demo: error: no executable `ld` in {d}")
    return os.path.abspath(d)


def tool_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COMPILER_PATH", "GCC_EXEC_PREFIX")}
    env["LC_ALL"] = "C"
    return env


def run(argv: list[str], cwd: str, timeout: float = 300) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(argv, cwd=cwd, env=tool_env(), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(argv, -999, "", f"timed out after {timeout}s")
    except OSError as e:
        return subprocess.CompletedProcess(argv, -998, "", f"cannot run {argv[0]}: {e}")


def indent(text: str, prefix: str = "    ", limit: int = 30) -> str:
    lines = text.rstrip("\n").splitlines()
    if len(lines) > limit:
        lines = lines[:limit] + [f"... ({len(lines) - limit} more lines)"]
    return "\n".join(prefix + l for l in lines)


def describe(p: subprocess.CompletedProcess) -> str:
    if -100 < p.returncode < 0:
        return f"killed by signal {-p.returncode}"
    return f"exit status {p.returncode}"


def demo_one(ex: dict, lddir: str) -> tuple[bool, str]:
    src = os.path.join(HERE, ex.get("srcdir", ex["name"]))
    work = os.path.join(OUT, ex["name"])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    for cmd in ex["build"]:
        argv = [a.format(src=src) for a in cmd]
        p = run(argv, work)
        if p.returncode != 0:
            return False, f"build step failed: {shlex.join(argv)}\n{indent(p.stderr)}"

    if "lib" in ex:
        return demo_library(ex, lddir, work)
    exe_bfd = os.path.join(work, ex["name"] + ".bfd")
    exe_braze = os.path.join(work, ex["name"] + ".braze")
    ref_link = [ex["link"][0], "-fuse-ld=bfd", *ex["link"][1:], "-o", exe_bfd]
    p = run(ref_link, work)
    if p.returncode != 0:
        return False, f"reference link with ld.bfd failed:\n{indent(p.stderr)}"

    link = [ex["link"][0], "-B" + lddir + "/", *ex["link"][1:], *ex.get("braze_flags", ()), "-o", exe_braze]
    print(f"  $ {shlex.join(link)}")
    p = run(link, work)
    if p.returncode != 0:
        return False, f"link failed ({describe(p)}):\n{indent(p.stderr)}"
    if p.stderr.strip():
        print(indent(p.stderr, "  ld: "))

    want = run([exe_bfd], work, timeout=60)
    got = run([exe_braze], work, timeout=60)
    print(f"  $ ./{os.path.basename(exe_braze)}")
    print(indent(got.stdout) if got.stdout.strip() else "    (no output)")
    if got.stderr.strip():
        print(indent(got.stderr, "    stderr: "))
    if (got.returncode, got.stdout) != (want.returncode, want.stdout):
        why = []
        if got.returncode != want.returncode:
            why.append(f"{describe(got)}, ld.bfd's program: {describe(want)}")
        if got.stdout != want.stdout:
            why.append("output differs from the ld.bfd-linked program, which printed:\n"
                       + indent(want.stdout))
        return False, "; ".join(why)
    if "report" in ex:
        return globals()[ex["report"]](ex, lddir, work)
    return True, "same output as with ld.bfd"


def size_map_report(ex: dict, lddir: str, work: str) -> tuple[bool, str]:
    """The size map's JSON twin: the biggest output sections and why each archive member is in."""
    link = [ex["link"][0], "-B" + lddir + "/", *ex["link"][1:], "-Wl,--size-map=size-map.json", "-o", "size-map-json.out"]
    p = run(link, work)
    if p.returncode != 0:
        return False, f"link with --size-map=size-map.json failed:\n{indent(p.stderr)}"
    import json
    with open(os.path.join(work, "size-map.json")) as f:
        tree = json.load(f)["tree"]
    sections = [s for seg in tree["c"] for s in seg.get("c", ()) if s["k"] == "section"]
    print("  biggest output sections: " + ", ".join(f"{s['n']} {s['v']} B" for s in
                                                  sorted(sections, key=lambda s: -s["v"])[:5]))

    def walk(n):
        yield n
        for c in n.get("c", ()):
            yield from walk(c)
    members = {n["n"]: n["why"] for n in walk(tree) if n.get("why") and n["k"] == "file"}
    for name, why in sorted(members.items()):
        print(f"  {name} is in for {why}")
    page = os.path.join(work, "size-map.html")
    print(f"  treemap page (open it in a browser): {os.path.relpath(page)}")
    if not members or not os.path.getsize(page):
        return False, "the size map names no archive member"
    return True, "same output as with ld.bfd; size map written"


def demo_library(ex: dict, lddir: str, work: str) -> tuple[bool, str]:
    """Link the example's library with braze (and with ld.bfd when the example says what bfd's
    library does), load each from the host program and check what the host prints."""
    lib_braze = os.path.join(work, "lib" + ex["name"] + ".braze.so")
    link = [ex["lib"][0], "-B" + lddir + "/", *ex["lib"][1:], "-o", lib_braze]
    print(f"  $ {shlex.join(link)}")
    p = run(link, work)
    if p.returncode != 0:
        return False, f"link failed ({describe(p)}):\n{indent(p.stderr)}"
    got = run(["./host", lib_braze], work, timeout=60)
    print(f"  $ ./host {os.path.basename(lib_braze)}")
    print(indent(got.stdout) if got.stdout.strip() else "    (no output)")
    if got.returncode != 0 or ex["expect_braze"] not in got.stdout:
        return False, f"{describe(got)}; expected the host to print:\n{indent(ex['expect_braze'])}" + (
            f"\nstderr:\n{indent(got.stderr)}" if got.stderr.strip() else "")
    if ex["expect_bfd"] is None:
        return True, "as expected"
    lib_bfd = os.path.join(work, "lib" + ex["name"] + ".bfd.so")
    p = run([ex["lib"][0], "-fuse-ld=bfd", *ex["lib"][1:], "-o", lib_bfd], work)
    if p.returncode != 0:
        return False, f"reference link with ld.bfd failed:\n{indent(p.stderr)}"
    want = run(["./host", lib_bfd], work, timeout=60)
    print(f"  $ ./host {os.path.basename(lib_bfd)}      # the same objects linked by ld.bfd")
    print(indent(want.stdout) if want.stdout.strip() else "    (no output)")
    if ex["expect_bfd"] not in want.stdout:
        return False, "the ld.bfd-linked library did not behave as the example expects"
    return True, "as expected (and unlike the ld.bfd-linked library)"


def main() -> int:
    lddir = braze_lddir()
    print(f"braze: {lddir}/ld")
    version = run([os.path.join(lddir, "ld"), "--version"], lddir).stdout.partition("\n")[0]
    if version.startswith(("GNU ld", "GNU gold", "mold ")) or "LLD " in version:
        real = os.path.realpath(os.path.join(lddir, "ld"))
        print(color(f"note: {lddir}/ld is a stand-in, not braze: {real} ({version})", "33"))
    os.makedirs(OUT, exist_ok=True)
    results = []
    for ex in EXAMPLES:
        print()
        print(color(f"== {ex['name']}: {ex['title']}", "1"))
        ok, msg = demo_one(ex, lddir)
        tag = color("PASS", "32") if ok else color("FAIL", "31")
        print(f"{tag} {ex['name']}: {msg}")
        results.append((ex["name"], ok))
    passed = sum(ok for _, ok in results)
    print()
    print(f"{passed}/{len(results)} examples passed"
          + ("" if passed == len(results)
             else ": failed " + ", ".join(n for n, ok in results if not ok)))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
