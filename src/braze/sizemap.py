"""--size-map=FILE.html|FILE.json: where the bytes of the output go, as a tree
segment → output section → input file (archive member) → symbol, sized in bytes (memory size: .bss
counts), with the reason each archive member was loaded (the first reference that pulled it in).

FILE.html is one self-contained page (no network): a zoomable treemap drawn by a small inline
script, a search box and a table view. FILE.json is the same tree plus the link model, for tools.
"""
from __future__ import annotations

import json
import os

from .diag import LinkError
from .elf import SHF_ALLOC, STB_LOCAL, SHN_ABS, SHN_UNDEF

_SYM_TYPES = (1, 2, 6, 10)       # OBJECT, FUNC, TLS, IFUNC: what a size map names


def _node(name, kind, size=0, children=None, **extra):
    n = {"n": name, "k": kind, "v": size}
    if children is not None:
        n["c"] = children
    n.update(extra)
    return n


def _symbols_by_section(ctx) -> dict:
    """{id(input section): {value: (size, name)}}: the sized symbols of each input section (globals
    and the objects' locals), one per address (an alias keeps the first name seen)."""
    out: dict[int, dict] = {}
    for s in ctx.symtab.values():
        if s.rank >= 2 and s.size > 0 and s.section is not None and s.type in _SYM_TYPES + (0,):
            out.setdefault(id(s.section), {}).setdefault(s.value, (s.size, s.name))
    for obj in ctx.objs:
        esyms, names, secs = obj.esyms, obj.sym_names, obj.sections
        for i in range(1, min(obj.first_global, len(esyms))):
            e = esyms[i]
            if e[5] <= 0 or (e[1] & 0xf) not in _SYM_TYPES or e[1] >> 4 != STB_LOCAL:
                continue
            sh = obj.sym_shndx(i)
            if sh in (SHN_UNDEF, SHN_ABS) or sh >= len(secs) or secs[sh] is None:
                continue
            out.setdefault(id(secs[sh]), {}).setdefault(e[4], (e[5], names[i]))
    return out


def build_tree(ctx, model) -> dict:
    syms = _symbols_by_section(ctx)
    why = {m.path: m for m in model.inputs if m.kind == "member"}
    seen_chunks = set()

    def section_node(c):
        members = getattr(c, "members", None)
        if members is None:         # made by the linker (.dynsym, .got, .eh_frame, ...): a leaf
            return _node(c.name, "section", c.size, addr=c.addr, why="made by the linker")
        files: dict[str, dict] = {}
        for m in members:
            f = getattr(m, "file", None)
            owner = getattr(m, "owner", None)
            fname = f.name if f is not None else getattr(owner, "name", None) or "<linker>"
            fn = files.get(fname)
            if fn is None:
                fn = files[fname] = _node(fname, "file", 0, [])
                w = why.get(fname)
                if w is not None:
                    fn["why"] = (f"{w.pulled_by_symbol}, referenced by {w.pulled_by_file}"
                                 if w.pulled_by_symbol else "--whole-archive")
            fn["v"] += m.size
            named = 0
            for _v, (size, name) in sorted(syms.get(id(m), {}).items()):
                size = min(size, m.size)
                fn["c"].append(_node(name, "symbol", size))
                named += size
            if m.size > named:
                rest = "(merged strings/constants)" if owner is not None else f"({m.name}, unnamed)"
                fn["c"].append(_node(rest, "other", m.size - named))
        for fn in files.values():
            _merge_same(fn)
        kids = sorted((n for n in files.values() if n["v"] > 0), key=lambda n: -n["v"])
        pad = c.size - sum(n["v"] for n in kids)
        if pad > 0:                 # alignment between the input sections
            kids.append(_node("(alignment padding)", "other", pad))
        return _node(c.name, "section", c.size, kids, addr=c.addr)

    top = []
    loads = [s for s in ctx.segments if s.type == 1]
    for i, seg in enumerate(loads):
        kids = []
        for c in seg.chunks:
            if id(c) in seen_chunks or c.size <= 0:
                continue
            seen_chunks.add(id(c))
            kids.append(section_node(c))
        flags = ("R" if seg.flags & 4 else "") + ("W" if seg.flags & 2 else "") + ("X" if seg.flags & 1 else "")
        top.append(_node(f"LOAD #{i} {flags} 0x{seg.vaddr:x}", "segment", sum(k["v"] for k in kids), kids,
                         addr=seg.vaddr))
    left = [c for c in ctx.chunks if id(c) not in seen_chunks and c.size > 0]
    alloc_rest = [section_node(c) for c in left if c.flags & SHF_ALLOC]
    nonalloc = [section_node(c) for c in left if not c.flags & SHF_ALLOC]
    if alloc_rest:      # TLS .tbss and the like: in memory, outside any PT_LOAD's file image
        top.append(_node("(other allocated)", "segment", sum(k["v"] for k in alloc_rest), alloc_rest))
    if nonalloc:
        top.append(_node("(not loaded: debug info, symbol tables)", "segment", sum(k["v"] for k in nonalloc),
                         nonalloc))
    return _node(os.path.basename(ctx.config.output), "output", sum(n["v"] for n in top), top)


