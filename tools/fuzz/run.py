#!/usr/bin/env python3
"""Differential fuzzing: link gen.py's random programs with ld.bfd and with braze, and compare.

The test suite checks the cases someone thought of; this finds the combinations nobody did (a weak
alias of a copy-relocated object in a -Bsymbolic library, tiny-model TLS in a static PIE ...).  Per
seed it compiles the program once, links it with gcc's default ld.bfd and with braze (gcc -B
<shim>), runs both outputs (under qemu-aarch64 for aarch64) and compares their exit status and
output, and in each output file the dynamic symbols, DT_NEEDED/SONAME and dynamic tags, DT_FLAGS,
eu-elflint's complaints that only braze's output draws, and (aarch64) the GNU property notes.

    python tools/fuzz/run.py --arch x86_64 --seeds 0:200 --out fuzz-out [--minutes 20] [--jobs 8]
    python tools/fuzz/run.py --out fuzz-out --summary        # summarize DIR/results.jsonl again
    python tools/fuzz/run.py --kind scripts --seeds 0:200 --out fuzz-scripts [--override family=free]
    python tools/fuzz/run.py --feats-set 2 --seeds 0:200 --out fuzz-2   # gen.py's newer features too

`--feats-set 2` adds gen.py's FEATS_C2/FEATS_X2 (symbol versions with symver attributes and a
dlopen'd user, TLS dialects mixed per TU, -u/--require-defined and --defsym expressions, DT_FLAGS_1
options, protected data, -z nocopyreloc, retain) and LINKOPTS2 to the draws; `--feats-set 3` adds
FEATS_C3/FEATS_X3 on top (-r pre-linked program and library TUs with priority constructors and
__start_/__stop_ sections, IFUNC resolvers reading relocated data, libs1 -> libs2 dependencies reached
through --copy-dt-needed-entries/$ORIGIN/--as-needed, wildcard and extern "C++" version scripts, exports
by glob, weak hidden undefined references, --gc-sections over function sections, C++ vague linkage
across modules) and LINKOPTS3.  Set 1 (the default) and set 2 keep every older seed's program as it was.

`--kind scripts` takes its cases from scriptgen.py (linker scripts; see its docstring) and also
compares the outputs' section headers (name, type, flags, address, size) and program headers.

braze is the repository's (`.venv/bin/python -m braze shim-dir`, as `make venv` builds it) unless
--lddir names another shim directory.  Each case appends one JSON line to DIR/results.jsonl; a
case that differs gets DIR/found/<arch>-<seed>/ with its sources, result.json and a repro.sh that
rebuilds, links and runs it both ways.  A seed fixes the whole case, so `--seeds N:1` repeats it;
gen.py's feats=/mode=/lang= overrides (here --override) help to shrink one.  Not part of `make test`:
differences are leads to minimise by hand, and some are bfd's own quirks.
"""
from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import gen  # noqa: E402
import scriptgen  # noqa: E402

SYSROOT_A64 = '/usr/aarch64-linux-gnu'
ARCHES = {
    'x86_64': dict(
        prefix='',
        # no ASLR: output that prints an address differs less between runs
        run=lambda ld: ['setarch', 'x86_64', '-R', './prog'], run_env=lambda ld: {'LD_LIBRARY_PATH': ld},
        timeout=20, und_untyped=False, notes=False),
    'aarch64': dict(
        prefix='aarch64-linux-gnu-',
        run=lambda ld: ['qemu-aarch64', '-L', SYSROOT_A64, '-E', 'LD_LIBRARY_PATH=' + ld, './prog'],
        run_env=lambda ld: {'QEMU_LD_PREFIX': SYSROOT_A64},
        timeout=30,
        # known: the type bfd and braze give an undefined weak reference's dynamic symbol differs
        und_untyped=True,
        # BTI/PAC properties and GNU_STACK: -mbranch-protection cases
        notes=True),
}


def sh(cmd, cwd, env=None, timeout=120):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout, errors='replace')
    return p.returncode, p.stdout, p.stderr


