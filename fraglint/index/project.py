"""The project index: module summaries joined by import resolution and name lookup.

`ProjectIndex.resolve` answers "what does this name chain refer to, from this scope?" across
modules: Streamlit's API under any alias, project functions and methods, classes, modules,
parameters and local values. Everything the model and the rules know about names comes from
here, so every rule sees aliases (`import streamlit as stl`, `frag = st.fragment`,
`from streamlit import fragment`) the same way. What it answers, `Target`, is in `targets`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from fraglint.index.memo import LookupMemo
from fraglint.index.redefinitions import definitions_of, definitions_target, narrowed
from fraglint.index.summary import CALL, ITEM, MODULE_SCOPE, Binding, CallSite, FunctionSummary, ModuleSummary, Ref, ValueKind, literal_key
from fraglint.index.targets import UNKNOWN, FunctionKey, Target, TargetKind

__all__ = ["STREAMLIT", "UNKNOWN", "FunctionKey", "ProjectIndex", "Target", "TargetKind"]

STREAMLIT = "streamlit"


class ProjectIndex:
    """All module summaries of a check, and name resolution across them."""

    def __init__(
        self,
        summaries: dict[str, ModuleSummary],
        root: str,
        load: Callable[[str], ModuleSummary | None] | None = None,
    ) -> None:
        self.summaries = summaries
        self.root = os.path.abspath(root)
        self._load = load
        self._calls: dict[str, dict[int, tuple[FunctionSummary, CallSite]]] = {}
        self._missing: set[str] = set()
        self._modules_found: dict[tuple[str, str, int], str | None] = {}  # (import, directory, level) -> found
        self._directories: dict[str, str] = {}  # module path -> its directory
        self._lookups = LookupMemo()  # every recursive lookup, once per check (see `memo`)
        self.reused: set[str] | None = None  # after `reuse`: the modules that had changed

    # -- what a resolution read (for reuse between checks) --------------------------------

    def start_reading(self) -> None:
        """Record the modules every resolution from here to `stop_reading` reads."""
        self._lookups.start_reading()

    def stop_reading(self) -> set[str]:
        """The modules read since the matching `start_reading` (nested frames included)."""
        return self._lookups.stop_reading()

    @property
    def resolution_steps(self) -> int:
        """Lookups asked so far, answered from the memo or computed: what resolving costs."""
        return self._lookups.steps

    def reuse(self, previous: ProjectIndex, preload: bool = True, probe_missing: bool = True) -> set[str] | None:
        """Take over what `previous` resolved that the changes since cannot have altered.

        Call before resolving anything. Valid when both indexes hold the same set of modules
        (else nothing is reused and None returned): then imports find the same files, and a
        lookup whose recorded reads avoid every module whose summary changed (by identity)
        has the same answer. Returns the changed modules. `preload`: first load the modules
        `previous` loaded on demand (when both index the whole project, those are imports of
        excluded files, which this index would load the same way). `probe_missing`: look
        again for the files `previous` did not find (False when the caller knows that no
        file appeared since).
        """
        changed = self.changed_since(previous, preload, probe_missing)
        if changed is not None:
            self.take_over(previous, changed)
        return changed

    def changed_since(self, previous: ProjectIndex, preload: bool = True, probe_missing: bool = True) -> set[str] | None:
        """The modules whose summaries are not `previous`'s (see `reuse`), None when the set differs."""
        if preload:
            for path in [path for path in previous.summaries if path not in self.summaries]:
                self.module(path)
        if self.summaries.keys() != previous.summaries.keys():
            return None
        if probe_missing and any(self.module(path) is not None for path in previous._missing):
            return None
        return {path for path, summary in self.summaries.items() if previous.summaries[path] is not summary}

    def take_over(self, previous: ProjectIndex, changed: set[str]) -> None:
        """Keep what `previous` resolved that reads none of the `changed` modules."""
        self._missing = set(previous._missing)
        self._modules_found = dict(previous._modules_found)
        self._calls = {path: table for path, table in previous._calls.items() if path not in changed}
        self._lookups.take_over(previous._lookups, changed)
        self.reused = changed

    def use_loader(self, load: Callable[[str], ModuleSummary | None] | None) -> None:
        """Load modules not indexed yet with `load` from now on (an index handed to the next check)."""
        self._load = load

    # -- modules --------------------------------------------------------------------------

    def module(self, path: str) -> ModuleSummary | None:
        reading = self._lookups.reading
        if reading:
            reading[-1].add(path)
        summary = self.summaries.get(path)
        if summary is None and self._load is not None and path not in self._missing:
            summary = self._load(path)
            if summary is None:
                self._missing.add(path)
            else:
                self.summaries[path] = summary
        return summary

    def load_import_closure(self) -> None:
        """Load every project module the loaded ones import, transitively."""
        done: set[str] = set()
        while True:
            pending = [path for path in self.summaries if path not in done]
            if not pending:
                return
            for path in pending:
                done.add(path)
                for function in list(self.summaries[path].functions.values()):
                    for binding in function.imports.values():
                        if binding.level == 0 and binding.module.split(".")[0] == STREAMLIT:
                            continue
                        found = self.find_module(binding.module, path, binding.level)
                        if found is not None and binding.name and binding.name != "*":
                            self._probe_submodule(found, binding.name)

    def _probe_submodule(self, found: str, name: str) -> None:
        """`from package import name` may name a submodule of the package: load it too."""
        if found.endswith("__init__.py") or os.path.isdir(found):
            self._probe(found if os.path.isdir(found) else os.path.dirname(found), [name])

    def functions(self) -> Iterator[tuple[str, FunctionSummary]]:
        for path, summary in list(self.summaries.items()):
            for function in summary.functions.values():
                yield path, function

    def function(self, key: FunctionKey) -> FunctionSummary | None:
        path, qualname = key
        summary = self.module(path)
        return summary.functions.get(qualname) if summary else None

    def call_at(self, path: str, site: int) -> tuple[FunctionSummary, CallSite] | None:
        table = self._calls.get(path)
        if table is None:
            table = {}
            summary = self.module(path)
            if summary is not None:
                for function in summary.functions.values():
                    for call in function.calls:
                        table.setdefault(call.site, (function, call))
            self._calls[path] = table
        return table.get(site)

    def find_module(self, dotted: str, from_path: str, level: int = 0) -> str | None:
        """The file (or package directory) an import names, if it is part of the project."""
        directory = self._directories.get(from_path)
        if directory is None:
            directory = self._directories[from_path] = os.path.dirname(from_path)
        return self._found_from(dotted, directory, level)

    def _found_from(self, dotted: str, directory: str, level: int) -> str | None:
        """`find_module` from a file in `directory`, once per check for each (import, directory)."""
        key = (dotted, directory, level)
        if key not in self._modules_found:
            self._modules_found[key] = self._find_module(dotted, directory, level)
        return self._modules_found[key]

    def _find_module(self, dotted: str, directory: str, level: int) -> str | None:
        parts = [p for p in dotted.split(".") if p]
        if level:
            base = directory
            for _ in range(level - 1):
                base = os.path.dirname(base)
            return self._probe(base, parts)
        found = self._probe(directory, parts)
        parent = os.path.dirname(directory)
        if found is not None or directory == self.root or not directory.startswith(self.root) or parent == directory:
            return found
        # what the parent directory finds, which its own files and subdirectories share
        return self._found_from(dotted, parent, 0)

    def _probe(self, base: str, parts: list[str]) -> str | None:
        if not parts:
            init = os.path.join(base, "__init__.py")
            return init if self.module(init) is not None else (base if os.path.isdir(base) else None)
        stem = os.path.join(base, *parts)
        for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
            if self.module(candidate) is not None:
                return candidate
        if os.path.isdir(stem) and stem.startswith(self.root):
            return stem  # a namespace package: its submodules resolve through attribute access
        return None

    # -- names ----------------------------------------------------------------------------
    #
    # Each step that can recurse (a name in one scope, a module's attribute, an instance's
    # attribute, a function's return, a dict's entry, a class's method) is a `LookupMemo.get`:
    # computed once per check, unknown on a cycle, its reads recorded. So resolving costs time
    # linear in the code, whatever shape the code has (see `fraglint.index.memo`).

    def resolve(self, path: str, scope: str, ref: Ref | None, site: int | None = None) -> Target:
        """Resolve a name chain written in function `scope` of module `path` (at `site`, when
        known: then only the definitions of a redefined function made before it count)."""
        if not ref:
            return UNKNOWN
        target = self.lookup_name(path, scope, ref[0], site)
        for part in ref[1:]:
            if target.kind == TargetKind.UNKNOWN:
                return UNKNOWN
            target = self._step(target, part, path, scope)
        return target

    def _step(self, target: Target, part: str, path: str, scope: str) -> Target:
        """The target of `part` (an attribute, `()` or an item) after `target`."""
        if target.rest or target.kind in (TargetKind.PARAM, TargetKind.UNKNOWN):
            rest = target.rest + (part,)
            if target.kind == TargetKind.STREAMLIT and part == CALL and target.origin is None:
                return target.but(rest=rest, origin=(path, scope))
            return target.but(rest=rest)
        step = _STEPS.get(target.kind)
        return step(self, target, part, path, scope) if step else UNKNOWN

    def _streamlit_step(self, target: Target, part: str, path: str, scope: str) -> Target:
        if part == CALL:
            return target.but(rest=(CALL,), origin=target.origin or (path, scope))
        if part == ITEM or part.startswith("["):
            return target.but(rest=(part,))
        return target.but(name=f"{target.name}.{part}" if target.name else part)

    def _dict_step(self, target: Target, part: str, path: str, scope: str) -> Target:
        return self._dict_item(target, part)

    def _module_step(self, target: Target, part: str, path: str, scope: str) -> Target:
        if part == CALL or part.startswith("["):
            return UNKNOWN
        return self.module_attribute(target.path or "", part)

    def _class_step(self, target: Target, part: str, path: str, scope: str) -> Target:
        if part == CALL:
            return Target(TargetKind.INSTANCE, name=target.name, path=target.path)
        return self.method(target.path or "", target.name, part) or UNKNOWN

    def _instance_step(self, target: Target, part: str, path: str, scope: str) -> Target:
        if part == CALL or part.startswith("["):
            return UNKNOWN
        method = self.method(target.path or "", target.name, part)
        return method or self.instance_attribute(target, part)

    def _function_step(self, target: Target, part: str, path: str, scope: str) -> Target:
        if part == CALL:
            returned = self.returned_value(target)
            if returned is not None:
                made_inside = returned.origin == (target.path, target.name)
                # a container the function makes on each call belongs to the caller's scope
                return returned.but(origin=(path, scope)) if made_inside else returned
        return target.but(rest=(part,))

    def _dict_item(self, target: Target, part: str) -> Target:
        """`areas["main"]` where `areas = {"main": st.container(), ...}`: the entry's value."""
        key = literal_key(part)
        if key is None or target.call is None:
            return UNKNOWN
        site = (target.path or "", target.scope or "", target.call[1], key)
        return self._lookups.get(self, ProjectIndex._dict_entry, site, UNKNOWN)

    def _dict_entry(self, path: str, scope: str, site: int, key: str) -> Target:
        function = self.function(FunctionKey(path, scope))
        if function is None:
            return UNKNOWN
        for name, bindings in function.bindings.items():
            for binding in bindings:
                if binding.site == site and binding.value.items is not None:
                    if self._dict_mutated(path, name):
                        return UNKNOWN
                    value = binding.value.items.get(key)
                    if value is None or value.kind != ValueKind.REF or value.ref is None or value.ref[0].startswith("<"):
                        return UNKNOWN
                    found = self.resolve(path, function.qualname, value.ref)
                    if value.call_site is not None and found.kind != TargetKind.UNKNOWN:
                        found = found.but(call=(path, value.call_site))
                    return found
        return UNKNOWN

    def _dict_mutated(self, path: str, name: str) -> bool:
        """Is `name` (a dict) changed anywhere in its module after it is made? Then its entries
        are not what the display says (`areas["main"] = st.empty()`, `areas.update(...)`)."""
        mutated = self._lookups.get(self, ProjectIndex._mutated_names, (path,), None)
        return mutated is None or name in mutated

    def _mutated_names(self, path: str) -> frozenset[str] | None:
        """The names a module stores into or calls a dict mutator on (None: no such module)."""
        summary = self.module(path)
        if summary is None:
            return None
        names: set[str] = set()
        for function in summary.functions.values():
            names.update(ref[0] for _, ref, _, _ in function.stores)
            names.update(
                call.func[0] for call in function.calls
                if call.func and len(call.func) == 2 and call.func[1] in _DICT_MUTATORS
            )
        return frozenset(names)

    def returned_value(self, function_target: Target) -> Target | None:
        """What calling a project function gives, when all its returns agree on a Streamlit value.

        `def card(): return st.container()` makes `card()` a container created in `card`.
        """
        key = (function_target.path or "", function_target.name)
        return self._lookups.get(self, ProjectIndex._returned_value, key, None)

    def _returned_value(self, path: str, qualname: str) -> Target | None:
        function = self.function(FunctionKey(path, qualname))
        if function is None or not function.returns:
            return None
        results = set()
        for returned in function.returns:
            value = returned.value
            if value is None or value.kind != ValueKind.REF or value.ref is None or value.ref[0].startswith("<"):
                return None
            found = self.resolve(path, function.qualname, value.ref)
            if found.kind != TargetKind.STREAMLIT:
                return None
            if value.call_site is not None:
                found = found.but(call=(path, value.call_site))
            results.add(found)
        return results.pop() if len(results) == 1 else None

    def lookup_name(self, path: str, scope: str, name: str, site: int | None = None) -> Target:
        """Python's scope rules: local, enclosing functions, module globals (builtins unknown).

        Finds the scope that binds `name` (a few dict lookups) and resolves the name there
        once per check, for every scope that sees it. A name met again while it is being
        resolved (`node = node.value` in a loop) is unknown.
        """
        summary = self.module(path)
        if summary is None:
            return UNKNOWN
        binder = MODULE_SCOPE
        functions = summary.functions
        module_scope = summary.module_scope
        function = functions.get(scope)
        while function is not None and function is not module_scope and name not in function.globals:
            if function.bindings.get(name) or name in function.imports or name in function.params:
                binder = function.qualname
                break
            function = functions.get(function.parent) if function.parent else None
        found = self._lookups.get(self, ProjectIndex._bound_name, (path, binder, name), UNKNOWN)
        return narrowed(summary, binder, name, scope, site, found) if found.alternatives else found

    def _bound_name(self, path: str, scope: str, name: str) -> Target:
        """What `name` is in `scope`, the scope that binds it (at module level: or a star import)."""
        summary = self.module(path)
        function = summary.functions.get(scope) if summary else None
        if summary is None or function is None:
            return UNKNOWN
        found = self._lookup_in_scope(path, function, name)
        if found is not None or function is not summary.module_scope:
            return found or UNKNOWN
        return self._star_imported(path, function, name)

    def _star_imported(self, path: str, function: FunctionSummary, name: str) -> Target:
        """What `name` is through the module's `from x import *` imports (if any names it)."""
        for key, binding in function.imports.items():
            if key.startswith("*"):
                star = self._import_target(path, binding.module, None, binding.level)
                if star.kind == TargetKind.STREAMLIT and not star.rest:
                    if self._is_streamlit_name(name):
                        return Target(TargetKind.STREAMLIT, name=f"{star.name}.{name}" if star.name else name)
                elif star.kind == TargetKind.MODULE:
                    found = self.module_attribute(star.path or "", name, strict=True)
                    if found.kind != TargetKind.UNKNOWN:
                        return found
        return UNKNOWN

    @staticmethod
    def _is_streamlit_name(name: str) -> bool:
        """Names `from streamlit import *` can bind (its public API, as fraglint knows it)."""
        from fraglint.model import streamlit_api as api

        return name in api.PUBLIC_NAMES

    def _lookup_in_scope(self, path: str, function: FunctionSummary, name: str) -> Target | None:
        bindings = function.bindings.get(name)
        if bindings:
            return self._from_bindings(path, function, bindings)
        imported = function.imports.get(name)
        if imported is not None:
            return self._import_target(path, imported.module, imported.name, imported.level)
        if name in function.params:
            owner = function.class_name
            if owner and function.params[0] == name and not self._is_static(path, function):
                return Target(TargetKind.INSTANCE, name=owner, path=path)
            return Target(TargetKind.PARAM, name=name, path=path, scope=function.qualname)
        return None

    def _is_static(self, path: str, function: FunctionSummary) -> bool:
        for decorator in function.decorators:
            if decorator.ref in (("staticmethod",),):
                return True
            if decorator.ref in (("classmethod",),):
                return False
        return False

    def _from_bindings(self, path: str, function: FunctionSummary, bindings: list[Binding]) -> Target:
        """What a name is in `function`, when all its bindings there agree (else unknown), or
        every definition of a function defined more than once that may be the one called."""
        definitions = definitions_of(bindings)
        if definitions and len({qualname for qualname, _ in definitions}) > 1:
            # every definition: each use narrows them to those it reaches (`narrowed`)
            return definitions_target(path, [qualname for qualname, _ in definitions])
        results = {self._from_binding(path, function, binding) for binding in bindings}
        if len(results) == 1:
            return results.pop()
        return _one_streamlit_value(results) or UNKNOWN

    def _from_binding(self, path: str, function: FunctionSummary, binding: Binding) -> Target:
        value = binding.value
        if value.kind == ValueKind.DICT and binding.unpack is None and not binding.iterated:
            return Target(TargetKind.DICT, path=path, scope=function.qualname, call=(path, binding.site))
        if value.kind != ValueKind.REF or value.ref is None:
            return UNKNOWN
        ref = value.ref
        if ref[0] == "<def>":
            return Target(TargetKind.FUNCTION, name=ref[1], path=path)
        if ref[0] == "<class>":
            return Target(TargetKind.CLASS, name=ref[1], path=path)
        if ref[0].startswith("<"):
            return UNKNOWN
        target = self.resolve(path, function.qualname, ref)
        if value.call_site is not None and target.kind != TargetKind.UNKNOWN:
            target = target.but(call=(path, value.call_site))
        return target.one_item() if binding.unpack is not None or binding.iterated else target

    def _import_target(self, path: str, module: str, name: str | None, level: int) -> Target:
        if level == 0 and (module == STREAMLIT or module.startswith(STREAMLIT + ".")):
            api = module[len(STREAMLIT) + 1 :] if module != STREAMLIT else ""
            if name is not None:
                api = f"{api}.{name}" if api else name
            return Target(TargetKind.STREAMLIT, name=api)
        found = self.find_module(module, path, level)
        if found is None:
            return UNKNOWN
        if name is None:
            return Target(TargetKind.MODULE, path=found)
        return self.module_attribute(found, name)

    def module_attribute(self, module_path: str, name: str, strict: bool = False) -> Target:
        """`module.name`: a global of the module, else a submodule of the package."""
        return self._lookups.get(self, ProjectIndex._module_attribute, (module_path, name, strict), UNKNOWN)

    def _module_attribute(self, module_path: str, name: str, strict: bool) -> Target:
        summary = self.module(module_path) if module_path.endswith(".py") else None
        if summary is not None:
            scope = summary.module_scope
            if scope.bindings.get(name) or name in scope.imports:
                found = self._lookups.get(self, ProjectIndex._bound_name, (module_path, MODULE_SCOPE, name), UNKNOWN)
                return narrowed(summary, MODULE_SCOPE, name, "", None, found) if found.alternatives else found
        package_dir = os.path.dirname(module_path) if module_path.endswith("__init__.py") else module_path
        if not module_path.endswith(".py") or module_path.endswith("__init__.py"):
            sub = self._probe(package_dir, [name])
            if sub is not None:
                return Target(TargetKind.MODULE, path=sub)
        if summary is not None and not strict:
            return self.lookup_name(module_path, MODULE_SCOPE, name)
        return UNKNOWN

    def instance_attribute(self, instance: Target, name: str) -> Target:
        """`self.box` where every method assigns `self.box` the same thing (else unknown)."""
        key = (instance.path or "", instance.name, name)
        return self._lookups.get(self, ProjectIndex._instance_attribute, key, UNKNOWN)

    def _instance_attribute(self, path: str, class_qualname: str, name: str) -> Target:
        summary = self.module(path)
        cls = summary.classes.get(class_qualname) if summary else None
        assigned = cls.attributes.get(name) if cls else None
        if not assigned:
            return UNKNOWN
        results = set()
        for method_qualname, value in assigned:
            if value.kind != ValueKind.REF or value.ref is None or value.ref[0].startswith("<"):
                return UNKNOWN
            found = self.resolve(path, method_qualname, value.ref)
            if value.call_site is not None and found.kind != TargetKind.UNKNOWN:
                found = found.but(call=(path, value.call_site))
            results.add(found)
        return results.pop() if len(results) == 1 else UNKNOWN

    def method(self, path: str, class_qualname: str, name: str) -> Target | None:
        """The method `name` of a project class, its own or a project base class's, else None."""
        return self._lookups.get(self, ProjectIndex._method, (path, class_qualname, name), None)

    def _method(self, path: str, class_qualname: str, name: str) -> Target | None:
        summary = self.module(path)
        cls = summary.classes.get(class_qualname) if summary else None
        if cls is None:
            return None
        qualname = cls.methods.get(name)
        if qualname is not None:
            return Target(TargetKind.FUNCTION, name=qualname, path=path)
        for base in cls.bases:
            base_target = self.resolve(path, MODULE_SCOPE, base)
            if base_target.kind == TargetKind.CLASS:
                found = self.method(base_target.path or "", base_target.name, name)
                if found is not None:
                    return found
        return None

    def resolve_call(self, path: str, scope: str, call: CallSite) -> Target:
        return self.resolve(path, scope, call.func, call.site)


_DICT_MUTATORS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"})


# How one step of a name chain goes on from each kind of target (see `ProjectIndex._step`).
_STEPS: dict[TargetKind, Callable[[ProjectIndex, Target, str, str, str], Target]] = {
    TargetKind.STREAMLIT: ProjectIndex._streamlit_step,
    TargetKind.DICT: ProjectIndex._dict_step,
    TargetKind.MODULE: ProjectIndex._module_step,
    TargetKind.CLASS: ProjectIndex._class_step,
    TargetKind.INSTANCE: ProjectIndex._instance_step,
    TargetKind.FUNCTION: ProjectIndex._function_step,
}


def _one_streamlit_value(results: set[Target]) -> Target | None:
    """The Streamlit value every binding of a name makes, each at its own call (`cols =
    st.columns(2)` twice): whichever runs, the name is that kind of value, made in that scope.
    The last call stands for them (the containers' "created here"); None when they differ."""
    if any(target.kind != TargetKind.STREAMLIT for target in results):
        return None
    if len({target.but(call=None) for target in results}) != 1:
        return None
    return max(results, key=lambda target: target.call or ("", -1))
