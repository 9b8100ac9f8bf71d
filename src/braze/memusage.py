"""--print-memory-usage: bfd's table of the script's MEMORY regions (used size, region size, share
used) on stdout, after the layout; only its header without MEMORY."""
from __future__ import annotations

import sys


def _size(n: int) -> str:
    """bfd's lang_print_memory_size: the largest unit (GB, MB, KB) that divides the size exactly."""
    if n & 0x3fffffff == 0:
        return f"{n >> 30:10d} GB"
    if n & 0xfffff == 0:
        return f"{n >> 20:10d} MB"
    if n & 0x3ff == 0:
        return f"{n >> 10:10d} KB"
    return f" {n:10d} B"        # (one more space: aligned with the two-letter units)


def print_memory_usage(ctx) -> None:
    lines = ["Memory region         Used Size  Region Size  %age Used"]
    for name, used, length in getattr(ctx, "memory_usage", ()):
        line = f"{name:>16s}: {_size(used)}{_size(length)}"
        if length:
            line += f"    {used * 100.0 / length:6.2f}%"
        lines.append(line)
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