def _merge_same(fn) -> None:
    """One child per name (a file with several .text.* sections lists each symbol once, and one
    "unnamed" rest per input section name), largest first."""
    merged: dict[tuple, dict] = {}
    for c in fn["c"]:
        k = (c["n"], c["k"])
        if k in merged:
            merged[k]["v"] += c["v"]
        else:
            merged[k] = c
    fn["c"] = sorted((c for c in merged.values() if c["v"] > 0), key=lambda n: -n["v"])


def write_size_map(ctx, model=None) -> None:
    from .model import build_model
    path = ctx.config.size_map
    if model is None:
        model = build_model(ctx)
    tree = build_tree(ctx, model)
    if path.endswith(".json"):
        text = json.dumps({"output": ctx.config.output, "tree": tree, "model": model.to_dict()},
                          indent=1, sort_keys=False) + "\n"
    else:
        text = render_html(tree, ctx.config.output)
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise LinkError(f"cannot write size map {path}: {e.strerror}") from None


def render_html(tree: dict, output: str) -> str:
    data = json.dumps(tree, separators=(",", ":")).replace("</", "<\\/")
    title = os.path.basename(output).replace("&", "&amp;").replace("<", "&lt;")
    return _PAGE.replace("@TITLE@", title).replace("@DATA@", data)


