"""Facts a link notes as it runs, for the Python API, --size-map and --reproduce (see model.py).
A module of its own so that every link imports only this."""
from __future__ import annotations


class Record:
    """Facts noted during the link that the output alone does not keep (archive members and the
    symbols that pulled them in are ctx.extracted, kept by the reader)."""
    __slots__ = ("undefined", "opened_files")

    def __init__(self):
        self.undefined: list = []   # (symbol name, [reference places]) reported as errors
        self.opened_files: list = []   # every input file opened, in order (for --reproduce)

    def opened(self, path: str) -> None:
        self.opened_files.append(path)
