"""What each call in the project calls, resolved once per check and shared by every analysis.

Resolution is the expensive step of the model, so each call's target is cached by its site,
together with the modules read to resolve it: the language server keeps the targets of
modules that an edit cannot affect (see `reuse`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fraglint.index.project import FunctionKey, ProjectIndex, Target, TargetKind
from fraglint.index.summary import CallSite


class CallTargets:
    """Call site -> `Target`, lazily, remembering which modules each module's resolutions read."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        # Module -> its call sites' targets: one small dict per module, not a (path, site) key
        # tuple per call (190,000 of them, 10 MB, at 5,000 files).
        self._targets: dict[str, dict[int, Target]] = {}
        # One object per distinct target: 190,000 calls at 5,000 files resolve to 33,000 of them.
        self._shared: dict[Target, Target] = {}
        # Per module, the modules read to resolve its calls: what its call targets and its
        # call-graph edges depend on.
        self.module_reads: dict[str, set[str]] = {}
        self.resolutions = 0  # call sites resolved (not answered from the table): once each per check

    def reuse(self, previous: CallTargets, changed: set[str]) -> set[str]:
        """Take over the targets of modules the changes cannot affect; returns those modules.

        `changed`: the modules whose summaries changed, from `ProjectIndex.reuse`. A module's
        targets hold when neither it nor any module read while resolving them changed.
        """
        kept = {
            path for path, read in previous.module_reads.items()
            if path not in changed and changed.isdisjoint(read)
        }
        self.module_reads = {path: set(previous.module_reads[path]) for path in kept}
        self._targets = {path: dict(targets) for path, targets in previous._targets.items() if path in kept}
        return kept

    @contextmanager
    def reading(self, path: str) -> Iterator[None]:
        """Record the modules the index reads in this block as read on behalf of `path`."""
        self.index.start_reading()
        try:
            yield
        finally:
            self.module_reads.setdefault(path, set()).update(self.index.stop_reading())

    def target(self, key: FunctionKey, call: CallSite) -> Target:
        """What the call `call`, made in function `key`, calls."""
        path, qualname = key
        targets = self._targets.get(path)
        if targets is None:
            targets = self._targets[path] = {}
        found = targets.get(call.site)
        if found is None:
            found = targets[call.site] = self._resolve(path, qualname, call)
        return found

    def _resolve(self, path: str, qualname: str, call: CallSite) -> Target:
        """Resolve one call site, recording what it read (as `reading`, without a generator
        context manager: it costs more than the lookup on a project's thousands of sites)."""
        self.resolutions += 1
        index = self.index
        index.start_reading()
        try:
            found = index.resolve(path, qualname, call.func, call.site)
        finally:
            self.module_reads.setdefault(path, set()).update(index.stop_reading())
        return self._shared.setdefault(found, found)

    def streamlit_call(self, key: FunctionKey, call: CallSite) -> str | None:
        """The Streamlit API path a call invokes directly (`sidebar.write`), else None."""
        return self.target(key, call).api()

    def callees(self, key: FunctionKey, call: CallSite) -> list[FunctionKey]:
        """Every project function a call may run: more than one when it names a function
        defined more than once (`if ...: def f` / `else: def f`), each a definition that can reach it."""
        target = self.target(key, call)
        if target.kind == TargetKind.FUNCTION and not target.rest and target.alternatives:
            return [FunctionKey(target.path or key.path, name) for name in target.definitions()]
        callee = self.callee_of(key, target)
        return [callee] if callee is not None else []

    def callee_of(self, key: FunctionKey, target: Target) -> FunctionKey | None:
        """The project function a call made in function `key` to `target` runs: a function, or
        the `__init__` of a class it makes."""
        path, _ = key
        if target.kind == TargetKind.FUNCTION and not target.rest:
            return FunctionKey(target.path or path, target.name)
        if target.kind == TargetKind.CLASS and not target.rest:
            with self.reading(path):
                init = self.index.method(target.path or path, target.name, "__init__")
            if init is not None:
                return FunctionKey(init.path or path, init.name)
        return None
