"""--size-map=FILE.json|FILE.html and --reproduce=FILE.tar.

The size map of tests/c/api_prog (linked by gcc through braze) is checked against readelf and bfd:
each output section's node is its size in readelf -S, each LOAD segment holds the sections readelf
maps to it, a symbol's leaf is its .symtab size, archive members carry bfd's reason (its map file).
The HTML page is loaded in headless Chromium (Debian's, driven over --remote-debugging-pipe with the
DevTools protocol): no exception or console error, one rectangle per top-level node with areas in
proportion to the bytes, zooming, search finding a symbol (highlighted rectangle, table row).
--reproduce: the tarball holds lld's layout; replaying `braze @response.txt` inside it gives the
same bytes, also for a failing link (the same error).
"""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

import pytest

from harness import tool_env
from test_api import SRC, bfd_map_members, re_sections, re_segments, re_symbols, run

CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", shutil.which("chromium") or "") if p and os.path.exists(p)),
                None)


@pytest.fixture(scope="module")
def prog(tmp_path_factory, braze_lddir):
    """api_prog linked by braze with both size maps, and by bfd with a map file."""
    d = tmp_path_factory.mktemp("sizemap")
    for f in ("api_main", "api_lib1", "api_lib2", "api_lib3"):
        run(["gcc", "-c", "-O2", "-fPIE", "-fcommon", "-ffunction-sections", SRC / f"{f}.c", "-o", d / f"{f}.o"])
    run(["ar", "rcs", d / "libapi.a", d / "api_lib1.o", d / "api_lib2.o", d / "api_lib3.o"])
    common = [d / "api_main.o", f"-L{d}", "-lapi", "-Wl,--gc-sections"]
    run(["gcc", f"-B{braze_lddir}/", *common, f"-Wl,--size-map={d / 'map.json'}", "-o", d / "prog"], cwd=d)
    run(["gcc", f"-B{braze_lddir}/", *common, f"-Wl,--size-map={d / 'map.html'}", "-o", d / "prog2"], cwd=d)
    run(["gcc", "-fuse-ld=bfd", *common, f"-Wl,-Map,{d / 'bfd.map'}", "-o", d / "prog-bfd"], cwd=d)
    assert (d / "prog").read_bytes() == (d / "prog2").read_bytes()
    return d


def _walk(n, path=()):
    yield n, path
    for c in n.get("c", ()):
        yield from _walk(c, path + (n,))


def test_json_size_map_against_readelf_and_bfd(prog):
    doc = json.loads((prog / "map.json").read_text())
    tree = doc["tree"]
    secs = {name: size for name, _a, _o, size, _f in re_sections(prog / "prog")}
    segs = [s for s in re_segments(prog / "prog") if s[0] == "LOAD"]
    loads = [n for n in tree["c"] if n["k"] == "segment" and n["n"].startswith("LOAD")]
    assert len(loads) == len(segs)
    for node, seg in zip(loads, segs):
        assert f"0x{seg[2]:x}" in node["n"]
        assert [c["n"] for c in node["c"]] == [s for s in seg[7] if secs[s] > 0 and s != ".tbss"]
        assert node["v"] == sum(c["v"] for c in node["c"])
    for n, path in _walk(tree):
        if n["k"] == "section":
            assert n["v"] == secs[n["n"]], n["n"]
            if n.get("c"):
                assert sum(c["v"] for c in n["c"]) == n["v"]
    # the output's bytes are all there: every non-empty section once
    names = [n["n"] for n, _p in _walk(tree) if n["k"] == "section"]
    assert sorted(names) == sorted(s for s, size in secs.items() if size > 0)
    # symbols: their .symtab sizes, under their file
    symtab = {r[0]: r[3] for r in re_symbols(prog / "prog", ".symtab")}
    leaves = {n["n"]: (n, path) for n, path in _walk(tree) if n["k"] == "symbol"}
    for name in ("main", "api_helper", "api_deeper", "api_data_table"):
        node, path = leaves[name]
        assert node["v"] == symtab[name]
    assert leaves["api_deeper"][1][-1]["n"].endswith("libapi.a(api_lib2.o)")
    assert "api_gc_me" not in leaves and "api_never_pulled" not in leaves    # collected / never loaded
    # why each member is in: bfd's map
    why = {n["n"]: n["why"] for n, _p in _walk(tree) if n["k"] == "file" and "why" in n}
    for member, ref, sym in bfd_map_members((prog / "bfd.map").read_text()):
        if member in why:
            assert why[member] == f"{sym}, referenced by {ref}"
    assert any(k.endswith("libapi.a(api_lib1.o)") for k in why)
    # the model rides along
    assert {s["name"] for s in doc["model"]["symbols"]} >= {"main", "api_helper"}


