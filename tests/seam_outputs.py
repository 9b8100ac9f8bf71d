"""Byte-identity check for refactorings: link a broad sample with a given braze, print sha256s.

Not a pytest module (no test_ prefix).  It links every bench job whose inputs are installed and
every (Case, mode) of tests/programs.py, plus -fPIC -shared, -z ibtplt/-fcf-protection, -z now and
hash-style variants, with the braze whose `ld` is in LDDIR, and writes "sha256  name" lines.
Run it once with the old braze and once with the new one, in the SAME work directory (paths
such as rpaths end up in the outputs), and diff the two files:

    python tests/seam_outputs.py --lddir OLD_SHIMDIR --work /tmp/seam-work > before.txt
    python tests/seam_outputs.py --lddir "$(.venv/bin/braze shim-dir)" --work /tmp/seam-work > after.txt
    diff before.txt after.txt
"""
from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import harness                                   # noqa: E402
from programs import CASES                       # noqa: E402
from bench import jobs as bench_jobs             # noqa: E402

# (label, case, object mode, extra link flags): variants beyond each Case's own modes
_EXTRA = [
    ("znow", "plt_unwind", "pie", ("-Wl,-z,now",)),
    ("ibtplt", "plt_unwind", "pie", ("-Wl,-z,ibtplt",)),
    ("ibtplt-nopie", "plt_unwind", "nopie", ("-Wl,-z,ibtplt",)),
    ("ibtplt-now", "ifunc", "pie", ("-Wl,-z,ibtplt", "-Wl,-z,now")),
    ("hashboth", "tls_gnu2", "pie", ("-Wl,--hash-style=both",)),
]
# cases recompiled -fPIC (linked -shared), and -fPIC -fcf-protection (IBT/SHSTK properties, endbr64 PLTs)
_PIC_CASES = ("plt_unwind", "ifunc", "tls_models", "funcptr_table", "copy_reloc", "tls_gnu2")
_VARIANTS = {"pic": ("-fPIC",), "cf": ("-fPIC", "-fcf-protection")}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _link(store, case, mode, lddir, key, extra=(), objdir=None):
    objdir = objdir or harness.compile_case(store, case, mode)
    d = store.dir("seam-" + key)
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    out = d / "prog"
    cmd = harness.link_command(case, mode, objdir, lddir, out, extra)
    res = harness.do_link(cmd, d, out)
    if not res.ok:
        return key, "LINK-FAILED " + hashlib.sha256((res.stderr or "").encode()).hexdigest()[:16]
    return key, _sha(out)


def _variant_objdir(store, case, variant):
    d = store.dir(f"seam-{variant}obj-{case.name}")
    if (d / ".ok").exists():
        return d
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    for src in case.sources:
        cc = "g++" if src.suffix == ".cc" else "gcc"
        subprocess.run([cc, "-c", *harness.BASE_CFLAGS, *_VARIANTS[variant], *case.cflags,
                        *(["-pthread"] if case.threads else []), *case.src_cflags.get(src.stem, ()),
                        f"-I{case.include_dir}", str(src), "-o", f"{src.stem}.o"],
                       cwd=d, check=True, env=harness.tool_env())
    (d / ".ok").write_text("")
    return d


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lddir", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--no-bench", action="store_true")
    a = ap.parse_args()
    work = Path(a.work).resolve()
    store = harness.Store(work / "store")
    by = {c.name: c for c in CASES}
    tasks = []
    for c in CASES:
        for m in c.modes:
            tasks.append((c, m, f"{c.name}-{m}", (), None))
    for label, name, mode, extra in _EXTRA:
        tasks.append((by[name], mode, f"{name}-{label}", extra, None))
    results = {}
    with concurrent.futures.ThreadPoolExecutor(a.j) as ex:
        futs = [ex.submit(_link, store, c, m, a.lddir, k, e, o) for c, m, k, e, o in tasks]
        for n in _PIC_CASES:
            for v in _VARIANTS:
                od = _variant_objdir(store, by[n], v)
                futs.append(ex.submit(_link, store, by[n], "pie", a.lddir, f"{n}-{v}", (), od))
                futs.append(ex.submit(_link, store, by[n], "pie", a.lddir, f"{n}-{v}-shared",
                                      ("-shared",), od))
                futs.append(ex.submit(_link, store, by[n], "pie", a.lddir, f"{n}-{v}-shared-now",
                                      ("-shared", "-Wl,-z,now", "-Wl,-z,ibtplt"), od))
        for f in futs:
            k, h = f.result()
            results[k] = h
    if not a.no_bench:
        bw = str(work / "bench")
        for job in bench_jobs.JOBS.values():
            try:
                bench_jobs.build_inputs(bw, [job])
            except bench_jobs.BenchError:
                continue                         # inputs not installed here
            out = work / "bench-out" / job.name
            shutil.rmtree(out, ignore_errors=True)
            try:
                bench_jobs.link(job, a.lddir, str(out), bw)
            except bench_jobs.BenchError as e:
                results[f"bench-{job.name}"] = "LINK-FAILED"
                print(e, file=sys.stderr)
                continue
            for p in sorted(out.iterdir()):
                if p.is_file():
                    results[f"bench-{job.name}/{p.name}"] = _sha(p)
    for k in sorted(results):
        print(f"{results[k]}  {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
