"""Empty lists, sets and dicts that refuse to change, so that one of each serves every summary.

A decoded summary holds hundreds of thousands of empty containers (at 5,000 files: 151,000
calls without keywords, 48,000 without arguments, a set of `global` names per function), each
a separate object of 56-216 bytes if decoded naively. Summaries are read-only once built, so
the decoder (`serialize`) hands out these shared ones instead. They are subclasses, so they
are lists, sets and dicts to every reader and to the type checker; a mutation, which would
silently change every summary at once, raises instead.
"""

from __future__ import annotations

from typing import Any, NoReturn


def _refuse(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
    raise TypeError(f"a decoded summary's empty {type(self).__mro__[1].__name__} is shared and read-only")


class FrozenEmptyList(list):
    """An empty list that stays empty."""

    __slots__ = ()


class FrozenEmptySet(set):
    """An empty set that stays empty."""

    __slots__ = ()


class FrozenEmptyDict(dict):
    """An empty dict that stays empty."""

    __slots__ = ()


_MUTATORS: dict[type, tuple[str, ...]] = {
    FrozenEmptyList: (
        "append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse",
        "__setitem__", "__delitem__", "__iadd__", "__imul__",
    ),
    FrozenEmptySet: (
        "add", "update", "discard", "remove", "pop", "clear", "intersection_update",
        "difference_update", "symmetric_difference_update", "__ior__", "__iand__", "__isub__", "__ixor__",
    ),
    FrozenEmptyDict: ("__setitem__", "__delitem__", "setdefault", "update", "pop", "popitem", "clear", "__ior__"),
}
for _kind, _names in _MUTATORS.items():
    for _name in _names:
        setattr(_kind, _name, _refuse)

EMPTY_LIST: list[Any] = FrozenEmptyList()
EMPTY_SET: set[Any] = FrozenEmptySet()
EMPTY_DICT: dict[Any, Any] = FrozenEmptyDict()
# The shared empty value of each decoded collection type (tuples are shared by CPython itself).
SHARED_EMPTY: dict[type, Any] = {list: EMPTY_LIST, set: EMPTY_SET, dict: EMPTY_DICT}