_PAGE = r"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>size map: @TITLE@</title>
<meta name="viewport" content="width=device-width">
<style>
html,body{margin:0;height:100%;font:13px/1.3 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111}
body{display:flex;flex-direction:column}
header{display:flex;flex-wrap:wrap;gap:10px;align-items:center;padding:6px 10px;background:#1f2633;color:#eee}
header b{font-size:14px}
#crumbs a{color:#8cf;cursor:pointer;text-decoration:none}
#crumbs a:hover{text-decoration:underline}
#q{width:22em;padding:3px 6px}
button{padding:3px 10px}
#status{color:#bbb}
#map{position:relative;flex:1;margin:6px;min-height:300px}
.r{position:absolute;box-sizing:border-box;border:1px solid rgba(255,255,255,.9);overflow:hidden;
   font-size:11px;padding:0 3px;cursor:pointer;white-space:nowrap;text-overflow:ellipsis}
.r:hover{filter:brightness(1.08)}
.r.hit{outline:3px solid #d00;outline-offset:-3px}
.r .lbl{display:block;overflow:hidden;text-overflow:ellipsis}
#tablewrap{flex:1;overflow:auto;margin:6px;display:none}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:2px 8px;border-bottom:1px solid #ddd;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
th{position:sticky;top:0;background:#eef;cursor:pointer}
footer{padding:3px 10px;color:#555;font-size:12px}
</style></head>
<body>
<header><b>braze size map</b><span id="crumbs"></span>
<input id="q" type="search" placeholder="search a symbol, file or section" autocomplete="off">
<button id="view" type="button">table view</button><span id="status"></span></header>
<div id="map" role="img" aria-label="treemap"></div>
<div id="tablewrap"><table id="tbl"><thead><tr><th data-k="n">name</th><th data-k="k">kind</th>
<th class="num" data-k="v">bytes</th><th data-k="path">where</th><th data-k="why">why it is in</th></tr></thead>
<tbody></tbody></table></div>
<footer>Click a rectangle to zoom in, the path above to zoom out. Sizes are memory bytes (.bss included).
Archive members show the first reference that pulled them in.</footer>
<script id="data" type="application/json">@DATA@</script>
<script>
"use strict";
(function () {
  const root = JSON.parse(document.getElementById("data").textContent);
  const all = [];
  (function link(n, p) { n.p = p; all.push(n); (n.c || []).forEach(c => link(c, n)); })(root, null);
  const map = document.getElementById("map"), crumbs = document.getElementById("crumbs");
  const q = document.getElementById("q"), status = document.getElementById("status");
  const tablewrap = document.getElementById("tablewrap"), tbody = document.querySelector("#tbl tbody");
  let cur = root, hits = new Set(), marked = new Set(), tableMode = false, sortKey = "v";

  function pathOf(n) { const a = []; for (; n; n = n.p) a.unshift(n); return a; }
  function where(n) { return pathOf(n).slice(1, -1).map(x => x.n).join(" \u203a "); }
  function fmt(v) {
    if (v >= 1048576) return (v / 1048576).toFixed(1) + " MiB";
    if (v >= 1024) return (v / 1024).toFixed(1) + " KiB";
    return v + " B";
  }
  function hue(n) {
    const top = pathOf(n)[2] || n; let h = 0;
    for (const ch of top.n) h = (h * 31 + ch.charCodeAt(0)) % 360;
    return h;
  }
  const depthLight = {segment: 78, section: 72, file: 82, symbol: 88, other: 92, output: 70};

  // squarified treemap (Bruls, Huizing, van Wijk)
  function worst(row, sum, side, scale) {
    const thick = sum * scale / side; let m = 0;
    for (const n of row) { const len = n.v * scale / thick; m = Math.max(m, thick / len, len / thick); }
    return m;
  }
  function squarify(nodes, x, y, w, h) {
    const items = nodes.filter(n => n.v > 0).sort((a, b) => b.v - a.v), out = [];
    let total = items.reduce((s, n) => s + n.v, 0), i = 0;
    while (i < items.length && w > 0 && h > 0 && total > 0) {
      const side = Math.min(w, h), scale = w * h / total;
      let row = [items[i]], sum = items[i].v, best = worst(row, sum, side, scale); i++;
      while (i < items.length) {
        const r2 = row.concat([items[i]]), s2 = sum + items[i].v, w2 = worst(r2, s2, side, scale);
        if (w2 > best) break;
        row = r2; sum = s2; best = w2; i++;
      }
      const thick = sum * scale / side; let off = 0;
      for (const n of row) {
        const len = n.v * scale / thick;
        out.push(w >= h ? {n, x, y: y + off, w: thick, h: len} : {n, x: x + off, y, w: len, h: thick});
        off += len;
      }
      if (w >= h) { x += thick; w -= thick; } else { y += thick; h -= thick; }
      total -= sum;
    }
    return out;
  }

  function draw(n, x, y, w, h, depth) {
    const d = document.createElement("div");
    d.className = "r k-" + n.k + (marked.has(n) ? " hit" : "");
    d.style.left = x + "px"; d.style.top = y + "px"; d.style.width = w + "px"; d.style.height = h + "px";
    d.style.background = "hsl(" + hue(n) + ",55%," + (depthLight[n.k] || 85) + "%)";
    d.title = where(n) + (where(n) ? " \u203a " : "") + n.n + "\n" + fmt(n.v) + (n.why ? "\nwhy: " + n.why : "");
    d.dataset.name = n.n; d.dataset.kind = n.k;
    const lbl = document.createElement("span"); lbl.className = "lbl";
    const short = n.k === "file" ? n.n.replace(/^.*\/(?=[^\/]*$)/, "") : n.n;   // a file's base name
    lbl.textContent = short + " " + fmt(n.v) + (n.why ? " \u2190 " + n.why : "");
    d.appendChild(lbl);
    d.addEventListener("click", ev => { ev.stopPropagation(); if (n.c && n.c.length) zoom(n); });
    map.appendChild(d);
    const head = 15;
    if (n.c && n.c.length && depth < 2 && w > 30 && h > head + 12)
      for (const r of squarify(n.c, x + 2, y + head, w - 4, h - head - 2)) draw(r.n, r.x, r.y, r.w, r.h, depth + 1);
  }

  function render() {
    map.textContent = "";
    const W = map.clientWidth, H = map.clientHeight;
    for (const r of squarify(cur.c || [], 0, 0, W, H)) draw(r.n, r.x, r.y, r.w, r.h, 0);
    crumbs.textContent = "";
    pathOf(cur).forEach((n, i, a) => {
      const s = document.createElement("a"); s.textContent = n.n + " (" + fmt(n.v) + ")";
      s.addEventListener("click", () => zoom(n)); crumbs.appendChild(s);
      if (i < a.length - 1) crumbs.appendChild(document.createTextNode(" \u203a "));
    });
    if (tableMode) renderTable();
  }

  function zoom(n) { cur = n; render(); }

  function search(text) {
    const t = text.trim().toLowerCase();
    hits = new Set(); marked = new Set();
    if (t) for (const n of all) if (n !== root && n.n.toLowerCase().includes(t)) {
      hits.add(n); for (let p = n; p; p = p.p) marked.add(p);
    }
    status.textContent = t ? hits.size + " match" + (hits.size === 1 ? "" : "es") : "";
    render();
    return hits.size;
  }

  function renderTable() {
    const rows = (hits.size ? [...hits] : all.filter(n => !n.c || !n.c.length)).filter(n => pathOf(n).includes(cur));
    rows.sort((a, b) => sortKey === "v" ? b.v - a.v : String(a[sortKey] || where(a)).localeCompare(String(b[sortKey] || where(b))));
    tbody.textContent = "";
    for (const n of rows.slice(0, 5000)) {
      const tr = document.createElement("tr");
      for (const [v, cls] of [[n.n], [n.k], [n.v, "num"], [where(n)], [n.why || (n.p && n.p.why) || ""]]) {
        const td = document.createElement("td"); td.textContent = v; if (cls) td.className = cls; tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
  }

  document.getElementById("view").addEventListener("click", ev => {
    tableMode = !tableMode;
    map.style.display = tableMode ? "none" : ""; tablewrap.style.display = tableMode ? "block" : "none";
    ev.target.textContent = tableMode ? "treemap view" : "table view";
    render();
  });
  document.querySelectorAll("th").forEach(th => th.addEventListener("click", () => { sortKey = th.dataset.k; renderTable(); }));
  q.addEventListener("input", () => search(q.value));
  window.addEventListener("resize", render);
  window.sizemap = {root, zoom, search, render, nodes: all};
  const m = /[#&]q=([^&]*)/.exec(location.hash);
  if (m) { q.value = decodeURIComponent(m[1]); search(q.value); } else render();
})();
</script>
</body></html>
"""