def dynsyms(readelf, path, und_untyped):
    """The dynamic symbols as comparable tuples: addresses and indexes differ legitimately."""
    rc, out, _ = sh([readelf, '-W', '--dyn-syms', path], '.')
    s = set()
    for line in out.splitlines():
        m = re.match(r'\s*\d+:\s+[0-9a-f]+\s+\S+\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)', line)
        if m:
            typ, bind, vis, ndx, name = m.groups()
            if name == '' or typ == 'SECTION':
                continue
            if ndx == 'UND' and und_untyped:
                typ = '-'
            s.add((name, typ, bind, vis, 'UND' if ndx == 'UND' else ('ABS' if ndx == 'ABS' else 'DEF')))
    return s


TAGS = r'\((FLAGS|FLAGS_1|TEXTREL|BIND_NOW|SYMBOLIC|INIT|FINI|PREINIT_ARRAY|VERDEF|VERNEED)\)\s+(.*)'


def needed(readelf, path):
    """NEEDED/SONAME/RPATH values in order, then which of the behaviour-changing tags are present."""
    rc, out, _ = sh([readelf, '-W', '-d', path], '.')
    return (re.findall(r'\((?:NEEDED|SONAME|RPATH|RUNPATH)\).*?\[(.*?)\]', out)
            + sorted(set(t for t, v in re.findall(TAGS, out))))


def versions(readelf, path):
    """The version definitions (flags, name, parents) and needs (file, name, flags), without the
    indexes and offsets: which index each gets may differ."""
    rc, out, _ = sh([readelf, '-W', '-V', path], '.')
    s = set()
    sec = None
    for line in out.splitlines():
        if 'Version definition section' in line:
            sec = 'def'
        elif 'Version needs section' in line:
            sec = 'need'
        elif 'Version symbols section' in line:
            sec = None
        elif sec == 'def':
            m = re.search(r'Flags: (.*?)\s+Index: \d+\s+Cnt: (\d+)\s+Name: (\S+)', line)
            if m:
                cur = m.group(3)
                s.add(('def', m.group(1), m.group(3), m.group(2)))
            m = re.search(r'Parent \d+: (\S+)', line)
            if m:
                s.add(('parent', cur, m.group(1)))
        elif sec == 'need':
            m = re.search(r'File: (\S+)', line)
            if m:
                cur = m.group(1)
            m = re.search(r'Name: (\S+)\s+Flags: (.*?)\s+Version', line)
            if m:
                s.add(('need', cur, m.group(1), m.group(2)))
    return s


def flags(readelf, path):
    rc, out, _ = sh([readelf, '-W', '-d', path], '.')
    return {t: v.strip() for t, v in re.findall(r'\((FLAGS|FLAGS_1)\)\s+(.*)', out)}


def notes(readelf, path):
    rc, out, _ = sh([readelf, '-W', '-n', '-l', path], '.')
    return sorted(set(l.strip() for l in out.splitlines()
                      if 'Properties:' in l or 'GNU_PROPERTY' in l or 'GNU_STACK' in l and 'RWE' in l))


def elflint(path):
    """eu-elflint's complaints with numbers blanked, so that bfd's and braze's can be subtracted."""
    rc, out, err = sh(['eu-elflint', '--gnu-ld', path], '.')
    lines = set()
    for l in (out + err).splitlines():
        l = l.strip()
        if not l or l.startswith('No errors'):
            continue
        l = l.replace(path, 'FILE')
        l = re.sub(r'0x[0-9a-f]+|\b\d+\b', 'N', l)
        lines.add(l)
    return lines


def lint_noise(arch, spec, line):
    if spec.get('lto') and 'unknown type' in line:
        return True   # LTO's .gnu.lto_* leftovers / plugin-made sections elflint does not know
    if arch == 'aarch64' and '.relr.dyn' in line:
        return True   # elflint does not know SHT_RELR (pack-relative-relocs)
    return False


def known_failure(arch, braze_err):
    """A braze link failure already understood, kept out of the findings."""
    if arch == 'aarch64' and 'TLSIE_LD_GOTTPREL_PREL19' in braze_err:
        return 'known-tinyie'   # -mcmodel=tiny initial-exec TLS in an executable: not implemented
    if 'was garbage-collected but' in braze_err:
        # -z start-stop-gc collecting every section of a referenced __start_/__stop_ set: refused on
        # purpose (gc.py _check_start_stop_gc: bfd 2.40 crashes on some of these, keeps a section on others)
        return 'known-startstopgc'
    return None


