"""Marker helper for oracle case apps: appends one line to the file named by $ORACLE_LOG."""
import os


def mark(tag):
    path = os.environ.get("ORACLE_LOG")
    if path:
        with open(path, "a") as f:
            f.write(f"{tag}\n")