# ------------------------------------------------------------------ the page in Chromium

class Chrome:
    """Headless Chromium driven over --remote-debugging-pipe (fd 3: commands in, fd 4: replies out,
    NUL-terminated JSON): no websocket library needed."""

    def __init__(self, width=1200, height=760):
        self.profile = tempfile.mkdtemp(prefix="braze-chromium-")
        r1, w1 = os.pipe()
        r2, w2 = os.pipe()

        def fds():
            a, b = os.dup(r1), os.dup(w2)
            os.dup2(a, 3)
            os.dup2(b, 4)
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--disable-extensions", "--disable-background-networking",
             f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank"],
            preexec_fn=fds, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(r1)
        os.close(w2)
        self.w, self.r = w1, r2
        self.buf = b""
        self.next_id = 0
        self.events: list = []
        t = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": t, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Page", "Log"):
            self.send(f"{domain}.enable", session=True)

    def send(self, method, params=None, session=False):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + 60
        while True:
            while b"\0" not in self.buf:
                assert time.monotonic() < deadline, f"chromium did not answer {method}"
                chunk = os.read(self.r, 1 << 16)
                assert chunk, "chromium closed the pipe"
                self.buf += chunk
            raw, self.buf = self.buf.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                assert "error" not in reply, f"{method}: {reply['error']}"
                return reply["result"]
            self.events.append(reply)

    def eval(self, expr):
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True},
                      session=True)
        assert "exceptionDetails" not in r, r["exceptionDetails"]
        return r["result"].get("value")

    def open(self, url):
        self.send("Page.navigate", {"url": url}, session=True)
        for _ in range(200):
            if self.eval("document.readyState") == "complete":
                return
            time.sleep(0.05)
        raise AssertionError("page did not load")

    def problems(self) -> list:
        """Exceptions and console errors/warnings the page produced."""
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append(p["exceptionDetails"])
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
                out.append(p)
            elif m == "Log.entryAdded" and p["entry"].get("level") in ("error", "warning"):
                out.append(p["entry"])
        return out

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png"}, session=True)["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self.w)
        os.close(self.r)
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def chrome():
    if CHROMIUM is None:
        pytest.fail("Chromium is needed (Debian package chromium; `make test` installs it)")
    c = Chrome()
    yield c
    c.close()


def test_html_size_map_in_chromium(prog, chrome):
    html = (prog / "map.html").read_text()
    assert not re.search(r"https?://|<link[\s>]|\bsrc\s*=|@import|url\(", html), "the page must be self-contained"
    tree = json.loads((prog / "map.json").read_text())["tree"]
    chrome.open((prog / "map.html").as_uri())
    # the top level: one rectangle per segment, areas in proportion to bytes
    top = chrome.eval("""[...document.querySelectorAll('#map > .r.k-segment')].map(d =>
        [d.dataset.name, d.offsetWidth * d.offsetHeight])""")
    want = [n for n in tree["c"] if n["v"] > 0]
    assert sorted(n for n, _a in top) == sorted(n["n"] for n in want)
    total_area = sum(a for _n, a in top)
    for name, area in top:
        share = next(n["v"] for n in want if n["n"] == name) / tree["v"]
        assert abs(area / total_area - share) < 0.02 + share * 0.1, (name, area, share)
    # every rectangle drawn names a node of the tree
    names = {n["n"] for n, _p in _walk(tree)}
    drawn = chrome.eval("[...document.querySelectorAll('.r')].map(d => d.dataset.name)")
    assert drawn and set(drawn) <= names
    # search: a symbol of an archive member
    got = chrome.eval("""(() => { const q = document.getElementById('q'); q.value = 'api_deeper';
        q.dispatchEvent(new Event('input')); return document.getElementById('status').textContent; })()""")
    assert got == "1 match"
    hit = chrome.eval("[...document.querySelectorAll('.r.hit')].map(d => d.dataset.name)")
    assert any(h.startswith("LOAD") for h in hit) and ".text" in hit
    # zoom into the member's file: the symbol's own rectangle is there, highlighted
    chrome.eval("""(() => { const n = window.sizemap.nodes.find(n => n.n.endsWith('libapi.a(api_lib2.o)')
        && n.p.n === '.text'); window.sizemap.zoom(n); })()""")
    sym = chrome.eval("""[...document.querySelectorAll('.r')].filter(d => d.dataset.name === 'api_deeper')
        .map(d => d.className)""")
    assert sym and "hit" in sym[0]
    crumbs = chrome.eval("document.getElementById('crumbs').textContent")
    assert ".text" in crumbs and "api_lib2.o" in crumbs
    # the table view lists it with its size and why the member is in
    chrome.eval("document.getElementById('view').click()")
    rows = chrome.eval("[...document.querySelectorAll('#tbl tbody tr')].map(tr => [...tr.cells].map(c => c.textContent))")
    row = next(r for r in rows if r[0] == "api_deeper")
    symtab = {r[0]: r[3] for r in re_symbols(prog / "prog", ".symtab")}
    assert int(row[2]) == symtab["api_deeper"] and "api_deeper, referenced by" in row[4]
    assert chrome.problems() == []
    if os.environ.get("BRAZE_SIZEMAP_SCREENSHOT"):
        chrome.eval("document.getElementById('view').click(); window.sizemap.zoom(window.sizemap.root)")
        chrome.screenshot(os.environ["BRAZE_SIZEMAP_SCREENSHOT"])


