"""What fraglint knows about Streamlit's API: which calls are widgets, elements, containers,
and how Streamlit reads the arguments the rules care about (`st.rerun`'s scope, callbacks).

Names are API paths after `streamlit.` (what `ProjectIndex.resolve` yields). Each grammar has
its one home here (the `run_every` time grammar in `model.run_every`), so the rules and the
rerun interpreter cannot read one argument two ways. Version-dependent behaviour lives in
`model.versions`, not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from fraglint.index.summary import CallSite, Value, ValueKind

FRAGMENT_DECORATORS = frozenset({"fragment", "experimental_fragment"})
DIALOG_DECORATORS = frozenset({"dialog", "experimental_dialog"})

CACHE_DECORATORS = frozenset(
    {"cache_data", "cache_resource", "cache", "experimental_memo", "experimental_singleton"}
)

# Widgets: elements with a value that the user changes, each interaction triggers a rerun.
WIDGETS = frozenset(
    {
        "button",
        "download_button",
        "checkbox",
        "toggle",
        "radio",
        "selectbox",
        "multiselect",
        "slider",
        "select_slider",
        "text_input",
        "number_input",
        "text_area",
        "date_input",
        "time_input",
        "datetime_input",
        "file_uploader",
        "camera_input",
        "audio_input",
        "color_picker",
        "data_editor",
        "experimental_data_editor",
        "chat_input",
        "form_submit_button",
        "pills",
        "segmented_control",
        "feedback",
    }
)

# Widgets whose value is truthy only in the run their use starts (the click, the submit), and
# falsy (False, None) in every other run.
MOMENTARY_WIDGETS = frozenset({"button", "form_submit_button", "chat_input"})

# Widgets whose value starts out falsy (False, "", None, []) unless the argument named here,
# as (keyword, position or None for keyword-only), sets another starting value.
FALSY_START = {
    "checkbox": ("value", 1),
    "toggle": ("value", 1),
    "text_input": ("value", 1),
    "text_area": ("value", 1),
    "multiselect": ("default", 2),
    "pills": ("default", None),
    "segmented_control": ("default", None),
    "file_uploader": None,
    "camera_input": None,
    "audio_input": None,
}

# Calls that create a container that later writes can target.
CONTAINERS = frozenset(
    {
        "container",
        "columns",
        "tabs",
        "expander",
        "popover",
        "form",
        "empty",
        "chat_message",
        "status",
        "sidebar",
        "bottom",
    }
)

# Containers whose content is replaced, not appended, on each write.
REPLACING_CONTAINERS = frozenset({"empty"})

# Non-widget elements that draw something.
ELEMENTS = frozenset(
    {
        "write",
        "write_stream",
        "markdown",
        "text",
        "title",
        "header",
        "subheader",
        "caption",
        "code",
        "latex",
        "divider",
        "json",
        "metric",
        "dataframe",
        "table",
        "line_chart",
        "area_chart",
        "bar_chart",
        "scatter_chart",
        "map",
        "pyplot",
        "altair_chart",
        "vega_lite_chart",
        "plotly_chart",
        "bokeh_chart",
        "pydeck_chart",
        "graphviz_chart",
        "image",
        "audio",
        "video",
        "pdf",
        "success",
        "info",
        "warning",
        "error",
        "exception",
        "progress",
        "spinner",
        "echo",
        "html",
        "badge",
        "help",
        "link_button",
        "page_link",
        "toast",
        "balloons",
        "snow",
        "logo",
        "add_rows",
    }
)

# Methods of a container object that only configure it or return a child (no element drawn).
CONTAINER_QUERIES = frozenset({"update", "__enter__", "__exit__", "id"})

# Sidebar and bottom are containers that always live outside any fragment.
ROOT_CONTAINERS = frozenset({"sidebar", "bottom", "_bottom"})

# The keywords through which a Streamlit call takes a widget callback: `on_click` (buttons),
# `on_change` (value widgets), `on_submit` (chat input), `on_select` (selectable dataframes and
# charts, 1.35+; they also take the strings "rerun" and "ignore", which are not callbacks).
# Not followed yet: `on_dismiss` (dialogs and popovers in recent releases).
CALLBACK_KEYWORDS = ("on_click", "on_change", "on_submit", "on_select")

RERUN = "rerun"
STOP = "stop"  # ends the current run (a full run, or a fragment rerun) where it is called

# Everything fraglint knows by name: what `from streamlit import *` can bring in.
PUBLIC_NAMES = (
    FRAGMENT_DECORATORS | DIALOG_DECORATORS | CACHE_DECORATORS | WIDGETS | CONTAINERS | ELEMENTS
    | {"rerun", "experimental_rerun", "session_state", "stop", "navigation", "Page", "dialog", "switch_page"}
)
EXPERIMENTAL_RERUN = "experimental_rerun"


def method_name(api: str) -> str:
    """The last segment: `sidebar.write` -> `write`."""
    return api.rsplit(".", 1)[-1]


def draws(name: str) -> bool:
    """True for calls that put an element, widget or container on the page."""
    return name in WIDGETS or name in ELEMENTS or name in CONTAINERS


def is_widget(name: str) -> bool:
    return name in WIDGETS


class RerunScope(Enum):
    """What an `st.rerun(...)` call asks to rerun."""

    APP = "app"  # `st.rerun()`, `scope="app"`
    FRAGMENT = "fragment"  # the fragment running now
    KEY = "key"  # the fragment declared with `@st.fragment(key=...)` (1.63+)
    UNKNOWN = "unknown"  # a value a static reader cannot read, or one Streamlit rejects


@dataclass(frozen=True)
class RerunRequest:
    """The scope argument of one `st.rerun` call, read once for every rule and the interpreter."""

    scope: RerunScope
    key: str | None = None  # the fragment key, for RerunScope.KEY
    value: Value | None = None  # the argument as written; None for a bare `st.rerun()`
    keyword: bool = False  # passed as `scope=...`
    positional: bool = False  # the call has a positional argument (keyword-only before 1.63)

    def written(self) -> str:
        """The call as the user spelled it: `st.rerun(scope="fragment")` or `st.rerun("fragment")`."""
        if self.value is None:
            return "st.rerun()"
        text = self.key if self.scope is RerunScope.KEY else self.scope.value
        return f'st.rerun(scope="{text}")' if self.keyword else f'st.rerun("{text}")'


def rerun_request(call: CallSite) -> RerunRequest:
    """Read `st.rerun(scope)`: positional or `scope=`; "app", "fragment", or a fragment key.

    From 1.63 Streamlit takes an int key too and reads it as its string (`st.rerun(5)` reruns
    the fragment with `key="5"`); a float, None or a value only known at run time is UNKNOWN.
    """
    keyword = "scope" in call.kwargs
    value = call.kwargs["scope"] if keyword else (call.args[0] if call.args else None)
    if value is not None and value.kind == ValueKind.UNPACKED:  # `st.rerun(*args, **kwargs)` forwards
        return RerunRequest(RerunScope.UNKNOWN, None, value, keyword, positional=False)
    positional = bool(call.args)
    if value is None:
        return RerunRequest(RerunScope.APP, keyword=keyword, positional=positional)
    if value.kind == ValueKind.STR:
        text = str(value.literal)
        if text in ("app", "fragment"):
            return RerunRequest(RerunScope(text), None, value, keyword, positional)
        return RerunRequest(RerunScope.KEY, text, value, keyword, positional)
    if value.kind == ValueKind.NUM and isinstance(value.literal, int):
        return RerunRequest(RerunScope.KEY, str(value.literal), value, keyword, positional)
    return RerunRequest(RerunScope.UNKNOWN, None, value, keyword, positional)


def callback_values(call: CallSite) -> list[tuple[str, Value]]:
    """The callbacks passed to a call, as (keyword, value), in `CALLBACK_KEYWORDS` order.

    Only values that name something (a function, a method, a lambda) can be callbacks.
    """
    return [
        (name, call.kwargs[name])
        for name in CALLBACK_KEYWORDS
        if name in call.kwargs and call.kwargs[name].ref is not None
    ]
