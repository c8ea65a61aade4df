"""What fraglint knows about Streamlit's API: which calls are widgets, elements, containers.

Names are API paths after `streamlit.` (what `ProjectIndex.resolve` yields). Version-dependent
behaviour lives in `model.versions`, not here.
"""

from __future__ import annotations

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
