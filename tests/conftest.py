"""Fixtures for the braze-vs-ld.bfd test suite.

Environment:
  BRAZE_LDDIR   a directory whose ``ld`` is the linker under test (default: ``braze shim-dir``).
                ``mkdir /tmp/bfd && ln -s /usr/bin/ld.bfd /tmp/bfd/ld`` and BRAZE_LDDIR=/tmp/bfd
                runs the suite bfd-vs-bfd, which validates the harness itself.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import REPO, Store, braze_command, need_tool, sh, tool_env  # noqa: E402


@pytest.fixture(scope="session")
def braze_lddir() -> str:
    """Directory containing the ``ld`` under test; ``gcc -B<dir>/`` links with it."""
    d = os.environ.get("BRAZE_LDDIR")
    if d:
        d = os.path.abspath(d)
    else:
        cmd = braze_command() + ["shim-dir"]
        p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, f"`{sh(cmd)}` failed (exit {p.returncode}):\n{p.stdout}{p.stderr}"
        d = p.stdout.strip()
        assert d, f"`{sh(cmd)}` printed nothing"
    ld = os.path.join(d, "ld")
    assert os.path.isfile(ld) and os.access(ld, os.X_OK), f"{ld} is not an executable file"
    # gcc must really pick this ld up through -B
    p = subprocess.run(["gcc", f"-B{d}/", "-print-prog-name=ld"], capture_output=True, text=True,
                       env=tool_env())
    assert os.path.realpath(p.stdout.strip()) == os.path.realpath(ld), (
        f"gcc -B{d}/ would not use {ld} (it reports {p.stdout.strip()!r})")
    return d


@pytest.fixture(scope="session")
def direct_ld(braze_lddir) -> list[str]:
    """Command prefix to run the linker under test directly with ld-style arguments.

    By default that is the braze console script (so messages say ``braze: error:``); with
    BRAZE_LDDIR it is ``$BRAZE_LDDIR/ld``."""
    if os.environ.get("BRAZE_LDDIR"):
        return [os.path.join(braze_lddir, "ld")]
    return braze_command()


@pytest.fixture(scope="session")
def under_test_label(braze_lddir) -> str:
    """Cache label for links made with the linker under test."""
    return "test-" + hashlib.sha1(os.path.realpath(braze_lddir).encode()).hexdigest()[:8]


@pytest.fixture(scope="session")
def store(tmp_path_factory) -> Store:
    """Build cache shared by all xdist workers of this pytest run."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    return Store(base / "braze-build")


@pytest.fixture(scope="session", autouse=True)
def _input_cache(tmp_path_factory):
    """braze's input cache for this run, shared by its xdist workers: the links of a test run (many of
    them of libraries in temporary directories) do not fill the user's ~/.cache/braze/inputs.  A
    BRAZE_CACHE_DIR already set (empty: no cache) is kept."""
    if "BRAZE_CACHE_DIR" in os.environ:
        yield
        return
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    os.environ["BRAZE_CACHE_DIR"] = str(base / "braze-input-cache")
    yield
    del os.environ["BRAZE_CACHE_DIR"]


@pytest.fixture(scope="session", autouse=True)
def _tools():
    for t in ("gcc", "g++", "ar", "readelf", "ld.bfd", "musl-gcc"):
        need_tool(t)
