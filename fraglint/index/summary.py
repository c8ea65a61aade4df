"""Per-module summaries: everything the analysis needs from a file, without its syntax tree.

A summary is small, picklable and position-free. Every recorded syntax site (a call, a
decorator, a function name, a `with` item) gets an ordinal in the module; positions are
resolved later, and only for the files that report something (see `index.positions`).
That keeps the cold path to one parse and one pruned traversal per file.

A `Ref` is an expression written as a name chain: `st.sidebar.write` is
`("st", "sidebar", "write")`, `cols[0].write` is `("cols", "[]", "write")`,
`st.session_state["k"]` is `("st", "session_state", "['k']")` (see `key_part`) and
`st.container().write` is `("st", "container", "()", "write")`.
"""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass, field

Ref = tuple[str, ...]

CALL = "()"
ITEM = "[]"
MODULE_SCOPE = "<module>"  # the qualname of a module's top-level code, a pseudo-function
# Sites of top-level statement i start at i * STATEMENT_STRIDE + 1, or right after the
# previous statement's last site when that one had more sites than the stride.
STATEMENT_STRIDE = 1 << 16
# The shape of a summary: bumped whenever what a summary means changes, so that summary cache
# entries written before are ignored, never misread (see `index.cache.format_key`).
# 2: every definition of a redefined function kept (`f`, `f@<site>`), with `arms`.
# 3: `not hasattr(...)` arms and both arms of a conditional expression record feature checks.
SUMMARY_FORMAT = 3
# A function defined again in the same scope (`if ...: def f` / `else: def f`) keeps every
# definition: the first is `f`, each later one `f@<its name site>` (see `display_name`).
REDEFINED = "@"
LACKING = "!"  # see `FunctionSummary.feature_checks`


def redefined_qualname(qualname: str, site: int) -> str:
    """The qualname of a later definition of `qualname` whose name is at `site`."""
    return f"{qualname}{REDEFINED}{site}"


def display_name(qualname: str) -> str:
    """A qualname as users write it: `panel@812.<locals>.draw` -> `panel.<locals>.draw`."""
    if REDEFINED not in qualname:
        return qualname
    return ".".join(part.split(REDEFINED, 1)[0] for part in qualname.split("."))


def key_part(key: str) -> str:
    """The `Ref` part for a subscript with a literal string key: `x["k"]` -> `['k']`."""
    return f"[{key!r}]"


def literal_key(part: str) -> str | None:
    """The literal string key a `Ref` part holds (`['k']` -> `k`); None for `[]` or any other part."""
    if not (part.startswith("[") and part.endswith("]")) or part == ITEM:
        return None
    try:
        value = ast.literal_eval(part[1:-1])
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