def link_steps(spec, cc, flag):
    """(output, argv) of each link, in order: partial -r, shared libraries, the program."""
    steps = [(name, [cc] + flag + ['-r', '-o', name] + objs + (['-flto'] if spec.get('lto') else []))
             for name, objs in spec.get('partial', [])]
    steps += [(name, [cc] + flag + ['-o', name] + objs + fl) for name, objs, fl in spec['shlibs']]
    steps.append(('prog', [cc] + flag + spec['exe']))
    return steps


def section_headers(readelf, path):
    """(name, type, flags, address, size) of each section, in order; the string and symbol tables'
    sizes left out (bfd tail-merges strings, and the local symbols kept may differ)."""
    rc, out, _ = sh([readelf, '-W', '-S', path], '.')
    rows = []
    for m in re.finditer(r'^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+'
                         r'([A-Z]*)\s+\d+\s+\d+\s+\d+$', out, re.M):
        name, typ, addr, size, fl = m.groups()
        if typ == 'NULL':
            continue
        if name in ('.symtab', '.strtab', '.shstrtab'):
            size = '-'
        rows.append((name, typ, fl, addr.lstrip('0') or '0', size.lstrip('0') or '0'))
    return rows


def program_headers(readelf, path):
    """(type, flags, vaddr, paddr, filesz, memsz) of each program header, in order."""
    rc, out, _ = sh([readelf, '-W', '-l', path], '.')
    rows = []
    for m in re.finditer(r'^\s+([A-Z_a-z0-9+]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+'
                         r'(0x[0-9a-f]+)\s+([RWE ]+?)\s+0x[0-9a-f]+$', out, re.M):
        typ, va, pa, fs, ms, fl = m.groups()
        rows.append((typ, fl.replace(' ', ''), int(va, 16), int(pa, 16), int(fs, 16), int(ms, 16)))
    return rows


def header_diff(what, b, z):
    """The rows that differ, as a short text (None when equal)."""
    if b == z:
        return None
    bs, zs = set(b), set(z)
    only_b = [r for r in b if r not in zs]
    only_z = [r for r in z if r not in bs]
    if not only_b and not only_z:
        return f'{what} order: bfd {[r[0] for r in b]} braze {[r[0] for r in z]}'
    fmt = lambda rows: '; '.join(' '.join(hex(x) if isinstance(x, int) else str(x) for x in r) for r in rows[:6])
    return f'{what}: bfd-only [{fmt(only_b)}] braze-only [{fmt(only_z)}]'


