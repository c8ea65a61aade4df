"""fraglint: a static analyzer for Streamlit apps that understands the rerun model."""

__version__ = "0.2.0a1"
