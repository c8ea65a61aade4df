#!/usr/bin/env bash
# Installs fraglint into its own virtual environment, never into the runner's Python: runners
# that follow PEP 668 refuse `pip install` into the system interpreter, and a job's own Python
# and packages stay as the workflow set them. A venv restored from the cache is reused when it
# still runs.
# Env: FRAGLINT_VENV (where), FRAGLINT_VERSION (empty: this action's checkout at ACTION_PATH;
# `==X.Y` or a full requirement otherwise), FRAGLINT_PYTHON (the interpreter to build it from).
set -euo pipefail
venv="${FRAGLINT_VENV:?}"
python="${FRAGLINT_PYTHON:-python3}"

# What is to be installed: the requirement, or for the action's checkout a hash of its sources
# (a ref such as @main moves; its cached venv must not outlive the code it was built from).
if [ -z "${FRAGLINT_VERSION:-}" ]; then
  wanted="checkout $(cd "${ACTION_PATH:?}" && find pyproject.toml fraglint -type f -name '*.py' -o -name pyproject.toml | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)"
else
  wanted="requirement $FRAGLINT_VERSION"
fi
if [ -x "$venv/bin/fraglint" ] && [ "$(cat "$venv/.fraglint-installed" 2>/dev/null)" = "$wanted" ] && "$venv/bin/fraglint" --version >/dev/null 2>&1; then
  echo "fraglint: reusing $("$venv/bin/fraglint" --version) from the cache"
  exit 0
fi
rm -rf "$venv"
"$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip install --disable-pip-version-check --quiet)
case "${FRAGLINT_VERSION:-}" in
  "") "${pip[@]}" "${ACTION_PATH:?}" ;;
  fraglint*) "${pip[@]}" "$FRAGLINT_VERSION" ;;
  *) "${pip[@]}" "fraglint$FRAGLINT_VERSION" ;;
esac
"$venv/bin/fraglint" --version
echo "$wanted" >"$venv/.fraglint-installed"
