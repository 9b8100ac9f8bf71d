#!/usr/bin/env python3
"""Compile step of the bench's synth-N jobs: `synthgen.py COPIES OBJDIR`.

Generates COPIES copies of a synthetic C code base (FILES files of FUNCS functions each, with
-ffunction-sections -fdata-sections -g: many objects, sections and relocations of every common
kind: calls across files, pointer tables in .data.rel.ro, strings, globals, debug info) with
copy-specific names, compiles them into OBJDIR with 2 parallel gcc jobs, and writes the driver
main.c that calls every copy and prints a checksum.  Its sizes scale linearly with COPIES, so
time/MB of input shows whether a linker's cost grows linearly."""
import os
import subprocess
import sys

FILES, FUNCS = 16, 60


def unit(k: int, i: int) -> str:
    p = f"c{k}_"
    L = ["#include <stddef.h>", "#include <string.h>"]
    nxt = i + 1 if i + 1 < FILES else None
    if nxt is not None:
        L += [f"extern long {p}f{nxt}_{m}(long);" for m in range(FUNCS)]
        L.append(f"extern long {p}g{nxt};")
    L.append(f"long {p}g{i} = {i * 7 + k};")
    L.append(f"static const char *const {p}names{i}[] = {{"
             + ", ".join(f'"{p}n{i}_{m}"' for m in range(FUNCS)) + "};")
    L.append(f"static long {p}cnt{i}[{FUNCS}];")
    for m in range(FUNCS):
        body = [f"  long r = x * {m + 3} + {i} + (long)strlen({p}names{i}[{m}]);",
                f"  {p}cnt{i}[{m}]++;"]
        if nxt is not None:
            body.append(f"  if (x > 0) r ^= {p}f{nxt}_{(m * 7 + 1) % FUNCS}(x - 1) + {p}g{nxt};")
        L.append(f"long {p}f{i}_{m}(long x) {{\n" + "\n".join(body) + "\n  return r;\n}")
    L.append(f"long (*const {p}tab{i}[])(long) = {{" + ", ".join(f"{p}f{i}_{m}" for m in range(FUNCS))
             + "};")
    L.append(f"long {p}entry{i}(long x) {{ long s = 0; for (int m = 0; m < {FUNCS}; m++) "
             f"s += {p}tab{i}[m](x) + {p}cnt{i}[m]; return s; }}")
    return "\n".join(L) + "\n"


def main() -> int:
    copies, obj = int(sys.argv[1]), os.path.abspath(sys.argv[2])
    src = os.path.join(obj, "src")
    os.makedirs(src, exist_ok=True)
    jobs = []
    for k in range(copies):
        for i in range(FILES):
            c = os.path.join(src, f"c{k}_u{i}.c")
            with open(c, "w") as f:
                f.write(unit(k, i))
            jobs.append((c, os.path.join(obj, f"c{k}_u{i}.o")))
    main_c = os.path.join(src, "main.c")
    with open(main_c, "w") as f:
        f.write("#include <stdio.h>\n")
        for k in range(copies):
            f.write("".join(f"extern long c{k}_entry{i}(long);\n" for i in range(FILES)))
        f.write("int main(void) {\n  unsigned long s = 0;\n")
        for k in range(copies):
            for i in range(FILES):
                f.write(f"  s = s * 31 + (unsigned long)c{k}_entry{i}(3);\n")
        f.write('  printf("synth %d copies: %lx\\n", ' + str(copies) + ', s);\n  return 0;\n}\n')
    jobs.append((main_c, os.path.join(obj, "main.o")))
    with open(os.path.join(obj, "objs.rsp"), "w") as f:      # the link reads it as gcc @objs.rsp
        f.write("\n".join(o for _c, o in jobs) + "\n")
    running = []
    for c, o in jobs:
        running.append(subprocess.Popen(["gcc", "-O1", "-g", "-ffunction-sections", "-fdata-sections",
                                         "-c", c, "-o", o]))
        if len(running) >= 2:
            if running.pop(0).wait() != 0:
                return 1
    return 1 if any(p.wait() != 0 for p in running) else 0


if __name__ == "__main__":
    sys.exit(main())
