"""What a name chain refers to (`Target`), and how a function is named across the project.

These are the answers `ProjectIndex.resolve` gives: plain, hashable values that the model and
the rules pass around and compare. They live apart from the index that computes them so the
index module stays about resolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from fraglint.index.summary import ITEM, Kind, Ref


class TargetKind(Kind):
    """What kind of thing a name chain refers to (see `Target`)."""

    STREAMLIT = "streamlit"
    FUNCTION = "function"
    CLASS = "class"
    INSTANCE = "instance"
    MODULE = "module"
    PARAM = "param"
    DICT = "dict"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Target:
    """What a name chain refers to.

    kind:
      "streamlit"  name is the API path after `streamlit.` ("sidebar.write", "fragment", "")
      "function"   a project function or method; name is its qualname in `path`
      "class"      a project class; "instance" an instance of it
      "module"     a project module (`path`), or a package directory without `__init__`
      "param"      a parameter `name` of function `scope` in `path`
      "dict"       a dict display bound to `name` in function `scope` of `path`, at binding site `call[1]`
      "unknown"    anything a static reader cannot pin down
    rest: the part of the chain left after the target (`("()", "write")` for
    `st.container().write`). origin: (path, scope) where a Streamlit value was created by a call.
    call: (path, site) of the call that produced the value, when the chain went through one.
    alternatives: see the field.
    """

    kind: TargetKind
    name: str = ""
    path: str | None = None
    scope: str | None = None
    rest: Ref = ()
    origin: tuple[str, str] | None = None
    call: tuple[str, int] | None = None
    # A "function" whose name is bound by several definitions (`if ...: def f` / `else: def
    # f`): the qualnames of the others that may be the one called (`name` is the last).
    alternatives: tuple[str, ...] = ()

    def but(self, **changes) -> Target:
        """A copy with some fields changed (dataclasses.replace is several times slower)."""
        fields: dict[str, Any] = {
            "kind": self.kind, "name": self.name, "path": self.path, "scope": self.scope,
            "rest": self.rest, "origin": self.origin, "call": self.call, "alternatives": self.alternatives,
        }
        fields.update(changes)
        return Target(**fields)

    @property
    def is_streamlit(self) -> bool:
        return self.kind == TargetKind.STREAMLIT

    def api(self) -> str | None:
        """The Streamlit API path when the chain is a plain attribute path, else None."""
        return self.name if self.kind == TargetKind.STREAMLIT and not self.rest else None

    def definitions(self) -> tuple[str, ...]:
        """Every qualname a "function" target may be, in the order they are defined."""
        return (*self.alternatives, self.name)

    def one_item(self) -> Target:
        """One item of what this names (`a, b = x`, `for a in x`): known for a Streamlit result or a parameter."""
        if (self.kind == TargetKind.STREAMLIT and self.rest) or self.kind == TargetKind.PARAM:
            return self.but(rest=self.rest + (ITEM,))
        return UNKNOWN


UNKNOWN = Target(TargetKind.UNKNOWN)


class FunctionKey(NamedTuple):
    """A function (or a module's top-level code, `MODULE_SCOPE`) across the project."""

    path: str
    qualname: str
