"""Module summaries as plain JSON values and back, checked field by field.

The summary cache may be read from a directory someone else wrote (a pull request can commit
one), so what it stores must be data that cannot run code: no pickle, no marshal. This codec
is derived from the dataclasses' fields and annotations, so it follows them when they change,
and it is strict both ways: a value that does not match its annotation exactly (a bool where
an int belongs, a missing field, an unknown enum value) raises `Invalid`, never half-decodes.

A dataclass is a JSON array of its field values in declaration order (`compact`, the default:
the smallest and fastest to read, see benchmarks/README.md) or an object keyed by field name.
An `enum.Enum` is its value; `object` (a literal's value) is a JSON scalar; a set is a sorted
list; a dict whose keys are not strings is a flat list `[key, value, key, value, ...]`; a
union of several dataclasses is `[class name, value]`.

Decoding is most of what a warm check spends reading the cache, and every summary of a
project stays in memory at once: so a dataclass's decoder is written out once from its
annotations (as `dataclasses` writes `__init__`), decoded strings are interned, equal tuples
of strings are one object, equal integers are one object (site ids: 1.2 million of them in
5,000 summaries, a few thousand distinct values) and every empty list, set or dict decoded is
one shared object that refuses to change (most calls have no keywords; see `frozen`).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
import sys
import types
import typing
from collections.abc import Callable
from typing import Any

from fraglint.index.frozen import EMPTY_DICT, SHARED_EMPTY

Coder = Callable[[Any], Any]

_SCALARS = (type(None), bool, int, float, str)


class Invalid(ValueError):
    """The value does not have the shape its annotation asks for."""


class Codec:
    """Encoders and decoders compiled once per type, from the annotations."""

    def __init__(self, compact: bool = True) -> None:
        self.compact = compact
        self._encoders: dict[Any, Coder] = {}
        self._decoders: dict[Any, Coder] = {}

    def encode(self, kind: Any, value: Any) -> Any:
        """`value` as JSON-ready lists, dicts and scalars; `Invalid` if it does not fit `kind`."""
        return self._coder(kind, self._encoders, encode=True)(value)

    def decode(self, kind: Any, plain: Any) -> Any:
        """The value of type `kind` that `plain` encodes; `Invalid` if it is not exactly one."""
        if len(_INTS) >= _SHARED_LIMIT:
            _INTS.clear()
        return self._coder(kind, self._decoders, encode=False)(plain)

    def dumps(self, kind: Any, value: Any) -> bytes:
        return json.dumps(self.encode(kind, value), separators=(",", ":"), allow_nan=True).encode("ascii")

    def loads(self, kind: Any, data: bytes) -> Any:
        """Decode UTF-8 JSON `data`; every failure (bad bytes, bad JSON, bad shape) is `Invalid`."""
        try:
            return self.decode(kind, json.loads(data.decode("utf-8")))
        except Invalid:
            raise
        except (ValueError, TypeError, RecursionError, MemoryError) as error:
            raise Invalid(f"{type(error).__name__}: {error}") from None

    # -- compiling ----------------------------------------------------------------------------

    def _coder(self, kind: Any, memo: dict[Any, Coder], encode: bool) -> Coder:
        found = memo.get(kind)
        if found is None:
            # A recursive type (`Value.items` holds `Value`s) finds this forwarder while its
            # own coder is being built.
            memo[kind] = lambda value: built(value)
            try:
                built = self._build(kind, memo, encode)
            except TypeError:
                memo.clear()  # coders built meanwhile may hold the forwarder
                raise
            memo[kind] = found = built
        return found

    def _build(self, kind: Any, memo: dict[Any, Coder], encode: bool) -> Coder:
        def inner(sub: Any) -> Coder:
            return self._coder(sub, memo, encode)

        leaf = _leaf_coder(kind, encode)
        if leaf is not None:
            return leaf
        if isinstance(kind, type) and dataclasses.is_dataclass(kind):
            return _dataclass_coder(kind, inner, self.compact, encode)
        return _generic_coder(kind, inner, encode)


def _leaf_coder(kind: Any, encode: bool) -> Coder | None:
    """The coder of a scalar or an enum kind; None for any other kind."""
    if kind is Any or kind is object:
        return _scalar(_SCALARS, interned=not encode)
    if kind is None or kind is type(None):
        return _scalar((type(None),))
    if kind in (bool, int, float, str):
        return _scalar((kind,), interned=not encode)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return _enum_encoder(kind) if encode else _enum_decoder(kind)
    return None


def _generic_coder(kind: Any, inner: Callable[[Any], Coder], encode: bool) -> Coder:
    """The coder of a union, a collection or a dict, built from its arguments' coders."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        return _union_coder(args, inner, encode)
    if origin in (list, set, frozenset) or (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
        return _sequence_coder(origin, inner(args[0]), encode)
    if origin is tuple:
        return _fixed_tuple_coder([inner(arg) for arg in args], encode)
    if origin is dict:
        return _dict_coder(args[0], inner(args[0]), inner(args[1]), encode)
    raise TypeError(f"no JSON form for {kind!r}")


def _fail(expected: str, value: Any) -> typing.NoReturn:
    raise Invalid(f"expected {expected}, got {type(value).__name__}")


# The types each scalar coder lets through, so that lists and tuples of scalars (the most
# common values in a summary: refs, site ids, names) are checked at once, not item by item.
_SCALAR_TYPES: dict[Coder, frozenset[type]] = {}
# The decoders that intern the strings they let through: a summary repeats the same few names
# (`st`, `write`, qualnames) thousands of times, and 5,000 summaries kept in memory would
# otherwise hold a copy of each (see `_shared`).
_INTERNING: set[Coder] = set()
# The decoders whose equal values are shared (see `_shareable`), and the scalar kinds whose
# equal values are alike (not `object`: 1 == 1.0 == True).
_SHAREABLE: set[Coder] = set()
_ALIKE_WHEN_EQUAL = tuple(frozenset(kinds) for kinds in ({int}, {str}, {bool}, {int, type(None)}, {str, type(None)}, {bool, type(None)}))


@functools.cache
def _scalar(allowed: tuple[type, ...], interned: bool = False) -> Coder:
    """The same both ways; `type(...) in` so that True is not taken for an int."""
    names = " or ".join(kind.__name__ for kind in allowed)

    def check(value: Any) -> Any:
        if type(value) not in allowed:
            _fail(names, value)
        return value

    def check_interned(value: Any) -> Any:
        kind = type(value)
        if kind not in allowed:
            _fail(names, value)
        if kind is str:
            return sys.intern(value)
        return _shared_int(value, value) if kind is int else value

    coder = check_interned if interned and (str in allowed or int in allowed) else check
    _SCALAR_TYPES[coder] = frozenset(allowed)
    if coder is check_interned:
        _INTERNING.add(coder)
    return coder


_SHARED: dict[tuple[str, ...], tuple[str, ...]] = {}
_SHARED_LIMIT = 1 << 16  # a long-lived process (the language server) keeps this many at most
# One object per decoded integer value: sites are `statement * STATEMENT_STRIDE + n`, so the
# same few thousand values recur in every module (never small enough for CPython's own cache).
_INTS: dict[int, int] = {}
_shared_int = _INTS.setdefault


def _shared_strings(plain: list[str]) -> tuple[str, ...]:
    """One object for equal decoded tuples of strings (`("st", "write")` appears everywhere).
    Strings only: `(1,) == (True,) == (1.0,)`, so tuples of other scalars are never shared."""
    value = tuple(plain)
    found = _SHARED.get(value)
    if found is None:
        if len(_SHARED) >= _SHARED_LIMIT:
            _SHARED.clear()
        found = _SHARED[value] = tuple(map(sys.intern, plain))
    return found


def _enum_encoder(kind: type[enum.Enum]) -> Coder:
    def encode(value: Any) -> Any:
        if type(value) is not kind or type(value.value) not in _SCALARS:
            _fail(kind.__name__, value)
        return value.value

    return encode


def _enum_decoder(kind: type[enum.Enum]) -> Coder:
    # A lookup: `kind(plain)` is slow, and so is `member.value` (a descriptor), hence its type here.
    members = {member.value: (member, type(member.value)) for member in kind}

    def decode(plain: Any) -> Any:
        found = members.get(plain) if type(plain) in _SCALARS else None
        if found is None or found[1] is not type(plain):  # 1 finds the member of True
            raise Invalid(f"{plain!r} is not a {kind.__name__}")
        return found[0]

    return decode


def _dataclass_coder(kind: type, inner: Callable[[Any], Coder], compact: bool, encode: bool) -> Coder:
    hints = typing.get_type_hints(kind)
    fields = [(field.name, inner(hints[field.name])) for field in dataclasses.fields(kind) if field.init]
    if encode:
        def encode_fields(value: Any) -> Any:
            if type(value) is not kind:
                _fail(kind.__name__, value)
            if compact:
                return [coder(getattr(value, name)) for name, coder in fields]
            return {name: coder(getattr(value, name)) for name, coder in fields}

        return encode_fields
    coders = [coder for _, coder in fields]

    def decode_array(plain: Any) -> Any:
        if type(plain) is not list or len(plain) != len(coders):
            _fail(f"{kind.__name__} as a list of {len(coders)}", plain)
        return kind(*[coder(item) for coder, item in zip(coders, plain, strict=True)])

    if compact and coders:
        return _written_out_decoder(kind, coders)

    def decode_object(plain: Any) -> Any:
        if type(plain) is not dict or len(plain) != len(fields):
            _fail(f"{kind.__name__} as an object of {len(fields)} fields", plain)
        try:
            return kind(**{name: coder(plain[name]) for name, coder in fields})
        except KeyError as missing:
            raise Invalid(f"{kind.__name__} lacks field {missing}") from None

    return decode_array if compact else decode_object


def _written_out_decoder(kind: type, coders: list[Coder]) -> Coder:
    """`decode_array` written out for one dataclass, the way `dataclasses` writes `__init__`:
    the fields unpacked, a scalar checked in line, an absent optional value passed as is,
    so that decoding a summary's hundred thousand objects makes one call each, not one per
    field. The source is made from the class's annotations alone, never from decoded data."""
    namespace: dict[str, Any] = {"kind": kind, "fail": _fail, "intern": sys.intern, "ints": _shared_int}
    namespace["expected"] = f"{kind.__name__} as a list of {len(coders)}"
    values = []
    for i, coder in enumerate(coders):
        namespace[f"c{i}"] = coder
        allowed, present = _SCALAR_TYPES.get(coder), _OPTIONAL.get(coder)
        if allowed is not None and coder in _INTERNING and str not in allowed:
            values.append(f"ints(v{i}, v{i}) if type(v{i}) is int else c{i}(v{i})")
        elif allowed is not None and coder in _INTERNING:
            values.append(f"intern(v{i}) if type(v{i}) is str else c{i}(v{i})")
        elif allowed is not None:
            namespace[f"t{i}"] = allowed
            values.append(f"v{i} if type(v{i}) in t{i} else c{i}(v{i})")
        elif present is not None:
            namespace[f"p{i}"] = present
            values.append(f"None if v{i} is None else p{i}(v{i})")
        else:
            values.append(f"c{i}(v{i})")
    names = "".join(f"v{i}, " for i in range(len(coders)))
    source = (
        "def decode(plain):\n"
        f"    if type(plain) is not list or len(plain) != {len(coders)}:\n"
        "        fail(expected, plain)\n"
        f"    {names}= plain\n"
        f"    return kind({', '.join(f'({value})' for value in values)})\n"
    )
    exec(source, namespace)  # the source is ours: names and checks from the annotations
    return namespace["decode"]


# Optional coders of one non-scalar kind -> the coder of the value when present.
_OPTIONAL: dict[Coder, Coder] = {}


def _union_coder(args: tuple[Any, ...], inner: Callable[[Any], Coder], encode: bool) -> Coder:
    members = [arg for arg in args if arg is not type(None)]
    optional = len(members) < len(args)
    if len(members) == 1:
        one = inner(members[0])
        if one in _SCALAR_TYPES:
            return _scalar(tuple(_SCALAR_TYPES[one] | {type(None)}), interned=one in _INTERNING)
        if not optional:
            return one

        def optional_one(value: Any) -> Any:
            return None if value is None else one(value)

        if encode is False:
            _OPTIONAL[optional_one] = one
        return optional_one
    if not all(dataclasses.is_dataclass(member) for member in members):
        raise TypeError(f"no JSON form for a union of {args!r}: only dataclasses can be told apart")
    by_type = {member: inner(member) for member in members}
    by_name = {member.__name__: coder for member, coder in by_type.items()}

    def encode_tagged(value: Any) -> Any:
        if value is None and optional:
            return None
        coder = by_type.get(type(value))
        return [type(value).__name__, coder(value)] if coder else _fail(" or ".join(by_name), value)

    def decode_tagged(plain: Any) -> Any:
        if plain is None and optional:
            return None
        if type(plain) is not list or len(plain) != 2 or type(plain[0]) is not str or plain[0] not in by_name:
            _fail(f"[tag, value] with a tag in {sorted(by_name)}", plain)
        return by_name[plain[0]](plain[1])

    return encode_tagged if encode else decode_tagged


def _sequence_coder(origin: type[Any], item: Coder, encode: bool) -> Coder:
    empty = SHARED_EMPTY.get(origin)
    if encode:
        def encode_items(value: Any) -> Any:
            if type(value) is not origin and (empty is None or value is not empty):
                _fail(origin.__name__, value)
            items = [item(element) for element in value]
            # Sets are written sorted, so that equal summaries give equal bytes.
            return sorted(items, key=json.dumps) if origin in (set, frozenset) else items

        return encode_items

    def decode_items(plain: Any) -> Any:
        if type(plain) is not list:
            _fail(f"a list for a {origin.__name__}", plain)
        if not plain and empty is not None:
            return empty
        if len(plain) == 1 and origin is list:  # most lists: a display is one slot, a comprehension four
            return [item(plain[0])]
        items = [item(element) for element in plain]
        return items if origin is list else origin(items)

    scalars = _SCALAR_TYPES.get(item)
    if scalars is None:
        return _shared_tuples(decode_items) if origin is tuple and _shareable(item) else decode_items

    interning = item in _INTERNING
    strings = interning and scalars == {str}
    ints = interning and scalars == {int}

    def decode_scalars(plain: Any) -> Any:
        if type(plain) is not list or not scalars.issuperset(map(type, plain)):
            return decode_items(plain)  # which says what is wrong
        if not plain and empty is not None:
            return empty
        if strings and origin is tuple:
            return _shared_strings(plain)
        if ints:
            plain = list(map(_shared_int, plain, plain))
        elif interning:
            plain = list(map(sys.intern, plain)) if strings else [item(element) for element in plain]
        return plain if origin is list else origin(plain)

    if origin is not tuple or not _shareable(item):
        return decode_scalars
    if strings:  # already one object per value (`_shared_strings`)
        _SHAREABLE.add(decode_scalars)
        return decode_scalars
    return _shared_tuples(decode_scalars)


def _fixed_tuple_coder(items: list[Coder], encode: bool) -> Coder:
    def code(value: Any) -> Any:
        if type(value) is not (tuple if encode else list) or len(value) != len(items):
            _fail(f"{'a tuple' if encode else 'a list'} of {len(items)}", value)
        coded = [coder(element) for coder, element in zip(items, value, strict=True)]
        return coded if encode else tuple(coded)

    return code if encode or not all(map(_shareable, items)) else _shared_tuples(code)


def _shareable(coder: Coder) -> bool:
    """Whether equal values `coder` decodes may be one object: hashable, and equal only when
    alike (an `int` position never holds True, so `(1, 0)` cannot meet `(True, False)`)."""
    return coder in _SHAREABLE or _SCALAR_TYPES.get(coder) in _ALIKE_WHEN_EQUAL


def _shared_tuples(decode: Coder) -> Coder:
    """`decode`, giving one object for equal tuples: a call's guards `((site, arm), ...)` and
    `with` sites repeat across calls and modules (300,000 tuples, 27,000 distinct at 5,000 files)."""
    table: dict[tuple, tuple] = {}

    def decode_shared(plain: Any) -> Any:
        found = decode(plain)
        if len(table) >= _SHARED_LIMIT:
            table.clear()
        return table.setdefault(found, found)

    _SHAREABLE.add(decode_shared)
    return decode_shared


def _dict_coder(key_kind: Any, key: Coder, value: Coder, encode: bool) -> Coder:
    if key_kind is str:
        # JSON object keys are always strings: only the values need checking on the way in.
        def code_object(mapping: Any) -> Any:
            if type(mapping) is not dict and mapping is not EMPTY_DICT:
                _fail("a dict", mapping)
            if not mapping and not encode:
                return EMPTY_DICT
            return {key(k): value(v) for k, v in mapping.items()}

        return code_object
    if encode:
        def encode_flat(mapping: Any) -> Any:
            if type(mapping) is not dict and mapping is not EMPTY_DICT:
                _fail("a dict", mapping)
            return [coded for k, v in mapping.items() for coded in (key(k), value(v))]

        return encode_flat

    def decode_flat(plain: Any) -> Any:
        if type(plain) is not list or len(plain) % 2:
            _fail("a flat list of keys and values", plain)
        if not plain:
            return EMPTY_DICT
        pairs = iter(plain)
        found = {key(k): value(v) for k, v in zip(pairs, pairs, strict=False)}  # one iterator, read in pairs
        if len(found) * 2 != len(plain):
            raise Invalid("a key appears twice")
        return found

    return decode_flat


SUMMARY_CODEC = Codec()
