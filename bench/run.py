#!/usr/bin/env python3
"""Check and benchmark braze against ld.bfd, gold, lld and mold on real link jobs.

    bench/run.py                         check every linker, time + measure RSS, write results.md
    bench/run.py --check-only            link each job with braze, compare output with ld.bfd
    bench/run.py --jobs hello,sqlite --runs 5 --linkers bfd,mold,braze
    bench/run.py --update-readme         also refresh the <!-- bench:start/end --> block in README.md

braze is the `ld` in $BRAZE_LDDIR, else in `braze shim-dir`.  Only the link
step (`gcc -B… objs -o out`) is timed; objects are compiled once into
bench/work/.  Stdlib only; timing uses hyperfine.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jobs as J  # noqa: E402

RESULTS_MD = os.path.join(J.BENCH_DIR, "results.md")
README = os.path.join(J.REPO_DIR, "README.md")
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def log(msg: str = "") -> None:
    print(msg, flush=True)


def die(msg: str, code: int = 2) -> None:
    sys.stderr.write(f"bench: error: {msg}\n")
    sys.exit(code)


# --------------------------------------------------------------------------
# measurements

def timed_command(job: J.Job, flags: list[str], out: str, workdir: str) -> str:
    os.makedirs(out, exist_ok=True)
    return " && ".join(shlex.join(a) for a in J.link_commands(job, flags, out, workdir))


def hyperfine(job: J.Job, commands: dict[str, str], runs: int, warmup: int,
              workdir: str) -> dict[str, dict]:
    """Time each command; return name -> {median, mean, stddev, min, max} in ms."""
    jdir = os.path.join(workdir, "hyperfine")
    os.makedirs(jdir, exist_ok=True)
    export = os.path.join(jdir, f"{job.name}.json")
    argv = ["hyperfine", "--warmup", str(warmup), "--runs", str(runs), "--style", "basic",
            "--time-unit", "millisecond", "--export-json", export]
    for name, cmd in commands.items():
        argv += ["--command-name", name, cmd]
    p = subprocess.run(argv, env=J.tool_env())
    if p.returncode != 0:
        die(f"hyperfine failed for job {job.name} (exit {p.returncode}); command was:\n  "
            + shlex.join(argv))
    with open(export) as f:
        data = json.load(f)
    res = {}
    for r in data["results"]:
        res[r["command"]] = {k: r[k] * 1000.0 for k in ("median", "mean", "stddev", "min", "max")
                             if r.get(k) is not None}
    return res


def maxrss_tool(workdir: str) -> str:
    """Build bench/tools/maxrss.c (see there for why it is C) into workdir."""
    src = os.path.join(J.BENCH_DIR, "tools", "maxrss.c")
    exe = os.path.join(workdir, "tools", "maxrss")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(exe), exist_ok=True)
        p = subprocess.run(["gcc", "-O2", "-Wall", src, "-o", exe], stderr=subprocess.PIPE,
                           text=True)
        if p.returncode != 0:
            die(f"cannot build {src}:\n{p.stderr}")
    return exe


def peak_rss_kib(tool: str, argvs: list[list[str]], workdir: str) -> int:
    """Peak RSS over the whole process tree (gcc -> collect2 -> ld) of a link.

    Max over the job's link steps.
    """
    peak = 0
    res = os.path.join(workdir, "tools", "maxrss.out")
    for argv in argvs:
        p = subprocess.run([tool, res, *argv], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, errors="replace", env=J.tool_env())
        if p.returncode != 0:
            raise J.BenchError(f"link failed while measuring RSS (exit {p.returncode}): "
                               f"{shlex.join(argv)}\n{p.stderr[-2000:]}")
        with open(res) as f:
            peak = max(peak, int(f.read()))
    return peak


def measure_rss(tool: str, job: J.Job, flags: list[str], out: str, workdir: str,
                runs: int) -> int:
    argvs = J.link_commands(job, flags, out, workdir)
    return int(statistics.median(peak_rss_kib(tool, argvs, workdir) for _ in range(runs)))


# --------------------------------------------------------------------------
# report

def fmt_ms(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v:.0f}" if v >= 1000 else f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def fmt_ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}x"


def cell(res: dict, job: str, linker: str) -> str:
    r = res["jobs"][job]
    if linker not in res["linkers"]:
        return "n/a"
    if r["status"].get(linker) == "n/a":
        return "n/a"
    if r["status"].get(linker) != "ok":
        return "FAIL"
    t = r["time"].get(linker)
    return fmt_ms(t["median"]) if t else "-"


def render(res: dict) -> str:
    cols = ["bfd", "gold", "lld", "mold", "braze"]
    L = []
    L.append(f"Link step only (`gcc -B… objs -o out`), median of {res['runs']} hyperfine runs "
             f"after {res['warmup']} warmups, in ms; {res['date']}, {res['machine']}.")
    L.append("")
    L.append("| job | bfd | gold | lld | mold | braze | braze/bfd | braze/mold | peak RSS braze vs bfd |")
    L.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for name, r in res["jobs"].items():
        med = {k: (v["median"] if v else None) for k, v in r["time"].items()}
        rss = r["rss_kib"]
        b, f = rss.get("braze"), rss.get("bfd")
        rss_cell = (f"{b / 1024:.1f} / {f / 1024:.1f} MiB ({b / f:.2f}x)" if b and f else "-")
        L.append(f"| {name} | " + " | ".join(cell(res, name, c) for c in cols)
                 + f" | {fmt_ratio(med.get('braze'), med.get('bfd'))}"
                 + f" | {fmt_ratio(med.get('braze'), med.get('mold'))} | {rss_cell} |")
    scal = [(n, r) for n, r in res["jobs"].items() if r.get("input_bytes", 0) >= 1e6]
    if scal:
        per = [c for c in ("bfd", "mold", "braze") if c in res["linkers"]]
        L.append("")
        L.append("Time per MB of named input (objects, archives; libraries found by -l not counted), "
                 "ms/MB; the synth-N jobs are N copies of one generated code base, so a linear cost "
                 "keeps their ms/MB flat:")
        L.append("")
        L.append("| job | input MB | " + " | ".join(per) + " |")
        L.append("|---|--:|" + "--:|" * len(per))
        for name, r in scal:
            mb = r["input_bytes"] / 1e6
            vals = []
            for c in per:
                t = r["time"].get(c)
                vals.append(f"{t['median'] / mb:.1f}" if t and r["status"].get(c) == "ok" else "-")
            L.append(f"| {name} | {mb:.1f} | " + " | ".join(vals) + " |")
    L.append("")
    L.append("Peak RSS of the link (max over the gcc → collect2 → ld process tree), MiB:")
    L.append("")
    L.append("| job | " + " | ".join(cols) + " |")
    L.append("|---|" + "--:|" * len(cols))
    for name, r in res["jobs"].items():
        vals = []
        for c in cols:
            v = r["rss_kib"].get(c)
            if c not in res["linkers"] or r["status"].get(c) == "n/a":
                vals.append("n/a")
            elif r["status"].get(c) != "ok":
                vals.append("FAIL")
            else:
                vals.append(f"{v / 1024:.1f}" if v else "-")
        L.append(f"| {name} | " + " | ".join(vals) + " |")
    L.append("")
    for name, r in res["jobs"].items():
        if r.get("lto_split"):
            own, plugin = r["lto_split"]
            L.append(f"{name}: of one braze link ({own + plugin:.0f} ms by braze's --time), braze's own "
                     f"passes take {own:.0f} ms and the compiler's LTO plugin (lto-wrapper, LTRANS) "
                     f"{plugin:.0f} ms.")
            L.append("")
    L.append("Linkers: " + "; ".join(f"{k}: {v}" for k, v in res["versions"].items()) + ".")
    if res.get("braze_lddir"):
        L.append(f"braze = `{res['braze_lddir']}/ld`.")
    if res.get("standin"):
        L.append("")
        L.append(f"**Note: the `braze` column was measured with a stand-in ({res['standin']}), "
                 "not braze.**")
    return "\n".join(L)


def _readme_text() -> str:
    try:
        with open(README) as f:
            text = f.read()
    except FileNotFoundError:
        die(f"--update-readme: {README} does not exist (it must contain a "
            f"{START} … {END} block)")
    i, j = text.find(START), text.find(END)
    if i < 0 or j < 0 or j < i:
        die(f"--update-readme: {README} has no {START} … {END} block to replace")
    return text


def update_readme(block: str) -> None:
    text = _readme_text()
    i, j = text.find(START), text.find(END)
    text = text[:i + len(START)] + "\n" + block + "\n" + text[j:]
    with open(README, "w") as f:
        f.write(text)
    log(f"updated the benchmark block in {README}")


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs"


# --------------------------------------------------------------------------

def digests(selected: list[J.Job], lddir: str, workdir: str, record: str | None,
            compare: str | None) -> int:
    """Link each job with braze; record its outputs' sha256 sums or compare them with a record."""
    got = {}
    for job in selected:
        out = os.path.join(workdir, "digest", job.name)
        try:
            J.link(job, lddir, out, workdir)
        except J.BenchError as e:
            die(str(e), 1)
        got[job.name] = J.output_digests(out)
        log(f"{job.name:22s} " + " ".join(f"{k}={v[:16]}" for k, v in got[job.name].items()))
    if record:
        old = {}
        if os.path.exists(record):
            with open(record) as f:
                old = json.load(f)
        old.update(got)
        with open(record, "w") as f:
            json.dump(old, f, indent=1, sort_keys=True)
        log(f"wrote {record}")
    if compare:
        with open(compare) as f:
            want = json.load(f)
        bad = [n for n in got if n not in want or want[n] != got[n]]
        for n in bad:
            log(f"DIFFERS: {n}: {got[n]} != {want.get(n)}")
        log(f"{len(got) - len(bad)}/{len(got)} jobs byte-identical to {compare}")
        return 1 if bad else 0
    return 0


