#!/usr/bin/env python3
"""Regenerate docs/sizemap.png: the size map of the bench's lua job (main.o + liblua5.4.a), linked
by braze, opened in headless Chromium with "luaV_execute" searched.

    .venv/bin/python examples/sizemap_screenshot.py
"""
from __future__ import annotations

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]

from bench import jobs  # noqa: E402
from test_sizemap import Chrome  # noqa: E402


def main() -> int:
    work = os.path.join(HERE, "out", "sizemap-shot")
    os.makedirs(work, exist_ok=True)
    jobs.build_inputs(os.path.join(work, "bench"), ["lua"])
    page = os.path.join(work, "lua.html")
    lddir = subprocess.run([sys.executable, "-m", "braze", "shim-dir"], capture_output=True, text=True,
                           check=True).stdout.strip()
    jobs.link("lua", lddir, os.path.join(work, "out"), workdir=os.path.join(work, "bench"),
              extra_flags=[f"-Wl,--size-map={page}"])
    c = Chrome(1280, 800)
    try:
        c.open("file://" + page)
        c.eval("(() => { const q = document.getElementById('q'); q.value = 'luaV_execute';"
               " q.dispatchEvent(new Event('input')); })()")
        c.screenshot(os.path.join(ROOT, "docs", "sizemap.png"))
        assert c.problems() == [], c.problems()
    finally:
        c.close()
    print("wrote docs/sizemap.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