def run_case(seed, root, arch, shim, keep=False, kind='programs', **kw):
    A = ARCHES[arch]
    pre = A['prefix']
    readelf = pre + 'readelf'
    d = os.path.join(root, f'c{seed}')
    shutil.rmtree(d, ignore_errors=True)
    src = os.path.join(d, 'src')
    spec = (scriptgen if kind == 'scripts' else gen).generate(seed, src, arch, **kw)
    res = {'seed': seed, 'arch': arch, 'lang': spec['lang'], 'mode': spec['mode'], 'feats': spec['feats'],
           'lto': spec.get('lto'), 'partial': bool(spec.get('partial')), 'status': 'ok', 'diffs': []}
    if spec.get('feats_set'):
        res['feats_set'] = spec['feats_set']
    if kind == 'scripts':
        res['kind'] = kind
        res['family'] = spec['family']
    cc = pre + spec['cc']
    build = os.path.join(d, 'build')
    os.makedirs(build)
    for s, o, fl in spec['compile']:
        rc, out, err = sh([cc, '-c', os.path.join(src, s), '-o', os.path.join(build, o)] + fl, src)
        if rc:
            res['status'] = 'compile-fail'; res['err'] = err[-2000:]
            return finish(res, d, keep, shim)
    for name, objs in spec['archives']:
        sh([pre + ('gcc-ar' if spec.get('lto') else 'ar'), 'rcs', name] + objs, build)
    outs = {}
    for L, bflag in (('bfd', []), ('braze', ['-B', shim + '/'])):
        ld = os.path.join(build, L)
        os.makedirs(ld)
        for f in os.listdir(build):
            if f.endswith('.o') or f.endswith('.a'):
                os.symlink(os.path.join(build, f), os.path.join(ld, f))
        for f in spec['extra_files']:
            shutil.copy(os.path.join(src, f), ld)
        o = outs[L] = {'link': 'ok', 'linkwarn': []}
        for name, argv in link_steps(spec, cc, bflag):
            rc, out, err = sh(argv, ld)
            if rc:
                o['link'] = f'fail {name}: ' + err[-1500:]
                break
            if name != 'part.o':
                o['linkwarn'].append(err)
        if o['link'] != 'ok':
            continue
        env = dict(os.environ, **A['run_env'](ld))
        try:
            rc, out, err = sh(A['run'](ld), ld, env=env, timeout=A['timeout'])
        except subprocess.TimeoutExpired:
            rc, out, err = 'timeout', '', ''
        o['run'] = (rc, out.replace(ld, 'LD'), err.replace(ld, 'LD'))
        o['files'] = ['prog'] + [n for n, _, _ in spec['shlibs']]
        paths = {f: os.path.join(ld, f) for f in o['files']}
        o['dyn'] = {f: dynsyms(readelf, p, A['und_untyped']) for f, p in paths.items()}
        o['needed'] = {f: needed(readelf, p) for f, p in paths.items()}
        o['flags'] = {f: flags(readelf, p) for f, p in paths.items()}
        o['vers'] = {f: versions(readelf, p) for f, p in paths.items()}
        o['notes'] = {f: notes(readelf, p) if A['notes'] else [] for f, p in paths.items()}
        o['lint'] = {f: elflint(p) for f, p in paths.items()}
        if kind == 'scripts':
            o['shdr'] = {f: section_headers(readelf, p) for f, p in paths.items()}
            o['phdr'] = {f: program_headers(readelf, p) for f, p in paths.items()}
    b, z = outs['bfd'], outs['braze']
    if b['link'] != 'ok':
        res['status'] = 'bfd-crash' if 'terminated with signal' in b['link'] else 'bfd-link-fail'
        res['err'] = b['link'][:600]
        if z['link'] == 'ok' and res['status'] == 'bfd-link-fail':
            res['diffs'].append('braze links where bfd fails')
        return finish(res, d, keep, shim)
    if z['link'] != 'ok':
        known = known_failure(arch, z['link'])
        if known:
            res['status'] = known
            return finish(res, d, keep, shim)
        res['status'] = 'DIFF'
        res['diffs'].append('braze link fails: ' + z['link'][:1500])
        return finish(res, d, keep, shim)
    if b['linkwarn'] != z['linkwarn']:
        res['warn'] = [b['linkwarn'], z['linkwarn']]
    if b['run'] != z['run']:
        res['diffs'].append('run differs')
        res['run'] = {'bfd': b['run'], 'braze': z['run']}
    if b['run'][0] != 3:
        res['bfd_rc'] = b['run'][0]
        res['bfd_err'] = b['run'][2][-300:]
    for f in b['files']:
        if b['dyn'][f] != z['dyn'][f]:
            res['diffs'].append(f'dynsym {f}: bfd-only {sorted(b["dyn"][f] - z["dyn"][f])} braze-only {sorted(z["dyn"][f] - b["dyn"][f])}')
        if b['needed'][f] != z['needed'][f]:
            res['diffs'].append(f'needed {f}: {b["needed"][f]} vs {z["needed"][f]}')
        if b['flags'][f] != z['flags'][f]:
            res['diffs'].append(f'flags {f}: {b["flags"][f]} vs {z["flags"][f]}')
        if b['vers'][f] != z['vers'][f]:
            res['diffs'].append(f'versions {f}: bfd-only {sorted(b["vers"][f] - z["vers"][f])} braze-only {sorted(z["vers"][f] - b["vers"][f])}')
        if b['notes'][f] != z['notes'][f]:
            res['diffs'].append(f'notes {f}: {b["notes"][f]} vs {z["notes"][f]}')
        lo = {l for l in z['lint'][f] - b['lint'][f] if not lint_noise(arch, spec, l)}
        if lo:
            res['diffs'].append(f'elflint {f} braze-only: {sorted(lo)[:8]}')
        if kind == 'scripts':
            for what, key in (('sections', 'shdr'), ('segments', 'phdr')):
                t = header_diff(f'{what} {f}', b[key][f], z[key][f])
                if t:
                    res['diffs'].append(t)
    if res['diffs']:
        res['status'] = 'DIFF'
    return finish(res, d, keep, shim)


