#!/usr/bin/env bash
# Runs the check for the action: annotations on the pull request (the job's exit status), a SARIF
# file for code scanning (the step's `sarif-file` output) and a job summary.
# Word splitting of INPUT_ARGS and INPUT_PATHS is intended (several arguments, several paths);
# they come from the workflow file, not from the code under review. Our options come after the
# user's, so an `--output-format` in `args` cannot redirect the SARIF file.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fraglint="${FRAGLINT_VENV:?}/bin/fraglint"
python="${FRAGLINT_VENV}/bin/python"
export FRAGLINT_CACHE_DIR="${INPUT_CACHE_DIR:-${RUNNER_TEMP:-/tmp}/fraglint-cache}"
sarif="${INPUT_SARIF_FILE:-${RUNNER_TEMP:-/tmp}/fraglint.sarif}"

# shellcheck disable=SC2086
"$fraglint" check $INPUT_ARGS --output-format sarif --exit-zero $INPUT_PATHS >"$sarif"
sarif_status=$?
# shellcheck disable=SC2086
"$fraglint" check $INPUT_ARGS --output-format github $INPUT_PATHS
status=$?

if [ -n "${GITHUB_OUTPUT:-}" ] && [ "$sarif_status" -eq 0 ]; then
  echo "sarif-file=$sarif" >>"$GITHUB_OUTPUT"
fi
if [ "${INPUT_SUMMARY:-true}" = "true" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ "$sarif_status" -eq 0 ]; then
  "$python" "$here/summary.py" "$sarif" >>"$GITHUB_STEP_SUMMARY" || echo "fraglint: could not write the job summary" >&2
fi
exit "$status"
