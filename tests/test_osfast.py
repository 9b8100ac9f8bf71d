"""braze._os (the os/os.path subset the link path uses instead of importing os) against os and
posixpath themselves: the same answers on generated paths, on a tree of files, directories and
symbolic links (relative, absolute, chained, dangling, looping), and for the environment."""
from __future__ import annotations

import os
import posixpath
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

from braze import _os

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_parts = st.sampled_from(["", ".", "..", "a", "b", "~", "~root", "x.o", "/", "//", "///"])
_paths = st.lists(_parts, max_size=7).map("/".join)


@settings(max_examples=400, deadline=None)
@given(_paths, st.lists(_paths, max_size=3))
def test_lexical_functions_match_posixpath(p, more):
    for name in ("basename", "dirname", "split", "isabs", "normpath", "abspath"):
        assert getattr(_os.path, name)(p) == getattr(posixpath, name)(p), (name, p)
    assert _os.path.join(p, *more) == posixpath.join(p, *more)


@settings(max_examples=200, deadline=None)
@given(_paths)
def test_expanduser_matches_posixpath(p):
    assert _os.path.expanduser(p) == posixpath.expanduser(p)
    assert _os.path.expanduser("~" + p) == posixpath.expanduser("~" + p)


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A directory tree with every kind of link realpath meets."""
    root = tmp_path_factory.mktemp("osfast")
    for d in ("d", "d/e", "f/g"):
        (root / d).mkdir(parents=True)
    (root / "d/file").write_text("x")
    links = {
        "rel": "d", "abs": str(root / "d/e"), "chain": "rel/e", "up": "d/e/..", "dangling": "nowhere/x",
        "loop1": "loop2", "loop2": "loop1", "self": "self", "d/e/back": "../../f", "f/g/dot": ".",
        "deep": "d/e/back/g/dot/../../d", "toloop": "loop1/x", "file-link": "d/file",
    }
    for name, target in links.items():
        os.symlink(target, root / name)
    names = ["", ".", "..", "d", "e", "f", "g", "file", "nowhere", *links, *(n.split("/")[-1] for n in links)]
    return root, sorted(set(names))


@settings(max_examples=600, deadline=None)
@given(st.data())
def test_file_queries_match_os_on_a_tree_with_links(tree, data):
    root, names = tree
    rel = "/".join(data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=6)))
    cwd = os.getcwd()
    os.chdir(root)
    try:
        for p in (rel, str(root / rel)):
            assert _os.path.realpath(p) == os.path.realpath(p), p
            for name in ("exists", "isfile", "isdir", "islink"):
                assert getattr(_os.path, name)(p) == getattr(os.path, name)(p), (name, p)
    finally:
        os.chdir(cwd)


def test_makedirs_as_os(tmp_path):
    target = tmp_path / "a" / "b" / "c"
    _os.makedirs(str(target) + "/")
    assert target.is_dir()
    _os.makedirs(str(target), exist_ok=True)
    with pytest.raises(FileExistsError):
        _os.makedirs(str(target))
    (tmp_path / "file").write_text("")
    with pytest.raises(FileExistsError):
        _os.makedirs(str(tmp_path / "file"), exist_ok=True)
    with pytest.raises(NotADirectoryError):
        _os.makedirs(str(tmp_path / "file" / "sub"), exist_ok=True)


def test_getenv_without_and_with_os():
    """Before os is imported, the start-up environment (decoded as os decodes it); after, os.environ,
    which the link server's child rewrites for each client."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import braze._os as o; "
            "a = (o.getenv('BRAZE_T1'), o.getenv('BRAZE_T2', 'dflt'), 'os' in sys.modules); "
            "import os; os.environ['BRAZE_T1'] = 'changed'; "
            "print(repr((a, o.getenv('BRAZE_T1'), o.path.realpath('.') == os.path.realpath('.'))))")
    env = {"PATH": os.environ.get("PATH", ""), "BRAZE_T1": "caf\u00e9 \udcff"}
    p = subprocess.run([sys.executable, "-E", "-S", "-c", code, os.path.join(REPO, "src")],
                       capture_output=True, text=True, env=env, errors="surrogateescape", check=True)
    # (braze's package __init__ imports _os, not os: os is still absent when the first values are read)
    assert p.stdout.strip() == repr((("caf\u00e9 \udcff", "dflt", False), "changed", True))


def test_other_names_are_the_real_os():
    assert _os.execvpe is os.execvpe and _os.path.getsize is posixpath.getsize
    assert _os.stat is os.stat and _os.path.sep == os.sep and _os.pathsep == os.pathsep