def finish(res, d, keep, shim):
    if res['diffs']:
        save_found(res, d, shim)
    if not keep:
        shutil.rmtree(d, ignore_errors=True)
    return res


def save_found(res, d, shim):
    """DIR/found/<arch>-<seed>: the sources, the result and a repro.sh replaying run_case's commands."""
    root = os.path.dirname(d)
    dest = os.path.join(root, 'found', f"{res['arch']}-{res.get('kind', 'programs')[0]}{res['seed']}")
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(os.path.join(d, 'src'), os.path.join(dest, 'src'))
    with open(os.path.join(dest, 'result.json'), 'w') as f:
        json.dump(res, f, indent=1)
    with open(os.path.join(dest, 'repro.sh'), 'w') as f:
        f.write(repro_script(res, os.path.join(d, 'src', 'spec.json'), shim))
    os.chmod(os.path.join(dest, 'repro.sh'), 0o755)


def repro_script(res, spec_path, shim):
    with open(spec_path) as f:
        spec = json.load(f)
    A = ARCHES[res['arch']]
    pre = A['prefix']
    q = shlex.join
    first = (res['diffs'] or [''])[0].splitlines()[0][:200] if res['diffs'] else ''
    L = ['#!/bin/sh',
         f"# tools/fuzz/run.py --arch {res['arch']} --kind {res.get('kind', 'programs')} --seeds {res['seed']}:1 "
         + (f"--feats-set {res['feats_set']} " if res.get('feats_set') else '') +
         f"({res['mode']}, {res['lang']}, {' '.join(res['feats'])})",
         f'# {first}',
         '# Rebuilds in ./build, links with ld.bfd and with braze (SHIM: a braze shim-dir), runs both.',
         'cd "$(dirname "$0")" || exit 1',
         f'SHIM=${{SHIM:-{shlex.quote(shim)}}}',
         'rm -rf build && mkdir build && cd build || exit 1']
    cc = pre + spec['cc']
    for s, o, fl in spec['compile']:
        L.append(q([cc, '-c', '../src/' + s, '-o', o] + fl) + ' || exit 1')
    for name, objs in spec['archives']:
        L.append(q([pre + ('gcc-ar' if spec.get('lto') else 'ar'), 'rcs', name] + objs))
    run = q([f'{k}={v}' for k, v in A['run_env']('@PWD@').items()] + A['run']('@PWD@')).replace('@PWD@', '"$PWD"')
    for ld, flag in (('bfd', []), ('braze', ['-B', '@SHIM@/'])):
        L += ['', f'echo "== {ld}"', f'mkdir {ld} && cd {ld} && ln -s ../*.o . && {{ ln -s ../*.a . 2>/dev/null; true; }}']
        for f in spec['extra_files']:
            L.append(f'cp ../../src/{f} .')
        L.append(' &&\n  '.join(q(argv).replace('@SHIM@', '"$SHIM"') for _, argv in link_steps(spec, cc, flag)) + ' &&')
        L.append(f'  {{ {run}; echo "exit $?"; }}')
        L.append('cd ..')
    return '\n'.join(L) + '\n'


def find_shim(lddir):
    if lddir:
        return os.path.abspath(lddir)
    py = os.path.join(ROOT, '.venv', 'bin', 'python')
    if not os.path.exists(py):
        sys.exit(f'run.py: no {py} (run `make venv`), or name a braze shim directory with --lddir')
    return subprocess.check_output([py, '-m', 'braze', 'shim-dir'], text=True).strip()


