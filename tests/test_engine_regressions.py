"""Engine bugs found by the fixture and bad-input suites, kept fixed."""

from __future__ import annotations


def names_at(diagnostics):
    return sorted((d.name, d.span.line) for d in diagnostics)


def test_container_returned_by_a_helper_is_tracked(project):
    found = project({"app.py": """
        import streamlit as st

        def card():
            return st.container()

        made = card()

        @st.fragment
        def live():
            made.write("piles up")
            inner = card()
            inner.write("fine: made inside the fragment")

        live()
    """}, version="1.45.0")
    assert names_at(found) == [("outside-container-write", 10)]


def test_positional_rerun_scope_needs_1_63(project):
    files = {"app.py": """
        import streamlit as st

        @st.fragment
        def live():
            if st.button("Again"):
                st.rerun("fragment")

        live()
    """}
    assert names_at(project(files, version="1.45.0")) == [("fragment-api-unavailable", 6)]
    assert names_at(project(files, version="1.63.0")) == []


def test_star_import_from_streamlit(project):
    found = project({"app.py": """
        from streamlit import *

        @fragment
        def live():
            sidebar.write("x")

        live()
    """}, version="1.45.0")
    assert names_at(found) == [("fragment-sidebar-call", 5)]


def test_sidebar_child_container_reported_once(project):
    found = project({"app.py": """
        import streamlit as st

        @st.fragment
        def live():
            side = st.sidebar.container()
            side.write("x")

        live()
    """}, version="1.45.0")
    assert names_at(found) == [("fragment-sidebar-call", 5)]


def test_string_parameter_methods_are_not_containers(project):
    found = project({"app.py": """
        import streamlit as st

        @st.fragment
        def greet(name):
            st.write(name.title())

        greet("ada")
    """}, version="1.45.0")
    assert found == []
