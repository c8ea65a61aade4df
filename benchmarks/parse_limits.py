"""How deep and how long a construct libcst's native parser survives, shape by shape.

fraglint refuses a file (FRG003 `analysis-limit`) before libcst sees it when it is deeper
than `guard.MAX_DEPTH`, and parses it in a child under a deadline when its estimated cost is
superlinear (`fraglint/index/guard.py`). Those bounds come from this experiment: for each
shape, sizes double until the child process that parses the text crashes (a signal: libcst's
Rust parser overflows its stack), raises, or needs more than `--timeout` CPU seconds; each
child also times the three stages fraglint runs (libcst parse, positions, summary walk) at
the recursion limit fraglint uses, and reports CPython's verdict and the guard's measure and
verdict, so each bound can be read against the shape that sets it.

    python benchmarks/parse_limits.py                     # every shape (an hour at load 12)
    python benchmarks/parse_limits.py --shapes unary,elif --max 64000 --timeout 20
    python benchmarks/parse_limits.py --list

Every run is a subprocess: a crash kills the child, never this script.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def _indent_nest(head: str, n: int, body: str = "pass") -> str:
    return "".join(" " * i + head + "\n" for i in range(n)) + " " * n + body + "\n"


SHAPES = {
    # expression depth
    "parens": lambda n: "x = " + "(" * n + "1" + ")" * n + "\n",
    "unary": lambda n: "x = " + "-" * n + "1\n",
    "unary_lines": lambda n: "x = (\n" + "-\n" * n + "1)\n",
    "not": lambda n: "x = " + "not " * n + "y\n",
    "lambda": lambda n: "f = " + "lambda: " * n + "1\n",
    "ternary": lambda n: "x = " + "a if b else " * n + "c\n",
    "attribute": lambda n: "x = a" + ".b" * n + "\n",
    "subscript": lambda n: "x = a" + "[0]" * n + "\n",
    "call_chain": lambda n: "x = f" + "()" * n + "\n",
    "power": lambda n: "x = " + " ** ".join(["2"] * n) + "\n",
    "sum": lambda n: "x = " + " + ".join(["1"] * n) + "\n",
    "sum_lines": lambda n: "x = (\n" + "\n".join(["1 +"] * n) + "\n1)\n",
    "and": lambda n: "x = " + " and ".join(["a"] * n) + "\n",
    "compare": lambda n: "x = " + " < ".join(["a"] * n) + "\n",
    "concat": lambda n: "x = (\n" + "\n".join(['"ab"'] * n) + "\n)\n",
    "concat_plus": lambda n: "x = (\n" + "\n+ ".join(['"ab"'] * n) + "\n)\n",
    "comp_for": lambda n: "x = [a " + "for a in b " * n + "]\n",
    "comp_if": lambda n: "x = [a for a in b " + "if a " * n + "]\n",
    "fstring": lambda n: "x = " + 'f"{' * n + "1" + '}"' * n + "\n",  # quote reuse: 3.12+ syntax
    "dotted_import": lambda n: "import " + ".".join(["a"] * n) + "\n",
    # statement depth
    "ifs": lambda n: _indent_nest("if x:", min(n, 99)),  # Python allows 100 levels of indentation
    "defs": lambda n: _indent_nest("def f():", min(n, 99)),
    "elif": lambda n: "if a:\n    pass\n" + "elif a:\n    pass\n" * n,
    "decorators": lambda n: "@d\n" * n + "def f():\n    pass\n",
    "try_handlers": lambda n: "try:\n    pass\n" + "except E:\n    pass\n" * n,
    "match_or": lambda n: "match x:\n    case " + " | ".join(["1"] * n) + ":\n        pass\n",
    # flat size
    "sum_wide": lambda n: "x = " + " + ".join(["[" + "1, " * 50 + "]"] * n) + "\n",  # deep and wide
    "sums_200": lambda n: "".join(f"x{i} = " + " + ".join(["1"] * n) + "\n" for i in range(200)),
    "list": lambda n: "x = [\n" + "1,\n" * n + "]\n",
    "dict": lambda n: "x = {\n" + "".join(f"'k{i}': {i},\n" for i in range(n)) + "}\n",
    "call_args": lambda n: "f(\n" + "a,\n" * n + ")\n",
    "tuple": lambda n: "x = " + ", ".join(["1"] * n) + "\n",
    "assign_chain": lambda n: "a = " * n + "1\n",
    "statements": lambda n: "x = 1\n" * n,
}


def _child(shape: str, size: int) -> None:
    """Parse one text the way fraglint does; print one JSON line of stage timings."""
    import ast

    from fraglint.index import guard

    text = SHAPES[shape](size)
    report: dict = {}
    started = time.process_time()
    try:
        tree = ast.parse(text)
        report["cpython"] = "ok"
        report["measure"] = dataclasses.asdict(guard.measure(tree))
    except SyntaxError as error:
        report["cpython"] = f"SyntaxError: {error.msg}"
    except (RecursionError, MemoryError) as error:
        report["cpython"] = type(error).__name__
    report["ast_s"] = round(time.process_time() - started, 3)
    report["guard"] = _guard_verdict(text)
    print(json.dumps(report), flush=True)  # printed before libcst runs: a crash keeps it
    import libcst as cst

    from fraglint.index.loader import _RECURSION_LIMIT, compute_positions
    from fraglint.index.visitor import SummaryVisitor

    sys.setrecursionlimit(_RECURSION_LIMIT)
    for stage in ("parse", "positions", "walk"):
        started = time.process_time()
        try:
            if stage == "parse":
                module = cst.parse_module(text)
            elif stage == "positions":
                positions = compute_positions(module)
            else:
                SummaryVisitor("x.py", positions).summarize(module)
        except Exception as error:  # the experiment records whatever libcst raises
            print(json.dumps({stage: f"{type(error).__name__}: {str(error)[:60]}"}), flush=True)
            return
        print(json.dumps({f"{stage}_s": round(time.process_time() - started, 3)}), flush=True)


def _guard_verdict(text: str) -> str:
    from fraglint.index import guard

    admitted = guard.admit("x.py", text)
    if isinstance(admitted, guard.InputProblem):
        return admitted.name
    return "contained" if admitted.contained else "in-process"


def _limit_cpu(seconds: float):
    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_CPU, (int(seconds), int(seconds) + 1))

    return limit


def run_one(shape: str, size: int, timeout: float) -> dict:
    """One child; `timeout` is CPU seconds (fair on a busy machine), with a wall backstop of 10x."""
    command = [sys.executable, os.path.abspath(__file__), "--child", shape, str(size)]
    result: dict = {"size": size}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout * 10, preexec_fn=_limit_cpu(timeout))
        output, code = done.stdout, done.returncode
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout.decode() if isinstance(expired.stdout, bytes) else (expired.stdout or "")
        code = None
    for line in output.splitlines():
        result.update(json.loads(line))
    if code is None:
        result["outcome"] = f"timeout>{timeout:.0f}s"
    elif code in (-signal.SIGXCPU, -signal.SIGKILL):
        result["outcome"] = f"cpu>{timeout:.0f}s"
    elif code < 0:
        result["outcome"] = f"signal {-code}"
    elif code != 0:
        result["outcome"] = f"exit {code}"
    else:
        failed = [stage for stage in ("parse", "positions", "walk") if stage in result]
        result["outcome"] = f"{failed[0]} raised" if failed else "ok"
    return result


def _row(shape: str, result: dict) -> str:
    measure = result.get("measure") or {}
    stages = " ".join(f"{k[:-2]}={result[k]:.2f}" for k in ("parse_s", "positions_s", "walk_s") if k in result)
    return (
        f"{shape:14s} {result['size']:>7d}  {result['outcome']:16s} cpython={result.get('cpython', '?')[:28]:28s} "
        f"depth={measure.get('depth', '-')!s:>6} cost={measure.get('cost', '-')!s:>9} "
        f"guard={result.get('guard', '?'):15s} {stages}"
        + (f"  {_error(result)}" if _error(result) else "")
    )


def _error(result: dict) -> str:
    for stage in ("parse", "positions", "walk"):
        if stage in result:
            return result[stage].splitlines()[0][:70]
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--start", type=int, default=250)
    parser.add_argument("--max", type=int, default=64_000)
    parser.add_argument("--timeout", type=float, default=20.0, help="CPU seconds per child")
    parser.add_argument("--parse-only", action="store_true", help="go on until libcst's parse itself fails")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], int(args.child[1]))
        return
    if args.list:
        print("\n".join(SHAPES))
        return
    for shape in args.shapes.split(","):
        size = args.start
        while size <= args.max:
            if size > args.start and SHAPES[shape](size) == SHAPES[shape](size // 2):
                break  # a shape capped below this size
            result = run_one(shape, size, args.timeout)
            print(_row(shape, result), flush=True)
            failed = result["outcome"] != "ok"
            if args.parse_only:
                failed = "parse_s" not in result
            if failed:
                break
            size *= 2


if __name__ == "__main__":
    main()
