"""JUnit XML (`--output-format junit`): one test suite, a test case per file, a failure per diagnostic.

CI systems that only understand test reports (GitLab, Jenkins, Azure) show each file with
problems as a failed test. A clean check is one passing test case, so the report is never empty.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from fraglint.report import RenderOptions
from fraglint.result import CheckResult
from fraglint.safe_text import printable

# Characters XML 1.0 cannot carry at all, even escaped (controls are escaped before).
_NOT_XML = re.compile("[\ufffe\uffff]")


def _clean(text: str) -> str:
    """Printable (the XML goes to standard output, often a CI log) and valid XML."""
    return _NOT_XML.sub("\ufffd", printable(text))


def render(result: CheckResult, out: TextIO, options: RenderOptions) -> None:
    by_file: dict[str, list] = {}
    for d in result.diagnostics:
        by_file.setdefault(options.display_path(d.path), []).append(d)
    failures = len(result.diagnostics)
    cases = max(len(by_file), 1)
    suites = ET.Element("testsuites", name="fraglint", tests=str(cases), failures=str(failures), errors="0")
    suite = ET.SubElement(
        suites, "testsuite", name="fraglint", tests=str(cases), failures=str(failures), errors="0", skipped="0"
    )
    if not by_file:
        ET.SubElement(suite, "testcase", name=f"fraglint ({result.files_checked} files)", classname="fraglint")
    for path, diagnostics in by_file.items():
        case = ET.SubElement(suite, "testcase", name=_clean(path), classname="fraglint", file=_clean(path))
        for d in diagnostics:
            failure = ET.SubElement(case, "failure", message=_clean(f"{d.code} [{d.name}] {d.message}"), type=d.code)
            lines = [f"{path}:{d.span.line}:{d.span.column}: {d.code} [{d.name}] {d.message}"]
            lines += [f"  = {options.display_path(r.path)}:{r.span.line}:{r.span.column}: {r.message}" for r in d.related]
            failure.text = "\n".join(_clean(line) for line in lines)
    ET.indent(suites)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(suites, encoding="unicode"))
    out.write("\n")
