"""conda's grammars: the `dependencies` list of an `environment.yml`, and conda match specs.

`model.declarations` reads the files; this module only turns their text into items and PEP 440
specifier sets (`=1.45` is conda's fuzzy 1.45.*), so the reader stays one short function.
The YAML is read line by line: only the top-level `dependencies` list and its `pip:` list matter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from packaging.specifiers import SpecifierSet
from packaging.version import Version


def environment_items(text: str) -> Iterator[tuple[int, str, bool]]:
    """(line, item, inside the pip list) for each item of the top-level `dependencies` list."""
    in_dependencies, pip_indent = False, None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        content = line.strip()
        if indent == 0 and not content.startswith("-"):
            key, _, rest = content.partition(":")
            in_dependencies, pip_indent = key.strip().strip("'\"") == "dependencies", None
            if in_dependencies and rest.strip().startswith("["):
                for item in _flow_items(rest):
                    yield number, item, False
            continue
        if not in_dependencies or not content.startswith("-"):
            continue
        item = _unquote(content[1:].strip())
        if pip_indent is not None and indent <= pip_indent:
            pip_indent = None
        if pip_indent is None and re.fullmatch(r"[\"']?pip[\"']?\s*:.*", item):
            pip_indent = indent
            for flow in _flow_items(item.partition(":")[2]):
                yield number, flow, True
            continue
        yield number, item, pip_indent is not None


def _flow_items(text: str) -> list[str]:
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return []
    return [_unquote(item.strip()) for item in text[1:-1].split(",") if item.strip()]


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def conda_specifiers(rest: str) -> list[SpecifierSet]:
    if rest.startswith("["):  # streamlit[version='>=1.40', build=...]
        match = re.search(r"""version\s*=\s*(?:['"]([^'"]+)['"]|([^,\]]+))""", rest)
        if not match:
            raise ValueError(rest)
        rest = (match.group(1) or match.group(2)).strip()
    if rest.startswith("=") and not rest.startswith("=="):
        # `=1.45` is conda's fuzzy match (1.45.*); a trailing `=build` names a build.
        version = rest[1:].split("=", 1)[0].strip()
        exact = version.count(".") >= 2 and not version.endswith("*")
        rest = version if exact else _wildcard(version)
    version_spec = re.sub(r"\s*([,|])\s*", r"\1", join_operators(rest)).split(" ", 1)[0]
    alternatives = []
    for alternative in version_spec.split("|"):
        clauses = [_conda_clause(clause) for clause in alternative.split(",") if clause and clause != "*"]
        alternatives.append(SpecifierSet(",".join(clauses)))
    return alternatives


def _wildcard(version: str) -> str:
    version = version.rstrip("*").rstrip(".")
    Version(version)  # raises on nonsense
    return f"{version}.*"


def _conda_clause(clause: str) -> str:
    if re.match(r"(~=|===|==|!=|>=|<=|>|<)", clause):
        return clause
    return f"=={_wildcard(clause)}" if clause.endswith("*") else f"=={clause}"


def join_operators(text: str) -> str:
    """`>= 1.40` -> `>=1.40`: conda and Poetry both allow a space after an operator."""
    return re.sub(r"(\^|~=|~|===|==|!=|>=|<=|>|<|=)\s+", r"\1", text.strip())
