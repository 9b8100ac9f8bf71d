"""--error-handling-script=SCRIPT, as ld.bfd 2.40 (Debian's build) runs it: `SCRIPT undefined-symbol NAME`
before each undefined-reference report (error or warning, not the "more undefined references" line),
`SCRIPT missing-lib NAME` before each "cannot find" of a searched input (-lNAME and -l:FILE as
`-lNAME`/`-l:FILE`, a linker script's INPUT/GROUP names as written). The script is looked up in PATH
(execvp, a file without `#!` run by /bin/sh), with stdin /dev/null, its stdout discarded and its
stderr the link's; its exit status is ignored. When it cannot be started bfd says so (a warning: -w
leaves only the `execvp: REASON` line) and the link goes on as without it."""
from __future__ import annotations

import errno
import shutil
import subprocess
import sys

from . import _os as os
from . import diag


def run(script: str, kind: str, name: str) -> None:
    sys.stderr.flush()
    try:
        if not script:
            raise FileNotFoundError(errno.ENOENT, "")        # (execvp of "")
        try:
            subprocess.run([script, kind, name], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        except OSError as e:
            if e.errno != errno.ENOEXEC:
                raise
            # execvp's fallback: a file without an interpreter line is a shell script
            path = script if "/" in script else (shutil.which(script) or script)
            subprocess.run(["/bin/sh", path, kind, name], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    except OSError as e:
        reason = f"execvp: {os.strerror(e.errno or errno.ENOENT)}"
        if diag.warnings_off():
            sys.stderr.write(reason + "\n")
        else:
            diag.warn(f"Failed to run error handling script '{script}', reason: {reason}", located=True)
    sys.stderr.flush()
