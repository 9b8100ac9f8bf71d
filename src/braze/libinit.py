"""The library-init entry (`_rt0_amd64_linux_lib`) and --lib-main. See issue 3; wired in prepare()."""
from __future__ import annotations


def prepare(ctx) -> None:
    """Hook run after symbol resolution; adds the init entry for -shared links (not yet implemented)."""
    return None
