#!/usr/bin/env bash
# The release check (.ci/run calls it): build the wheel and the sdist as a release would, check
# their metadata as PyPI would (twine check), then install the wheel alone into a fresh virtual
# environment and run the CLI from there, outside the source tree, so that a module, a data file
# or a dependency missing from the package fails here rather than on a user's machine.
# Usage: bash tests/packaging/check_wheel.sh   (needs `build` and `twine`: the dev extra)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${PYTHON:-python}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$PY" -m build --outdir "$work/dist" "$repo" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
"$PY" -m twine check --strict "$work"/dist/*
wheel="$(ls "$work"/dist/*.whl)"
version="$("$PY" -c 'import sys, re; print(re.search(r"-([^-]+)-py3", sys.argv[1]).group(1))' "$wheel")"

# The long description PyPI shows has no link that only works inside the repository.
if unzip -p "$wheel" '*.dist-info/METADATA' | grep -nE '\]\((\./)?(docs|tests|benchmarks|fixtures)/'; then
  echo "check_wheel: relative links in the long description (see [tool.hatch.metadata.hooks.fancy-pypi-readme])" >&2
  exit 1
fi

"$PY" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel" >"$work/pip.log" 2>&1 || { cat "$work/pip.log"; exit 1; }
cd "$work"  # away from the checkout: the installed package, not the source tree, must answer
printf 'import streamlit as st\n\n@st.experimental_fragment\ndef live():\n    st.write("x")\n\nlive()\n' >app.py
bin="$work/venv/bin/fraglint"
test "$("$bin" --version)" = "fraglint, version $version"
status=0
"$bin" check --no-cache --output-format concise --streamlit-version 1.45 app.py >out.txt || status=$?
test "$status" = 1 || { echo "check_wheel: expected exit 1, got $status" >&2; cat out.txt >&2; exit 1; }
grep -q "FRG108" out.txt
"$bin" rule experimental-fragment | grep -q "experimental_fragment"
# The language server is an extra: without it, a clear message and exit 2, not a traceback.
status=0
"$bin" lsp </dev/null >lsp.out 2>&1 || status=$?
test "$status" = 2 && grep -q "fraglint\[lsp\]" lsp.out || { echo "check_wheel: fraglint lsp without the extra:" >&2; cat lsp.out >&2; exit 1; }
echo "check_wheel: fraglint $version wheel and sdist build, pass twine check and run from a clean venv"
