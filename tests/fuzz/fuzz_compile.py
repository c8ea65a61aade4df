"""Child process: does the running interpreter compile each file? The ground truth for FRG001.

Reads paths (one per line) on stdin and prints one JSON line per path as soon as it is known,
flushed, so that when `compile()` itself crashes or hangs on a file the parent still has every
answer before it and knows which file did it. Run by `fuzz_runner.compile_check`, never imported
by the harness: a crash here must not take the harness down.
"""

from __future__ import annotations

import json
import sys


def verdict(path: str) -> dict:
    """`{"path", "ok", "error"}`: compiled as a module with no inherited `__future__` flags."""
    try:
        with open(path, "rb") as handle:
            source = handle.read()
        compile(source, path, "exec", dont_inherit=True)
    except BaseException as error:  # SyntaxError, ValueError (NUL), UnicodeDecodeError, RecursionError, ...
        if isinstance(error, KeyboardInterrupt):
            raise
        return {"path": path, "ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    return {"path": path, "ok": True, "error": ""}


def main() -> None:
    for line in sys.stdin:
        path = line.rstrip("\n")
        if path:
            print(json.dumps(verdict(path)), flush=True)


if __name__ == "__main__":
    main()