def _timed_links(argvs: list[list[str]], cwd: str, env: dict) -> tuple[float, float]:
    """(CPU ms, wall ms) of running `argvs`: the process trees' CPU plus, for links served by a
    `braze run` server, the CPU its link process reported (BRAZE_SERVER_TRACE)."""
    import re
    import resource
    import time
    cpu = wall = 0.0
    for argv in argvs:
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        w0 = time.perf_counter()
        p = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
        wall += (time.perf_counter() - w0) * 1e3
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode != 0:
            die(f"link failed: {shlex.join(argv)}\n{p.stderr}")
        cpu += (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1e3
        cpu += sum(float(m) for m in re.findall(r"^braze: link server: served \(cpu ([0-9.]+) ms\)$",
                                                 p.stderr, re.M))
    return cpu, wall


def server_bench(args, workdir: str) -> int:
    """bench/run.py --server: links through a warm link server next to cold braze and bfd."""
    try:
        selected = J.select_jobs(args.jobs)
        lddir = J.braze_lddir()
    except J.BenchError as e:
        die(str(e))
    J.build_inputs(workdir, selected, verbose=True)
    script = os.path.join(os.path.dirname(sys.executable), "braze")
    cmd = [script if os.access(script, os.X_OK) else shutil.which("braze") or "braze"]
    run = subprocess.Popen(cmd + ["run", "--", "sh", "-c",
                                  'echo "${COMPILER_PATH%%:*}"; echo "$BRAZE_RUN_SOCKET"; exec cat >/dev/null'],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        rundir = run.stdout.readline().strip()      # the client's directory
        sock = run.stdout.readline().strip()
        if not sock:
            die(f"`braze run` started no link server ({rundir!r}; is BRAZE_NO_SERVER set?)")
        env = dict(os.environ, BRAZE_SERVER_TRACE="1", BRAZE_RUN_SOCKET=sock)
        variants = {"bfd": J.linker_flags("bfd"), "braze": J.linker_flags("braze", lddir),
                    "braze-warm": J.linker_flags("braze", rundir)}
        rows = []
        log(f"{'job':22s} {'bfd':>16s} {'braze cold':>16s} {'braze-warm':>16s}   (CPU ms / wall ms, min of "
            f"{args.runs})")
        for job in selected:
            best = {v: [float("inf"), float("inf")] for v in variants}
            outs = {v: os.path.join(workdir, "time", "server", v, job.name) for v in variants}
            for v in variants:
                os.makedirs(outs[v], exist_ok=True)
            for i in range(args.runs + 1):          # interleaved; the first round warms up
                for v, flags in variants.items():
                    c, w = _timed_links(J.link_commands(job, flags, outs[v], workdir), outs[v], env)
                    if i:
                        best[v] = [min(best[v][0], c), min(best[v][1], w)]
            with open(J.exe_path(job, outs["braze"]), "rb") as a, \
                    open(J.exe_path(job, outs["braze-warm"]), "rb") as b:
                same = a.read() == b.read()
            rows.append((job.name, best, same))
            log(f"{job.name:22s} " + " ".join(f"{best[v][0]:7.1f} /{best[v][1]:7.1f}" for v in variants)
                + ("" if same else "   OUTPUT DIFFERS from cold braze"))
        return 0 if all(r[2] for r in rows) else 1
    finally:
        run.stdin.close()
        run.wait()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="jobs: " + ", ".join(
                                     f"{n}{'' if j.default else ' (extra)'}"
                                     for n, j in J.JOBS.items()))
    ap.add_argument("--jobs", help="comma-separated job names, or 'all' (default: "
                    + ",".join(J.DEFAULT_JOBS) + ")")
    ap.add_argument("--linkers", default=",".join(J.LINKERS),
                    help="comma-separated subset of " + ",".join(J.LINKERS) + " (default: all)")
    ap.add_argument("--runs", type=int, default=10, help="hyperfine --runs (default 10)")
    ap.add_argument("--warmup", type=int, default=2, help="hyperfine --warmup (default 2)")
    ap.add_argument("--rss-runs", type=int, default=3,
                    help="links per linker for peak RSS, median reported (default 3; 0 = skip)")
    ap.add_argument("--check-only", action="store_true",
                    help="only link each job with braze and compare its output with ld.bfd's; "
                         "exit 1 on any failure")
    ap.add_argument("--max-ratio", type=float, default=1.5,
                    help="exit 1 if braze's median time exceeds this multiple of ld.bfd's on any "
                         "job (default 1.5; 0 = no limit)")
    ap.add_argument("--digests", metavar="FILE",
                    help="link each job with braze and write the sha256 of its outputs to FILE (JSON)")
    ap.add_argument("--compare-digests", metavar="FILE",
                    help="link each job with braze and fail unless its outputs are byte-identical "
                         "to the sha256 sums recorded in FILE by --digests")
    ap.add_argument("--update-readme", action="store_true",
                    help=f"replace the {START} … {END} block in README.md")
    ap.add_argument("--workdir", default=J.DEFAULT_WORKDIR, help="build directory (bench/work)")
    ap.add_argument("--server", action="store_true",
                    help="only compare bfd, cold braze and braze-warm (links through the link server "
                         "of `braze run`): min CPU (incl. the server's share) and min wall over --runs")
    args = ap.parse_args(argv)
    workdir = os.path.abspath(args.workdir)
    if args.server:
        return server_bench(args, workdir)

    try:
        selected = J.select_jobs(args.jobs)
    except J.BenchError as e:
        die(str(e))
    linkers = [l.strip() for l in args.linkers.split(",") if l.strip()]
    bad = [l for l in linkers if l not in J.LINKERS]
    if bad:
        die(f"unknown linker(s) {', '.join(bad)}; known: {', '.join(J.LINKERS)}")
    if args.check_only or args.digests or args.compare_digests:
        linkers = ["braze"]
    if not linkers:
        die("no linkers selected")
    if args.runs < 1:
        die("--runs must be >= 1")
    if args.update_readme and not args.check_only:
        _readme_text()          # fail before a long run, not after it

    # ---- every requested linker must be present: never skip one silently ----
    # (except on another architecture: only bfd and braze must link the aarch64 jobs; a linker
    # that cannot is reported as skipped for them, "n/a" in the tables)
    versions: dict[str, str] = {}
    usable: dict[str, set[str]] = {}
    lddir = None
    arches = list(dict.fromkeys(j.arch for j in selected))
    try:
        if "braze" in linkers:
            lddir = J.braze_lddir()
        for arch in arches:
            usable[arch] = set()
            for l in dict.fromkeys([J.REFERENCE_LINKER, *linkers]):
                key = l if arch == "x86_64" else f"{l} ({arch})"
                try:
                    versions[key] = J.verify_linker(l, lddir if l == "braze" else None, workdir, arch)
                except J.BenchError as e:
                    if arch == "x86_64" or l in (J.REFERENCE_LINKER, "braze"):
                        raise
                    log(f"linker {l}: skipped for the {arch} jobs (the {arch} gcc driver cannot use it "
                        f"here: {str(e).splitlines()[-1].strip()})")
                    continue
                usable[arch].add(l)
    except J.BenchError as e:
        die(str(e))
    if not args.check_only and not shutil.which("hyperfine"):
        die("hyperfine not found (apt-get install -y hyperfine)")
    standin = None
    if lddir is not None:
        real = os.path.realpath(os.path.join(lddir, "ld"))
        v = next(v for k, v in versions.items() if k.split()[0] == "braze")
        # (braze's own line is `GNU ld 2.40 (braze-VERSION)`, shaped for configure scripts)
        if (v.startswith(("GNU ld", "GNU gold", "mold ")) or "LLD " in v) and "(braze-" not in v:
            standin = f"`{lddir}/ld` → {real}: {v}"
    for l, v in versions.items():
        log(f"linker {l:5s}: {v}" + (f"  [{lddir}/ld]" if l.startswith("braze") else ""))
    if standin:
        log(f"NOTE: braze is a stand-in: {standin}")

    log(f"building inputs in {workdir} ...")
    try:
        J.build_inputs(workdir, selected, verbose=True)
    except J.BenchError as e:
        die(str(e))

    if args.digests or args.compare_digests:
        return digests(selected, lddir, workdir, args.digests, args.compare_digests)

    # ---- correctness: every linker's program must behave like ld.bfd's ----
    failed = []
    status: dict[str, dict[str, str]] = {j.name: {} for j in selected}
    for job in selected:
        for l in linkers:
            if l not in usable[job.arch]:
                status[job.name][l] = "n/a"
                log(f"SKIP  {job.name:12s} {l:5s}  cannot link {job.arch} here")
                continue
            r = J.check_job(job, lddir if l == "braze" else None, workdir,
                            linker=None if l == "braze" else l)
            status[job.name][l] = "ok" if r.ok else "fail"
            log(f"{'PASS' if r.ok else 'FAIL'}  {job.name:12s} {l:5s}  {r.message.splitlines()[0]}")
            if not r.ok:
                failed.append((job.name, l))
                rest = r.message.splitlines()[1:]
                if rest:
                    log("\n".join(rest))
    if args.check_only:
        n = len(selected)
        log(f"\n{n - len(failed)}/{n} jobs pass with braze ({lddir}/ld)")
        return 1 if failed else 0

    # ---- timing and memory ----
    tool = maxrss_tool(workdir) if args.rss_runs > 0 else ""
    results = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": machine(),
               "runs": args.runs, "warmup": args.warmup, "linkers": linkers, "versions": versions,
               "braze_lddir": lddir, "standin": standin, "jobs": {}}
    for job in selected:
        ok = [l for l in linkers if status[job.name][l] == "ok"]
        flags = {l: J.linker_flags(l, lddir if l == "braze" else None) for l in ok}
        outs = {l: os.path.join(workdir, "time", l, job.name) for l in ok}
        times = {}
        if ok:
            log(f"\n=== timing {job.name}: {', '.join(ok)}")
            cmds = {l: timed_command(job, flags[l], outs[l], workdir) for l in ok}
            times = hyperfine(job, cmds, args.runs, args.warmup, workdir)
        rss = {}
        if args.rss_runs > 0:
            for l in ok:
                # mold normally forks and lets its parent exit early; keep it in the tree
                extra = ["-Wl,--no-fork"] if l == "mold" else []
                try:
                    rss[l] = measure_rss(tool, job, flags[l] + extra, outs[l], workdir,
                                         args.rss_runs)
                except J.BenchError as e:
                    die(str(e))
            log("peak RSS: " + ", ".join(f"{l} {v / 1024:.1f} MiB" for l, v in rss.items()))
        split = None
        if job.name.startswith("lto") and "braze" in ok:
            try:
                split = J.braze_time_split(job, lddir, os.path.join(workdir, "time", "braze-split", job.name),
                                           workdir)
            except J.BenchError as e:
                die(str(e))
            log(f"braze's own passes {split[0]:.1f} ms, the LTO plugin {split[1]:.1f} ms")
        results["jobs"][job.name] = {"lto_split": split, "status": status[job.name],
                                     "time": {l: times.get(l) for l in linkers},
                                     "rss_kib": rss, "input_bytes": J.input_bytes(job, workdir)}

    with open(os.path.join(workdir, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    block = render(results)
    with open(RESULTS_MD, "w") as f:
        f.write("# braze link benchmark\n\nGenerated by `bench/run.py`; do not edit.\n\n"
                + block + "\n")
    log("\n" + block)
    log(f"\nwrote {RESULTS_MD}")
    if args.update_readme:
        update_readme(block)
    if failed:
        log("\nFAILED: " + ", ".join(f"{j} with {l}" for j, l in failed))
    slow = []
    if args.max_ratio and "braze" in linkers and "bfd" in linkers:
        for name, r in results["jobs"].items():
            b, f = r["time"].get("braze"), r["time"].get("bfd")
            if b and f and b["median"] > args.max_ratio * f["median"]:
                slow.append(f"{name} ({b['median'] / f['median']:.2f}x)")
        if slow:
            log(f"\nTOO SLOW: braze misses the {args.max_ratio}x ld.bfd target on: " + ", ".join(slow))
        else:
            log(f"\nbraze is within {args.max_ratio}x ld.bfd on every job")
    if slow:
        return 1
    # another linker failing a job is a result to report (lld and mold keep PT_INTERP in
    # musl-gcc -static output), not a failure of the benchmark
    return 1 if any(l == "braze" for _j, l in failed) else 0


if __name__ == "__main__":
    sys.exit(main())