def test_size_map_option_checks(tmp_path, direct_ld):
    p = subprocess.run([*direct_ld, "--size-map=map.txt", "x.o"], capture_output=True, text=True,
                       env=tool_env(), cwd=tmp_path)
    assert p.returncode == 1 and "--size-map=map.txt: the file name must end in .html or .json" in p.stderr


# ------------------------------------------------------------------ --reproduce

def _replay(tar: Path, where: Path, direct_ld) -> tuple[Path, subprocess.CompletedProcess]:
    with tarfile.open(tar) as t:
        names = t.getnames()
        t.extractall(where)
    root = where / tar.name[:-4]
    assert f"{root.name}/response.txt" in names and f"{root.name}/version.txt" in names
    p = subprocess.run([*direct_ld, "@response.txt"], cwd=root, capture_output=True, text=True, env=tool_env())
    return root, p


def test_reproduce_round_trip(prog, tmp_path, braze_lddir, direct_ld):
    out = tmp_path / "out" / "prog"
    out.parent.mkdir()
    tar = tmp_path / "repro.tar"
    run(["gcc", f"-B{braze_lddir}/", prog / "api_main.o", f"-L{prog}", "-lapi", "-Wl,--gc-sections",
         f"-Wl,--reproduce={tar}", "-o", out], cwd=tmp_path)
    tar2 = tmp_path / "again" / "repro.tar"
    tar2.parent.mkdir()
    run(["gcc", f"-B{braze_lddir}/", prog / "api_main.o", f"-L{prog}", "-lapi", "-Wl,--gc-sections",
         f"-Wl,--reproduce={tar2}", "-o", out], cwd=tmp_path)
    # deterministic: the same members and bytes (gcc's own -fresolution= temporary name aside)
    def members(path):
        with tarfile.open(path) as t:
            return [(m.name, m.mode, m.mtime, re.sub(rb"-fresolution=\S+", b"", t.extractfile(m).read()))
                    for m in t.getmembers()]
    assert members(tar) == members(tar2)
    root, p = _replay(tar, tmp_path / "x", direct_ld)
    assert p.returncode == 0, p.stderr
    assert (root / "prog").read_bytes() == out.read_bytes()
    # every input is inside the tarball, as lld lays it out (absolute paths made relative)
    with tarfile.open(tar) as t:
        names = set(t.getnames())
    assert f"repro{prog / 'api_main.o'}" in names and f"repro{prog / 'libapi.a'}" in names
    response = (root / "response.txt").read_text().split("\n")
    assert "--reproduce" not in " ".join(response) and "prog" in response
    for w in response:
        assert not w.startswith(str(prog)), f"a path outside the tarball: {w}"
    # the replay reads its inputs from the tarball, not from the original places
    import braze
    old = os.getcwd()
    os.chdir(root)
    try:
        r = braze.link(["@response.txt", "-o", "prog-api"])
    finally:
        os.chdir(old)
    assert all(not i.path.startswith("/") for i in r.model.inputs), [i.path for i in r.model.inputs]
    assert (root / "prog-api").read_bytes() == out.read_bytes()


def test_reproduce_failing_link(tmp_path, braze_lddir, direct_ld):
    obj = tmp_path / "undef.o"
    run(["gcc", "-c", SRC / "api_undef.c", "-o", obj])
    tar = tmp_path / "fail.tar"
    p = subprocess.run(["gcc", f"-B{braze_lddir}/", obj, f"-Wl,--reproduce={tar}", "-o", tmp_path / "never"],
                       capture_output=True, text=True, env=tool_env())
    assert p.returncode != 0 and tar.exists()
    _root, r = _replay(tar, tmp_path / "x", direct_ld)
    assert r.returncode == 1
    errors = lambda text: re.findall(r"undefined symbol: (\w+)", text)  # noqa: E731
    assert errors(r.stderr) == errors(p.stderr)
    assert set(errors(p.stderr)) == {"api_missing_function", "api_missing_data"}
