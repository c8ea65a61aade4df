"""Generate realistic multi-module Streamlit projects to benchmark fraglint against.

Timing a static analyzer on toy files says little: what costs time is many modules that
import each other, decorators, containers, widgets and plain pandas code around them. This
generator writes such a project, deterministically from a seed:

    app.py                 entry script: page config, sidebar, fragments in containers
    pages/NN_name.py       page scripts: module-level containers, local fragments, layout
    components/...         render helpers, fragments and classes (with sub-packages that
                           use relative imports once the project is big enough)
    data/...               @st.cache_data loaders and pandas transforms
    utils/...              formatting, session-state and small pure helpers
    pyproject.toml         marks the project root (fixit and ruff stop their upward
                           search for config and .gitignore here)

At a low rate it injects real fragment mistakes so that the analyzer has something to
report (Streamlit >= 1.37 semantics, see the fragments guide):

    nested-fragment        a fragment calls another fragment ("unsupported")
    outside-container      a fragment writes into a container created at module level
                           (elements accumulate until the next full rerun)
    fragment-return-used   a fragment returns a value and its caller uses it (Streamlit
                           ignores it on fragment reruns)
    cache-on-fragment      @st.cache_data and @st.fragment on one function ("unsupported")

`--manifest FILE` writes where each one was injected (path, line, kind) as JSON.

Usage:
    python benchmarks/generate.py OUT_DIR --files 200 --lines 15000 [--seed N]
    python benchmarks/generate.py OUT_DIR --files 1 --big-file 2000      # one 2,000-line app
    python benchmarks/generate.py OUT_DIR --files 50 --lines-per-file 120
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, replace
from pathlib import Path

DOMAINS = [
    "sales", "inventory", "traffic", "orders", "revenue", "churn", "sensors", "weather",
    "tickets", "campaigns", "finance", "shipments", "signups", "payments", "forecast",
    "returns", "stores", "suppliers", "reviews", "latency",
]
NOUNS = [
    "overview", "summary", "panel", "board", "report", "explorer", "monitor", "tracker",
    "insights", "details", "trends", "status", "breakdown", "health", "pipeline",
]
REGIONS = ["north", "south", "east", "west", "central", "emea", "apac", "latam"]
CHANNELS = ["web", "mobile", "retail", "partner", "email"]
NUMERIC = ["revenue", "units", "orders", "margin", "latency_ms", "visits"]
CATEGORICAL = ["region", "channel", "product", "segment"]
RUN_EVERY = ['"5s"', '"10s"', '"30s"', '"1m"', "2", "timedelta(seconds=15)"]
MISTAKES = ("nested-fragment", "outside-container", "fragment-return-used", "cache-on-fragment")
# relative frequency of each mistake per opportunity, scaled by --mistake-rate
MISTAKE_WEIGHTS = {"nested-fragment": 1.5, "outside-container": 4.0, "fragment-return-used": 1.5, "cache-on-fragment": 0.4}


@dataclass(frozen=True)
class Symbol:
    """A top-level function or class that other generated modules may import and call."""

    module: str  # dotted module name, e.g. "components.charts.line_panel"
    name: str
    kind: str  # "fragment", "render", "loader", "transform", "fmt_num", "fmt_text", "state", "class"
    params: tuple[str, ...] = ()  # argument kinds, see ModuleWriter.arg()
    returns: bool = False  # a fragment that returns a value (Streamlit drops it on fragment reruns)


@dataclass
class Mistake:
    path: str
    line: int
    kind: str


@dataclass
class FilePlan:
    path: str  # relative, with "/" separators
    role: str  # "app", "page", "component", "data", "util", "init"
    target: int  # lines wanted


class Imports:
    """Collects the imports a module body needs; rendered once the body is written."""

    def __init__(self) -> None:
        self.plain: set[str] = set()
        self.future = False
        self.froms: dict[str, set[str]] = {}

    def add(self, stmt: str) -> None:
        self.plain.add(stmt)

    def name(self, module: str, name: str) -> None:
        self.froms.setdefault(module, set()).add(name)

    def render(self) -> list[str]:
        std = sorted(s for s in self.plain if not s.startswith(("import numpy", "import pandas", "import streamlit")))
        third = sorted(s for s in self.plain if s not in std)
        std_from = {m: n for m, n in self.froms.items() if m in ("datetime", "typing", "dataclasses", "collections")}
        third_from = {m: n for m, n in self.froms.items() if m == "streamlit"}
        local = {m: n for m, n in self.froms.items() if m not in std_from and m not in third_from}
        out = ["from __future__ import annotations", ""] if self.future else []
        out += std + [f"from {m} import {', '.join(sorted(n))}" for m, n in sorted(std_from.items())]
        if third or third_from:
            out += [""] if out and out[-1] != "" else []
            out += third + [f"from {m} import {', '.join(sorted(n))}" for m, n in sorted(third_from.items())]
        if local:
            out += [""] if out and out[-1] != "" else []
            for mod, names in sorted(local.items(), key=lambda kv: (kv[0].startswith("."), kv[0])):
                joined = ", ".join(sorted(names))
                if len(joined) + len(mod) > 70:
                    out += [f"from {mod} import ("] + [f"    {n}," for n in sorted(names)] + [")"]
                else:
                    out.append(f"from {mod} import {joined}")
        return out


class ModuleWriter:
    """Writes one module: picks a Streamlit alias, emits blocks, tracks names and mistakes."""

    def __init__(self, plan: FilePlan, rng: random.Random, visible: list[Symbol], mistake_rate: float,
                 called: set[str] | None = None):
        self.plan = plan
        self.rng = rng
        self.module = module_name(plan.path)
        self.package = self.module.rsplit(".", 1)[0] if "." in self.module else ""
        self.visible = visible
        self.mistake_rate = mistake_rate
        self.called = called if called is not None else set()  # fragment names some page already calls
        self.imports = Imports()
        self.imports.future = rng.random() < 0.4
        self.used_names: set[str] = set()
        self.suffixes: dict[str, int] = {}  # next numeric suffix to try per base name
        self.bound: dict[str, str] = {}  # imported name -> module it came from
        self.exports: list[Symbol] = []
        self.local_fragments: list[str] = []
        self.module_empties: list[str] = []  # module-level st.empty(): fragments may replace into it
        self.module_boxes: list[str] = []  # module-level st.container(): fragment writes accumulate
        self.mistakes: list[tuple[int, str]] = []  # (body line index, kind)
        self.body: list[str] = []
        self.st = "stl" if rng.random() < 0.08 else "st"
        self.fragment_import = rng.random() < 0.12  # "from streamlit import fragment"
        self.key_prefix = self.module.split(".")[-1].lstrip("0123456789_")[:12] or "app"

    # -- small helpers -------------------------------------------------------------------
    def need_st(self) -> str:
        self.imports.add(f"import streamlit as {self.st}")
        return self.st

    def need_pd(self) -> str:
        self.imports.add("import pandas as pd")
        return "pd"

    def fresh(self, base: str) -> str:
        name, n = base, self.suffixes.get(base, 2)
        while name in self.used_names:
            name, n = f"{base}_{n}", n + 1
        self.suffixes[base] = n
        self.used_names.add(name)
        return name

    def pick(self, seq):
        return self.rng.choice(seq)

    def emit(self, lines: list[str]) -> None:
        self.body.extend(lines)
        self.body.append("")
        self.body.append("")

    def mistake(self, kind: str, offset: int) -> None:
        """Record a mistake at `offset` lines into the block about to be emitted."""
        self.mistakes.append((len(self.body) + offset, kind))

    def roll_mistake(self, kind: str) -> bool:
        return self.rng.random() < self.mistake_rate * MISTAKE_WEIGHTS[kind]

    def use(self, sym: Symbol) -> str:
        """Import `sym` into this module (absolute or relative) and return the local name."""
        if sym.module == self.module or sym.name in self.bound:
            return sym.name  # defined here, or already imported (maybe via a package re-export)
        if self.package and sym.module.startswith(self.package + ".") and self.rng.random() < 0.6:
            self.imports.name("." + sym.module[len(self.package) + 1:], sym.name)
        elif (self.package.count(".") >= 1 and sym.module.startswith(self.package.rsplit(".", 1)[0] + ".")
              and self.rng.random() < 0.5):
            parent = self.package.rsplit(".", 1)[0]
            self.imports.name(".." + sym.module[len(parent) + 1:], sym.name)
        else:
            self.imports.name(sym.module, sym.name)
        self.used_names.add(sym.name)
        self.bound[sym.name] = sym.module
        return sym.name

    def visible_of(self, *kinds: str) -> list[Symbol]:
        """Symbols callable here; never two different things under one name."""
        return [s for s in self.visible + self.exports if s.kind in kinds and self.callable_here(s)]

    def callable_here(self, s: Symbol) -> bool:
        if s.module == self.module or self.bound.get(s.name) == s.module:
            return True
        return s.name not in self.bound and s.name not in self.used_names

    def arg(self, kind: str) -> str:
        if kind == "df":
            return "df"
        if kind == "key":
            return f'"{self.key_prefix}_{self.rng.randrange(1000)}"'
        if kind == "label":
            return f'"{self.pick(DOMAINS).title()} {self.pick(NOUNS)}"'
        if kind == "num":
            return self.pick([f'float(df["{self.pick(NUMERIC)}"].sum())', str(self.rng.randrange(10, 5000)), "len(df)"])
        if kind == "col":
            return f'"{self.pick(CATEGORICAL)}"'
        if kind == "region":
            return f'"{self.pick(REGIONS)}"'
        return "None"

    def call(self, sym: Symbol) -> str:
        name = self.use(sym)
        return f"{name}({', '.join(self.arg(k) for k in sym.params)})"

    def decorator_fragment(self, run_every: bool) -> str:
        st = self.need_st()
        if self.fragment_import:
            self.imports.name("streamlit", "fragment")
            base = "@fragment"
        elif self.rng.random() < 0.02:
            base = f"@{st}.experimental_fragment"
        else:
            base = f"@{st}.fragment"
        if run_every:
            value = self.pick(RUN_EVERY)
            if "timedelta" in value:
                self.imports.name("datetime", "timedelta")
            return f"{base}(run_every={value})"
        return base + ("()" if self.rng.random() < 0.15 else "")

    # -- statements used inside render helpers and fragments ------------------------------
    def df_prelude(self, have_df: bool) -> list[str]:
        if have_df:
            return []
        loaders = self.visible_of("loader")
        if loaders and self.rng.random() < 0.85:
            return [f"df = {self.call(self.pick(loaders))}"]
        pd = self.need_pd()
        n = self.rng.randrange(3, 6)
        regions = ", ".join(f'"{r}"' for r in self.rng.sample(REGIONS, n))
        values = ", ".join(str(self.rng.randrange(100, 9000)) for _ in range(n))
        return [f'df = {pd}.DataFrame({{"region": [{regions}], "revenue": [{values}]}})']

    def stmt(self, in_fragment: bool, depth: int = 0) -> list[str]:
        st = self.need_st()
        r = self.rng.random()
        num = self.pick(NUMERIC)
        cat = self.pick(CATEGORICAL)
        key = f'f"{{key_prefix}}_{self.fresh("w")}"'
        if r < 0.12:
            n = self.rng.randrange(2, 5)
            labels = self.rng.sample(NUMERIC, n)
            fmt = self.visible_of("fmt_num")
            shown = f"{self.use(fmt[0])}(float(df[column].sum()))" if fmt else 'f"{df[column].sum():,.0f}"'
            pairs = ", ".join(f'("{c.replace("_", " ").title()}", "{c}")' for c in labels)
            return [
                f"cols = {st}.columns({n})",
                f"for col, (label, column) in zip(cols, [{pairs}]):",
                "    if column not in df.columns:",
                '        col.metric(label, "-")',
                "        continue",
                f"    col.metric(label, {shown})",
            ]
        if r < 0.22:
            widget = self.pick(["selectbox", "multiselect", "radio"])
            var = self.fresh("selected")
            return [
                f'options = sorted(df["{cat}"].dropna().unique()) if "{cat}" in df.columns else []',
                f'{var} = {st}.{widget}("{cat.title()}", options, key={key})',
                f'{st}.session_state["{self.key_prefix}_{cat}"] = {var}',
            ]
        if r < 0.30:
            chart = self.pick(["line_chart", "bar_chart", "area_chart"])
            return [
                f'if "{num}" in df.columns and not df.empty:',
                f'    {st}.{chart}(df.groupby("{cat}")["{num}"].sum() if "{cat}" in df.columns else df["{num}"])',
                "else:",
                f'    {st}.info("No {num.replace("_", " ")} data for this selection.")',
            ]
        if r < 0.37:
            rows = self.rng.choice([10, 20, 50, 100])
            return [f"{st}.dataframe(df.head({rows}), use_container_width=True, hide_index=True)"]
        if r < 0.44 and depth == 0:
            inner = self.stmt(in_fragment, depth + 1)
            label = f"{self.pick(NOUNS).title()} details"
            return [f'with {st}.expander("{label}", expanded={self.pick(["False", "True"])}):'] + indent(inner)
        if r < 0.50 and depth == 0:
            t1, t2 = self.rng.sample(["Chart", "Table", "Raw data", "Notes", "Summary"], 2)
            a, b = self.fresh("tab"), self.fresh("tab")
            return ([f'{a}, {b} = {st}.tabs(["{t1}", "{t2}"])', f"with {a}:"] + indent(self.stmt(in_fragment, 1))
                    + [f"with {b}:"] + indent(self.stmt(in_fragment, 1)))
        if r < 0.57:
            lines = [f'if {st}.button("Refresh", key={key}):']
            if in_fragment and self.rng.random() < 0.5:
                lines += [f'    {st}.session_state["{self.key_prefix}_refreshed"] = True', f'    {st}.rerun(scope="fragment")']
            else:
                lines += [f"    {st}.cache_data.clear()", f'    {st}.toast("Data refreshed")']
            return lines
        if r < 0.62 and depth == 0:
            form = self.fresh("form")
            return [
                f'with {st}.form(key=f"{{key_prefix}}_{form}"):',
                f'    low, high = {st}.slider("{num.title()} range", 0, 10_000, (100, 5_000))',
                f'    note = {st}.text_input("Note", placeholder="optional")',
                f'    submitted = {st}.form_submit_button("Apply")',
                "if submitted:",
                f'    {st}.session_state["{self.key_prefix}_range"] = (low, high)',
                f'    {st}.success(f"Filter applied: {{low}}-{{high}} {{note}}")',
            ]
        if r < 0.70:
            helpers = self.visible_of("render")
            if helpers and depth == 0:
                return [f"# {self.pick(COMMENTS)}", self.call(self.pick(helpers))]
            transforms = self.visible_of("transform")
            if transforms:
                return [f"summary = {self.call(self.pick(transforms))}", f"{st}.dataframe(summary, hide_index=True)"]
        if r < 0.76:
            texts = self.visible_of("fmt_text")
            text = (
                f'{self.use(texts[0])}("{self.pick(DOMAINS)} {self.pick(NOUNS)}")' if texts
                else f'"{self.pick(NOUNS).title()}"'
            )
            return [f"{st}.subheader({text})", f'{st}.caption(f"{{len(df):,}} rows, updated {{df.shape[1]}} columns")']
        if r < 0.82:
            states = self.visible_of("state")
            if states:
                var = self.fresh("state_value")
                return [f"{var} = {self.call(self.pick(states))}", f"if {var}:", f'    {st}.write("Last value:", {var})']
            return [
                f'if "{self.key_prefix}_count" not in {st}.session_state:',
                f'    {st}.session_state["{self.key_prefix}_count"] = 0',
                f'{st}.session_state["{self.key_prefix}_count"] += 1',
            ]
        if r < 0.88:
            return [
                f'if df.empty or "{num}" not in df.columns:',
                f'    {st}.warning("Nothing to show yet.")',
                "else:",
                f'    top = df.nlargest(5, "{num}")',
                "    for _, row in top.iterrows():",
                f'        {st}.write(f"- {{row.get(\'{cat}\', \'?\')}}: {{row[\'{num}\']:,.1f}}")',
            ]
        if r < 0.94:
            return [
                f'toggle = {st}.toggle("Show percentages", key={key})',
                f'share = df["{num}"] / df["{num}"].sum() if "{num}" in df.columns else df.iloc[:, 0] * 0',
                f"{st}.bar_chart(share * 100 if toggle else share)",
            ]
        return [f"# {self.pick(COMMENTS)}", f'{st}.markdown("**{self.pick(DOMAINS).title()}** {self.pick(NOUNS)}")']

    def body_stmts(self, budget: int, in_fragment: bool) -> list[str]:
        out: list[str] = []
        while len(out) < budget:
            if self.rng.random() < 0.1:
                out.append(f"# {self.pick(COMMENTS)}")
            out += self.stmt(in_fragment)
        return out

    # -- blocks ---------------------------------------------------------------------------
    def block_render(self, budget: int) -> list[str]:
        """A plain helper that draws widgets; called from fragments and pages."""
        self.need_st()
        name = self.fresh(f"render_{self.pick(DOMAINS)}_{self.pick(NOUNS)}")
        params = ("df", "key") if self.rng.random() < 0.6 else ("key",)
        sig = f"df: {self.need_pd()}.DataFrame, key_prefix: str" if params[0] == "df" else 'key_prefix: str = "main"'
        lines = [f"def {name}({sig}) -> None:", f'    """{self.pick(DOCS).format(thing=readable(name))}"""']
        lines += indent(self.df_prelude(params[0] == "df") + self.body_stmts(max(3, budget - 3), False))
        self.exports.append(Symbol(self.module, name, "render", params))
        return lines

    def block_fragment(self, budget: int, allow_mistakes: bool = True) -> list[str]:
        """A fragment with widgets; sometimes auto-rerunning, sometimes with a mistake."""
        run_every = self.rng.random() < 0.25
        name = self.fresh(f"{self.pick(DOMAINS)}_{self.pick(NOUNS)}_fragment" if self.rng.random() < 0.3
                          else f"show_{self.pick(DOMAINS)}_{self.pick(NOUNS)}")
        lines: list[str] = []
        st = self.need_st()
        cache_mistake = allow_mistakes and self.roll_mistake("cache-on-fragment")
        if cache_mistake:
            self.mistake("cache-on-fragment", 0)
            lines.append(f"@{st}.cache_data(ttl=60)")
        lines.append(self.decorator_fragment(run_every))
        returns = self.rng.random() < 0.25
        result = f"{self.need_pd()}.DataFrame" if returns else "None"
        lines += [f'def {name}(key_prefix: str = "{self.key_prefix}") -> {result}:',
                  f'    """{self.pick(DOCS).format(thing=readable(name))} Reruns on its own."""']
        body = self.df_prelude(False) + self.body_stmts(max(3, budget - len(lines) - 2), True)
        kind = self.pick(["nested-fragment", "outside-container"])
        inner = self.mistake_stmt(kind) if allow_mistakes and self.roll_mistake(kind) else None
        if inner:
            self.mistake(kind, len(lines) + len(body) + inner[0])
            body += inner[1]
        elif self.module_empties and self.rng.random() < 0.2:
            # writing into an outer st.empty() is the documented way to avoid accumulation
            body += [f"{self.pick(self.module_empties)}.metric(\"Rows\", len(df))"]
        if returns:
            body += ["return df"]
        lines += indent(body)
        self.exports.append(Symbol(self.module, name, "fragment", (), returns))
        self.local_fragments.append(name)
        return lines

    def mistake_stmt(self, kind: str) -> tuple[int, list[str]] | None:
        st = self.st
        if kind == "nested-fragment":
            frags = self.visible_of("fragment")
            if not frags:
                return None
            return 1, ["# reuse the live panel here as well", self.call(self.pick(frags))]
        boxes = self.module_boxes
        if not boxes:
            return None
        box = self.pick(boxes)
        if self.rng.random() < 0.5:
            return 0, [f'{box}.write(f"Updated {{len(df)}} rows")']
        return 0, [f"with {box}:", f'    {st}.caption("Last refresh: " + str({self.need_pd()}.Timestamp.now()))']

    def block_loader(self, budget: int) -> list[str]:
        st, pd = self.need_st(), self.need_pd()
        self.imports.add("import numpy as np")
        domain = self.pick(DOMAINS)
        name = self.fresh(f"load_{domain}")
        ttl = self.pick(["600", "3600", '"1h"', '"10m"', "None"])
        regions = ", ".join(f'"{r}"' for r in self.rng.sample(REGIONS, 4))
        channels = ", ".join(f'"{c}"' for c in self.rng.sample(CHANNELS, 3))
        lines = [
            f"@{st}.cache_data(ttl={ttl}, show_spinner=False)",
            f'def {name}(region: str = "all", limit: int = {self.rng.choice([200, 500, 1000])}) -> pd.DataFrame:',
            f'    """Load {domain} rows from the warehouse; cached per (region, limit)."""',
            f"    rng = np.random.default_rng({self.rng.randrange(1000)})",
            f"    frame = {pd}.DataFrame(",
            "        {",
            f'            "date": {pd}.date_range("2024-01-01", periods=limit, freq="D"),',
            f'            "region": rng.choice([{regions}], size=limit),',
            f'            "channel": rng.choice([{channels}], size=limit),',
            f'            "revenue": rng.normal({self.rng.randrange(500, 5000)}, 250, size=limit).round(2),',
            '            "units": rng.integers(1, 50, size=limit),',
            '            "orders": rng.integers(1, 20, size=limit),',
            "        }",
            "    )",
            '    if region != "all":',
            '        frame = frame[frame["region"] == region]',
        ]
        extra = max(0, budget - len(lines) - 1)
        for _ in range(min(extra // 2, 4)):
            col = self.pick(NUMERIC)
            lines += [
                f"    # {self.pick(COMMENTS)}",
                f'    frame["{col}_rolling"] = frame["revenue"].rolling({self.rng.randrange(3, 14)}, min_periods=1).mean()',
            ]
        lines.append("    return frame.reset_index(drop=True)")
        self.exports.append(Symbol(self.module, name, "loader", self.pick([(), ("region",)])))
        return lines

    def block_transform(self, budget: int) -> list[str]:
        pd = self.need_pd()
        cat, num = self.pick(CATEGORICAL), self.pick(NUMERIC)
        name = self.fresh(f"summarize_{self.pick(DOMAINS)}_by")
        lines = [
            f"def {name}(df: {pd}.DataFrame, column: str = \"{cat}\") -> {pd}.DataFrame:",
            f'    """Aggregate {num} per `column`, largest first, with a share column."""',
            "    if column not in df.columns:",
            f'        return {pd}.DataFrame(columns=[column, "{num}", "share"])',
            "    grouped = (",
            '        df.groupby(column, dropna=False)["revenue"]',
            '        .agg(["sum", "mean", "count"])',
            f'        .rename(columns={{"sum": "{num}", "mean": "avg", "count": "rows"}})',
            "        .reset_index()",
            "    )",
            f'    total = grouped["{num}"].sum() or 1',
            f'    grouped["share"] = (grouped["{num}"] / total).round(4)',
        ]
        if budget > len(lines) + 3:
            lines += [f"    # {self.pick(COMMENTS)}", f'    grouped = grouped[grouped["rows"] >= {self.rng.randrange(1, 3)}]']
        lines.append(f'    return grouped.sort_values("{num}", ascending=False)')
        self.exports.append(Symbol(self.module, name, "transform", ("df", "col")))
        return lines

    def block_util(self, budget: int) -> list[str]:
        kind = self.pick(["fmt_num", "fmt_text", "state", "pure", "pure"])
        if kind == "fmt_num":
            name = self.fresh(f"format_{self.pick(['currency', 'number', 'percent', 'delta', 'compact', 'metric'])}")
            lines = [
                f'def {name}(value: float | None, unit: str = "{self.pick(["USD", "EUR", "", "ms", "%"])}", '
                f"decimals: int = {self.rng.randrange(0, 3)}) -> str:",
                '    """Format a number for a KPI card: 1234567 -> "1.2M USD"."""',
                "    if value is None:",
                '        return "-"',
                '    sign = "-" if value < 0 else ""',
                "    amount = abs(value)",
                '    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):',
                "        if amount >= threshold:",
                '            return f"{sign}{amount / threshold:.{decimals}f}{suffix} {unit}".strip()',
                '    return f"{sign}{amount:,.{decimals}f} {unit}".strip()',
            ]
            self.exports.append(Symbol(self.module, name, "fmt_num", ("num",)))
        elif kind == "fmt_text":
            name = self.fresh(f"{self.pick(['slugify', 'title_case', 'truncate', 'clean_label', 'humanize'])}")
            self.imports.add("import re")
            lines = [
                f"def {name}(text: str, max_length: int = {self.rng.choice([24, 32, 48, 64])}) -> str:",
                '    """Normalise a free-text label for headers and widget keys."""',
                '    text = re.sub(r"[_\\s]+", " ", text).strip()',
                "    if len(text) > max_length:",
                '        text = text[: max_length - 1].rstrip() + "..."',
                "    return text[:1].upper() + text[1:]",
            ]
            self.exports.append(Symbol(self.module, name, "fmt_text", ("label",)))
        elif kind == "state":
            st = self.need_st()
            self.imports.name("typing", "Any")
            name = self.fresh(f"get_{self.pick(['state', 'setting', 'preference', 'filter'])}")
            lines = [
                f"def {name}(key: str, default: Any = None) -> Any:",
                '    """Read a value from Session State, initialising it on first use."""',
                f"    if key not in {st}.session_state:",
                f"        {st}.session_state[key] = default",
                f"    return {st}.session_state[key]",
            ]
            self.exports.append(Symbol(self.module, name, "state", ("key",)))
        else:
            name = self.fresh(self.pick(["chunked", "merge_settings", "parse_period", "safe_ratio", "pairwise_delta"]))
            self.imports.name("typing", "Iterable")
            lines = [
                f"def {name}(items: Iterable[float], size: int = {self.rng.randrange(2, 8)}) -> list[list[float]]:",
                '    """Split `items` into lists of at most `size` elements (the last may be shorter)."""',
                "    batch: list[float] = []",
                "    out: list[list[float]] = []",
                "    for item in items:",
                "        batch.append(item)",
                "        if len(batch) == size:",
                "            out.append(batch)",
                "            batch = []",
                "    if batch:",
                "        out.append(batch)",
                "    return out",
            ]
        if budget > len(lines) + 4:
            lines.insert(2, f"    # {self.pick(COMMENTS)}")
        return lines

    def block_class(self, budget: int) -> list[str]:
        st, pd = self.need_st(), self.need_pd()
        self.imports.name("dataclasses", "dataclass")
        self.imports.name("dataclasses", "field")
        name = self.fresh(f"{self.pick(DOMAINS).title()}{self.pick(['Filter', 'Panel', 'Board', 'Selector', 'Report'])}")
        cat = self.pick(CATEGORICAL)
        lines = [
            "@dataclass",
            f"class {name}:",
            f'    """Filter state for the {name} widgets; kept in Session State between reruns."""',
            "",
            f'    key_prefix: str = "{self.key_prefix}"',
            f"    columns: list[str] = field(default_factory=lambda: [\"{cat}\", \"revenue\"])",
            "    min_value: float = 0.0",
            "",
            "    @property",
            "    def state_key(self) -> str:",
            '        return f"{self.key_prefix}_filter"',
            "",
            "    def render(self, df: pd.DataFrame) -> pd.DataFrame:",
            '        """Draw the filter widgets and return the filtered frame."""',
            f'        chosen = {st}.multiselect("Columns", list(df.columns), '
            'default=[c for c in self.columns if c in df.columns], key=self.state_key + "_cols")',
            f'        self.min_value = {st}.number_input("Minimum revenue", value=self.min_value, key=self.state_key + "_min")',
            f"        {st}.session_state[self.state_key] = {{\"columns\": chosen, \"min\": self.min_value}}",
            "        return self.apply(df)[chosen] if chosen else self.apply(df)",
            "",
            "    def apply(self, df: pd.DataFrame) -> pd.DataFrame:",
            '        if "revenue" not in df.columns:',
            "            return df",
            '        return df[df["revenue"] >= self.min_value]',
        ]
        while len(lines) < budget - 2:
            meth = self.fresh(f"describe_{self.pick(NOUNS)}")
            lines += ["", f"    def {meth}(self, df: {pd}.DataFrame) -> str:",
                      f'        """{self.pick(COMMENTS).capitalize()}."""',
                      '        return f"{len(self.apply(df)):,} of {len(df):,} rows match"']
        self.exports.append(Symbol(self.module, name, "class", ()))
        return lines

    def block_constants(self, budget: int) -> list[str]:
        lines = [f"# {self.pick(COMMENTS)}"]
        name = self.fresh(f"{self.pick(DOMAINS).upper()}_{self.pick(['COLORS', 'LABELS', 'DEFAULTS', 'THRESHOLDS'])}")
        lines.append(f"{name}: dict[str, str] = {{")
        for r in self.rng.sample(REGIONS, min(len(REGIONS), max(1, budget - 3))):
            lines.append(f'    "{r}": "#{self.rng.randrange(0x1000000):06x}",')
        lines.append("}")
        return lines

    # -- top-level layout code for pages and app.py ---------------------------------------
    def layout(self, budget: int) -> list[str]:
        """Calls fragments and helpers inside containers, the way page scripts do."""
        st = self.need_st()
        frags = self.visible_of("fragment")
        renders = self.visible_of("render")
        out: list[str] = []
        have_df = False
        own = [s for s in frags if s.module == self.module]  # a page calls every fragment it defines
        done: set[str] = set()  # a fragment called twice on one page would repeat its widget keys

        def take(sym: Symbol) -> Symbol:
            if sym.kind == "fragment":
                done.add(sym.name)
                self.called.add(sym.name)
            return sym

        while len(out) < budget or own:
            r = self.rng.random()
            fresh = [s for s in frags if s.name not in done]
            uncalled = [s for s in fresh if s.name not in self.called]
            if own:
                target = own.pop(0)
            elif uncalled and r < 0.5:
                target = self.pick(uncalled)
            elif fresh and (r < 0.75 or not renders):
                target = self.pick(fresh)
            else:
                target = self.pick(renders) if renders else None
            if target is None:
                out += [f'{st}.write("{self.pick(NOUNS).title()}")']
                continue
            take(target)
            own = [s for s in own if s.name not in done]
            if "df" in target.params and not have_df:
                out += self.df_prelude(False)
                have_df = True
            call = self.call(target)
            if target.returns and self.roll_mistake("fragment-return-used"):
                var = self.fresh("result")
                self.mistakes.append((len(self.body) + len(out), "fragment-return-used"))
                out += [f"{var} = {call}", f"if {var}:", f'    {st}.write("Fragment returned", {var})']
                continue
            shape = self.rng.random()
            if shape < 0.25:
                a, b = self.fresh("left"), self.fresh("right")
                pool = [s for s in frags + renders if s.name not in done and (have_df or "df" not in s.params)]
                other = self.call(take(self.pick(pool))) if pool else f'{st}.write("{self.pick(NOUNS).title()}")'
                out += [
                    f"{a}, {b} = {st}.columns([{self.rng.randrange(1, 4)}, {self.rng.randrange(1, 4)}])",
                    f"with {a}:", f"    {call}", f"with {b}:", f"    {other}",
                ]
            elif shape < 0.45:
                t = self.rng.sample(["Overview", "Live", "Details", "History", "Settings"], 2)
                a, b = self.fresh("tab"), self.fresh("tab")
                out += [
                    f'{a}, {b} = {st}.tabs(["{t[0]}", "{t[1]}"])', f"with {a}:", f"    {call}", f"with {b}:",
                    f'    {st}.write("{self.pick(COMMENTS).capitalize()}")',
                ]
            elif shape < 0.60:
                out += [f'with {st}.expander("{self.pick(NOUNS).title()}", expanded=True):', f"    {call}"]
            elif shape < 0.70:
                out += [f"with {st}.sidebar:", f"    {call}"]
            elif shape < 0.85:
                out += [f"with {st}.container(border=True):", f"    {call}"]
            else:
                out += [call]
        return out

    def module_containers_block(self) -> list[str]:
        st = self.need_st()
        lines = []
        for _ in range(self.rng.randrange(1, 3)):
            if self.rng.random() < 0.5:
                name = self.fresh(f"{self.pick(NOUNS)}_slot")
                lines.append(f"{name} = {st}.empty()")
                self.module_empties.append(name)
            else:
                name = self.fresh(f"{self.pick(NOUNS)}_box")
                lines.append(f"{name} = {st}.container(border={self.pick(['True', 'False'])})")
                self.module_boxes.append(name)
        return lines


COMMENTS = [
    "keep widget keys stable so state survives reruns", "numbers come from the nightly export",
    "see the ops runbook for what these thresholds mean", "cheap enough to recompute on every rerun",
    "TODO: move this into the shared layout module", "values are in the account currency",
    "the warehouse returns UTC timestamps", "empty frames happen on the first day of a month",
    "sorted so the biggest movers come first", "product asked for this to stay collapsed",
    "fall back to the demo data when the API is down", "widths tuned for a 1440px screen",
]
DOCS = [
    "Render the {thing} section.", "Draw {thing} with its filters and charts.",
    "Show {thing}; widget state lives in Session State.", "Display {thing} for the selected region.",
]


def readable(name: str) -> str:
    for prefix in ("render_", "show_"):
        name = name.removeprefix(prefix)
    return "the " + name.removesuffix("_fragment").replace("_", " ")


def indent(lines: list[str], by: str = "    ") -> list[str]:
    return [by + line if line else line for line in lines]


def module_name(path: str) -> str:
    p = path[:-3] if path.endswith(".py") else path
    if p.endswith("/__init__"):
        p = p[: -len("/__init__")]
    return p.replace("/", ".")


# -- planning ------------------------------------------------------------------------------
def plan_files(files: int, lines: int, rng: random.Random, big_file: int | None) -> list[FilePlan]:
    """Lay out `files` paths and split the line budget between them by role."""
    paths: list[tuple[str, str]] = [("app.py", "app")]
    if files > 1:
        rest = files - 1
        if rest < 6:
            paths += [(f"pages/{i + 1:02d}_{NOUNS[i]}.py", "page") for i in range(rest)]
        else:
            paths += layout_packages(rest, rng)
    weights = {"app": 1.4, "page": 1.25, "component": 1.0, "data": 0.85, "util": 0.7, "init": 0.0}
    raw = [weights[role] * rng.uniform(0.6, 1.4) for _, role in paths]
    inits = [p for p, role in paths if role == "init"]
    init_lines = 6 * len(inits)
    budget = max(0, lines - init_lines)
    plans = []
    fixed = {}
    if big_file:
        fixed["app.py"] = big_file
        if files == 1:
            budget = 0
    free = sum(w for (p, _), w in zip(paths, raw, strict=False) if p not in fixed and w)
    for (path, role), w in zip(paths, raw, strict=False):
        if path in fixed:
            target = fixed[path]
        elif role == "init":
            target = 6
        else:
            target = max(8, round(budget * w / free)) if free else 8
        plans.append(FilePlan(path, role, target))
    return plans


def layout_packages(n: int, rng: random.Random) -> list[tuple[str, str]]:
    pages = max(1, round(n * 0.25))
    utils = max(1, round(n * 0.15))
    data = max(1, round(n * 0.15))
    comps = n - pages - utils - data
    inits = ["utils/__init__.py", "data/__init__.py", "components/__init__.py"]
    subpkgs = ["charts", "widgets", "layout"] if comps >= 15 else []
    inits += [f"components/{s}/__init__.py" for s in subpkgs]
    comps -= len(inits)
    utils_mods, data_mods = utils, data
    if comps < 1:  # tiny projects: drop the packages' __init__ files' share from utils
        comps = 1
        utils_mods = max(1, n - pages - data - len(inits) - comps)
    out: list[tuple[str, str]] = []
    used: set[str] = set()

    def unique(stem: str) -> str:
        name, k = stem, 2
        while name in used:
            name, k = f"{stem}_{k}", k + 1
        used.add(name)
        return name

    util_names = ['formatting', 'state', 'text', 'dates', 'colors', 'numbers', 'ids', 'tables']
    out += [(f"utils/{unique(rng.choice(util_names))}.py", "util") for _ in range(utils_mods)]
    out.append(("utils/__init__.py", "init"))
    out += [(f"data/{unique(rng.choice(DOMAINS) + '_loader')}.py", "data") for _ in range(data_mods)]
    out.append(("data/__init__.py", "init"))
    flat = comps if not subpkgs else comps // 2
    out += [(f"components/{unique(rng.choice(DOMAINS) + '_' + rng.choice(NOUNS))}.py", "component") for _ in range(flat)]
    for i in range(comps - flat):
        sub = subpkgs[i % len(subpkgs)]
        out.append((f"components/{sub}/{unique(rng.choice(DOMAINS) + '_' + rng.choice(NOUNS))}.py", "component"))
    out += [(f"components/{s}/__init__.py", "init") for s in subpkgs]
    out.append(("components/__init__.py", "init"))
    out += [
        (f"pages/{i + 1:02d}_{unique(rng.choice(DOMAINS) + '_' + rng.choice(NOUNS))}.py", "page") for i in range(n - len(out))
    ]
    return out


# -- writing modules -----------------------------------------------------------------------
def write_module(plan: FilePlan, rng: random.Random, visible: list[Symbol], mistake_rate: float,
                 called: set[str]) -> tuple[list[str], ModuleWriter]:
    w = ModuleWriter(plan, rng, visible, mistake_rate, called)
    title = plan.path.rsplit("/", 1)[-1][:-3].lstrip("0123456789_").replace("_", " ")
    doc = [f'"""{title.capitalize() if title != "app" else "Operations dashboard"}: {rng.choice(MODULE_DOCS)}"""']
    if plan.role == "init":
        return init_module(plan, w, visible, doc), w
    budget = plan.target - 8  # roughly the docstring and imports
    head: list[str] = []
    if plan.role in ("app", "page"):
        st = w.need_st()
        if plan.role == "app":
            head += [f'{st}.set_page_config(page_title="Operations", page_icon=":bar_chart:", layout="wide")', ""]
        head += [f'{st}.title("{title.title()}")', f'{st}.caption("{rng.choice(COMMENTS).capitalize()}")', ""]
        head += w.module_containers_block()
        head += ["", ""]
        budget -= len(head)
        w.body += head
        layout_share = max(4, int(budget * rng.uniform(0.25, 0.4)))
        fill_blocks(w, budget - layout_share, [("fragment", 0.55), ("render", 0.3), ("constants", 0.05), ("util", 0.1)])
        w.body += ["", "# -- layout " + "-" * 60]
        w.body += w.layout(layout_share)
    elif plan.role == "component":
        fill_blocks(w, budget, [("fragment", 0.35), ("render", 0.4), ("class", 0.12), ("constants", 0.05), ("util", 0.08)])
    elif plan.role == "data":
        fill_blocks(w, budget, [("loader", 0.5), ("transform", 0.35), ("util", 0.1), ("constants", 0.05)])
    else:
        fill_blocks(w, budget, [("util", 0.85), ("constants", 0.15)])
    while w.body and w.body[-1] == "":
        w.body.pop()
    header = doc + [""] + w.imports.render() + ["", ""]
    lines = header + w.body
    w.mistakes = [(i + len(header), k) for i, k in w.mistakes]
    return lines, w


MODULE_DOCS = [
    "widgets and charts for the team dashboard.", "shared building blocks for the pages.",
    "loaders and transforms behind the charts.", "small helpers with no Streamlit state of their own.",
    "the live view; parts of it rerun as fragments.", "helpers used by several pages.",
]


def fill_blocks(w: ModuleWriter, budget: int, mix: list[tuple[str, float]]) -> None:
    kinds, weights = zip(*mix, strict=True)  # pairs
    start = len(w.body)
    while len(w.body) - start < budget:
        remaining = budget - (len(w.body) - start)
        size = min(remaining, w.rng.randrange(10, 40))
        kind = w.rng.choices(kinds, weights)[0]
        if remaining < 8:
            kind = "constants"
        block = getattr(w, f"block_{kind}")(max(size, 4))
        w.emit(block)


def init_module(plan: FilePlan, w: ModuleWriter, visible: list[Symbol], doc: list[str]) -> list[str]:
    pkg = module_name(plan.path)
    children = [s for s in visible if s.module.startswith(pkg + ".") and s.module.count(".") == pkg.count(".") + 1
                and s.kind in ("fragment", "render", "loader", "fmt_num", "fmt_text", "state")]
    unique = list({s.name: s for s in children}.values())
    chosen = w.rng.sample(unique, min(len(unique), 4))
    lines = doc + [""]
    for s in sorted(chosen, key=lambda s: (s.module, s.name)):
        lines.append(f"from .{s.module[len(pkg) + 1:]} import {s.name}")
        w.exports.append(replace(s, module=pkg))
    if chosen:
        lines += ["", "__all__ = [" + ", ".join(f'"{s.name}"' for s in sorted(chosen, key=lambda s: s.name)) + "]"]
    return lines


def generate(out: Path, files: int, lines: int, seed: int = 0, big_file: int | None = None,
             mistake_rate: float = 0.04) -> dict:
    """Write the project under `out`; return a summary with the injected mistakes."""
    rng = random.Random(seed)
    plans = plan_files(files, lines, rng, big_file)
    order = {"util": 0, "data": 1, "component": 2, "init": 2, "page": 3, "app": 4}
    plans.sort(key=lambda p: (order[p.role], -p.path.count("/"), p.role == "init", p.path))
    out.mkdir(parents=True, exist_ok=True)
    (out / "pyproject.toml").write_text(
        '[project]\nname = "generated-streamlit-app"\nversion = "0.0.0"\n'
        'requires-python = ">=3.10"\ndependencies = ["streamlit>=1.37", "pandas", "numpy"]\n'
    )
    visible: list[Symbol] = []
    called: set[str] = set()
    mistakes: list[Mistake] = []
    total = 0
    debt = 0  # lines still owed (or over-produced) by earlier files, spread over later ones
    for plan in plans:
        owes_debt = plan.role != "init" and not (big_file and plan.path == "app.py")
        if owes_debt:
            plan.target = max(8, plan.target + debt)
        text_lines, w = write_module(plan, rng, visible, mistake_rate, called)
        if plan.role != "init":
            text_lines = fit(text_lines, plan.target, w)
            debt = plan.target - len(text_lines) if owes_debt else debt
        path = out / plan.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(text_lines) + "\n")
        total += len(text_lines)
        visible += [s for s in w.exports if plan.role != "page" and plan.role != "app"]
        mistakes += [Mistake(plan.path, line + 1, kind) for line, kind in w.mistakes]
    return {
        "files": len(plans),
        "lines": total,
        "seed": seed,
        "mistakes": [m.__dict__ for m in sorted(mistakes, key=lambda m: (m.path, m.line))],
    }


def fit(lines: list[str], target: int, w: ModuleWriter) -> list[str]:
    """Trim trailing blank lines, or pad with a comment block, to land near `target`."""
    if len(lines) >= target:
        return lines
    pad = target - len(lines)
    if pad == 1:
        return lines + [f"# {w.pick(COMMENTS)}"]
    filler = ["", ""] + [f"# {w.pick(COMMENTS)}" for _ in range(min(pad - 2, 3))]
    name = w.fresh(f"{w.pick(DOMAINS).upper()}_NOTES")
    rest = pad - len(filler)
    if rest >= 3:
        filler += [f"{name} = ("] + [f'    "{w.pick(COMMENTS)}; "' for _ in range(rest - 2)] + [")"]
    else:
        filler += [f"# {w.pick(COMMENTS)}" for _ in range(rest)]
    return lines + filler


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="directory to write the project into (created if missing)")
    ap.add_argument("--files", type=int, default=200, help="number of .py files (exact)")
    ap.add_argument("--lines", type=int, default=15000, help="total lines across all files (within 5%%)")
    ap.add_argument("--lines-per-file", type=int, help="alternative to --lines: files x this many lines")
    ap.add_argument("--big-file", type=int, metavar="N", help="make app.py N lines long (with --files 1: a single-file app)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mistake-rate", type=float, default=0.04, help="chance per opportunity of injecting a fragment mistake")
    ap.add_argument("--manifest", type=Path, help="write the summary and injected mistakes as JSON here")
    args = ap.parse_args(argv)
    if args.files < 1:
        ap.error("--files must be at least 1")
    lines = args.lines_per_file * args.files if args.lines_per_file else args.lines
    if args.big_file and args.files > 1:
        lines = max(0, lines - args.big_file) if not args.lines_per_file else lines - args.lines_per_file
    if args.out.exists() and any(args.out.rglob("*.py")):
        ap.error(f"{args.out} already contains .py files; choose an empty directory")
    summary = generate(args.out, args.files, lines, args.seed, args.big_file, args.mistake_rate)
    if args.manifest:
        args.manifest.write_text(json.dumps(summary, indent=2) + "\n")
    counts = {k: sum(m["kind"] == k for m in summary["mistakes"]) for k in MISTAKES}
    print(f"wrote {summary['files']} files, {summary['lines']} lines to {args.out} (seed {args.seed}); "
          f"mistakes: {', '.join(f'{k}={v}' for k, v in counts.items())}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