def summary(out):
    """What the runs so far covered (so that a quiet run is known to have tested something)."""
    rows = []
    path = os.path.join(out, 'results.jsonl')
    if os.path.exists(path):
        with open(path) as f:
            rows = [json.loads(l) for l in f if l.strip()]
    for arch in sorted({r.get('arch', 'x86_64') for r in rows}):
        ar = [r for r in rows if r.get('arch', 'x86_64') == arch]
        print(f'== {arch}: {len(ar)} cases', dict(collections.Counter(r['status'] for r in ar)))
        valid = [r for r in ar if r['status'] in ('ok', 'DIFF')]
        print('linked+ran by both:', len(valid))
        print('lang/mode:', dict(collections.Counter((r['lang'], r['mode']) for r in valid)))
        fc, fm = collections.Counter(), collections.Counter()
        for r in valid:
            for f in set(r['feats']):
                fc[f] += 1
                fm[(f, r['mode'])] += 1
        print('feature x mode:')
        for f in sorted(fc):
            print(f'  {f:12s} {fc[f]:4d} ', ' '.join(f'{m}={fm[(f, m)]}' for m in ('pie', 'nopie', 'static', 'staticpie', 'free')))
        print('lto:', sum(1 for r in valid if r.get('lto')), 'partial -r:', sum(1 for r in valid if r.get('partial')))
        print('differing seeds:')
        for r in ar:
            if r.get('diffs'):
                print(f"  {r['seed']}: {r['diffs'][0].splitlines()[0][:110]}  ({len(r['diffs'])} diffs)")
        fails = collections.Counter((r.get('err') or '').strip().splitlines()[-1][:100] if r.get('err') else ''
                                    for r in ar if r['status'] in ('bfd-link-fail', 'bfd-crash', 'compile-fail', 'harness-error'))
        if fails:
            print('bfd/compile/harness failures:', fails.most_common(8))


def one(args):
    seed, out, arch, shim, keep, kind, kw, deadline = args
    if time.time() > deadline:
        return None
    try:
        return run_case(seed, out, arch, shim, keep, kind, **kw)
    except Exception as e:
        return {'seed': seed, 'arch': arch, 'status': 'harness-error', 'err': repr(e), 'diffs': []}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--arch', choices=sorted(ARCHES), default='x86_64')
    ap.add_argument('--seeds', metavar='START:COUNT', help='the seeds START .. START+COUNT-1')
    ap.add_argument('--out', required=True, metavar='DIR')
    ap.add_argument('--minutes', type=float, help='start no case after this long')
    ap.add_argument('--jobs', type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument('--lddir', help='braze shim directory (default: the repository .venv\'s)')
    ap.add_argument('--keep', action='store_true', help='keep every case\'s build directory DIR/c<seed>')
    ap.add_argument('--kind', choices=['programs', 'scripts'], default='programs',
                    help="programs: gen.py's; scripts: scriptgen.py's linker scripts (also compares section/program headers)")
    ap.add_argument('--override', nargs='*', default=[], metavar='K=V',
                    help="gen.py's feats=, mode=, lang=; scriptgen.py's family=, mode=")
    ap.add_argument('--feats-set', type=int, default=1, help="2, 3: gen.py's newer features too (see above)")
    ap.add_argument('--summary', action='store_true', help='only summarize DIR/results.jsonl')
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    if a.summary:
        return summary(out)
    if not a.seeds:
        ap.error('--seeds START:COUNT is required')
    start, count = (int(x) for x in a.seeds.split(':'))
    shim = find_shim(a.lddir)
    deadline = time.time() + a.minutes * 60 if a.minutes else float('inf')
    kw = gen.parse_overrides(a.override) if a.kind == 'programs' else dict(o.split('=', 1) for o in a.override)
    if a.kind == 'programs' and a.feats_set != 1:
        kw.setdefault('feats_set', a.feats_set)
    os.makedirs(out, exist_ok=True)
    jobs = [(s, out, a.arch, shim, a.keep, a.kind, kw, deadline) for s in range(start, start + count)]
    with open(os.path.join(out, 'results.jsonl'), 'a') as log, \
            concurrent.futures.ProcessPoolExecutor(max(1, a.jobs)) as pool:
        for r in pool.map(one, jobs):
            if r is None:
                continue
            log.write(json.dumps(r) + '\n')
            log.flush()
            line = (r.get('diffs') or [''])[0][:200] or (r.get('err', '')[:200] if r['status'] != 'ok' else '')
            print(r['seed'], r['status'], ','.join(r.get('feats', [])), r.get('mode', ''), r.get('lang', ''),
                  line.replace('\n', ' | '), flush=True)
    summary(out)


if __name__ == '__main__':
    main()