class Kind(str, enum.Enum):
    """A closed set of kinds: equal to its old string and printed as it, so output is unchanged."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class ValueKind(Kind):
    REF = "ref"
    STR = "str"
    NUM = "num"
    BOOL = "bool"
    NONE = "none"
    LAMBDA = "lambda"
    TIMEDELTA = "timedelta"
    DICT = "dict"
    EMPTY = "empty"  # an empty list or tuple display: `[]`, `()`
    UNPACKED = "unpacked"  # `*args` in a call: any number of positional values, maybe none
    OTHER = "other"


class Use(Kind):
    """How the value of a call expression is used by the code around it."""

    DISCARDED = "discarded"  # a bare expression statement, or assigned to `_`
    ASSIGNED = "assigned"
    RETURNED = "returned"
    CONDITION = "condition"
    ARGUMENT = "argument"
    FORMATTED = "formatted"
    EXPRESSION = "expression"  # any other use inside a larger expression


DISCARDED = Use.DISCARDED
ASSIGNED = Use.ASSIGNED
RETURNED = Use.RETURNED
CONDITION = Use.CONDITION
ARGUMENT = Use.ARGUMENT
FORMATTED = Use.FORMATTED
EXPRESSION = Use.EXPRESSION


@dataclass(slots=True)
class Value:
    """An argument or assigned value, as far as a static reader can tell."""

    kind: ValueKind
    ref: Ref | None = None
    literal: object = None
    call_site: int | None = None  # site id when the value is itself a call
    site: int = 0  # the argument's own site, when the value is a call argument
    items: dict[str, Value] | None = None  # a dict display's string-keyed entries: `{"main": st.container()}`
    choices: tuple[Value, ...] | None = None  # `a if flag else b`: (a, b)
    # Feature detection: the value is chosen only where Streamlit lacks the attribute
    # `lacking` ("*": where a missing attribute was caught): the `else` of `hasattr(st, name)`,
    # the right of `getattr(st, name, None) or ...`, a binding in `except AttributeError:`.
    lacking: str | None = None


@dataclass(slots=True)
class CallSite:
    site: int
    func: Ref | None
    args: list[Value]
    kwargs: dict[str, Value]
    use: Use
    withs: tuple[int, ...]  # site ids of the enclosing `with` items in this scope, outermost first
    in_loop: bool
    in_branch: bool
    receiver_call: int | None = None  # site of the call inside `func`: `st.container()` in `st.container().write`
    # The enclosing `if`/`elif`/`while` arms in this scope, outermost first, as (condition
    # site, arm): arm 0 is the body, 1 the `else` (an `elif` is a nested `if` in arm 1).
    guards: tuple[tuple[int, int], ...] = ()


@dataclass(slots=True)
class Condition:
    """The test of an `if`, `elif` or `while`, reduced to what its body needs.

    `requires` holds the values that must all be truthy for the body to run: `if a and b is
    not None:` gives (a, b), `if "k" in st.session_state:` gives (st.session_state['k'],),
    `if (x := f()):` gives (f(),). A test of any other shape (`not`, `or`, a comparison) gives
    (): a static reader cannot say what it needs.
    """

    site: int
    requires: tuple[Value, ...] = ()
    # The two sides of a test that is one comparison (`a != b`, `a in b`, also under `not`):
    # (left, right), or () for a test of any other shape.
    compares: tuple[Value, ...] = ()
    # A `for` loop: `requires` is its iterable, which must be non-empty for the body to run.
    loop: bool = False
    # `not x` (also `while not q.empty():`): the value that must be falsy for the body to run.
    forbids: tuple[Value, ...] = ()


@dataclass(slots=True)
class WithItem:
    site: int
    ctx: Value
    parent: int | None  # enclosing with-item site in the same scope


@dataclass(slots=True)
class Binding:
    """`name = value` (or a `for`/`with ... as` target) inside one scope."""

    site: int
    value: Value
    unpack: int | None = None  # index when the target was a tuple: `a, b = st.columns(2)`
    iterated: bool = False  # bound by `for name in value`


@dataclass(slots=True)
class Decorator:
    site: int
    ref: Ref | None
    called: bool
    args: list[Value] = field(default_factory=list)
    kwargs: dict[str, Value] = field(default_factory=dict)
    # A decorator that is neither a name chain nor a call (`@(a if flag else b)`): its value.
    value: Value | None = None


@dataclass(slots=True)
class ImportBinding:
    """`import a.b as c` -> ImportBinding("a.b", None, 0); `from .x import y` -> ("x", "y", 1)."""

    module: str
    name: str | None
    level: int
    site: int


@dataclass(slots=True)
class ReturnSite:
    site: int
    has_value: bool
    value: Value | None = None


@dataclass(slots=True)
class FunctionSummary:
    qualname: str  # "render", "Dashboard.legend", "outer.<locals>.inner", MODULE_SCOPE
    name: str
    site: int  # the def's name site; 0 for the module scope
    params: list[str]
    decorators: list[Decorator]
    calls: list[CallSite] = field(default_factory=list)
    withs: dict[int, WithItem] = field(default_factory=dict)
    conditions: dict[int, Condition] = field(default_factory=dict)  # by site, see CallSite.guards
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    imports: dict[str, ImportBinding] = field(default_factory=dict)
    returns: list[ReturnSite] = field(default_factory=list)
    # attribute/item assignments: (site, target, guards as in CallSite.guards)
    stores: list[tuple[int, Ref, tuple[tuple[int, int], ...], Value]] = field(default_factory=list)
    globals: set[str] = field(default_factory=set)
    parent: str | None = None  # qualname of the enclosing function, None at module level
    class_name: str | None = None  # set for methods
    end_site: int = 0  # last site id inside the body, for "which code runs" line ranges
    # Feature detection: (first site, last site, name) of code that runs only where Streamlit
    # has the attribute `name` (`if hasattr(st, "fragment"):`), only where it lacks it (name
    # `LACKING + name`: the `else`), or, for name "*", whose missing attributes are caught (a
    # `try:` body with `except AttributeError:`).
    feature_checks: list[tuple[int, int, str]] = field(default_factory=list)
    is_async: bool = False  # an `async def`: calling it only makes a coroutine
    # The arms of this scope's own branching statements, as (first site, last site, branch,
    # arm, exclusive): `if`/`elif` (branch: its condition site; 0 the body, 1 the `else`) and
    # `match` cases are exclusive (one arm runs); `try` (0 the body and `else`, 1.. each
    # handler), `for` and `while` (0 the body, 1 the `else`) are not. Which definition of a
    # redefined name reaches a use is read from them (see `ProjectIndex.reaching`).
    arms: list[tuple[int, int, int, int, bool]] = field(default_factory=list)


@dataclass(slots=True)
class ClassSummary:
    name: str
    qualname: str
    site: int
    bases: list[Ref]
    methods: dict[str, str]  # method name -> function qualname
    attributes: dict[str, list[tuple[str, Value]]] = field(default_factory=dict)  # self.x = ... in methods


@dataclass(slots=True)
class ModuleSummary:
    path: str
    functions: dict[str, FunctionSummary]  # includes MODULE_SCOPE
    classes: dict[str, ClassSummary]
    mentions_streamlit: bool = False
    # Where each top-level statement starts (its first line) and the site after its last one,
    # so that a reported site is placed by parsing only its statement again (index/facts.py);
    # empty when not known (a buffer parsed in chunks, a file parsed in a child process).
    statement_lines: tuple[int, ...] = field(default=(), compare=False)
    statement_ends: tuple[int, ...] = field(default=(), compare=False)

    @property
    def module_scope(self) -> FunctionSummary:
        return self.functions[MODULE_SCOPE]
