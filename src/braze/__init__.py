"""braze: a GNU-compatible ELF linker for x86-64 Linux.

Public API: ``braze.link(config) -> LinkResult`` and ``braze.cli.parse_args(argv) -> Config``.
"""
from __future__ import annotations

__version__ = "0.1.0"


def link(config):
    from .link import link as _link
    return _link(config)
