#!/usr/bin/env bash
# Installs what the oracle needs on a fresh machine (run as root, e.g. from .ci/run):
#   - Debian's chromium (Playwright's own browser download does not work here)
#   - the python packages uv and playwright (into the interpreter that runs pytest)
#   - one venv per Streamlit release, under .oracle-cache/venvs/ (gitignored)
# Usage: bash tests/oracle/setup.sh [releases]   (default: $FRAGLINT_ORACLE_RELEASES or the CI set)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3}"

if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  # Another apt (unattended-upgrades, a parallel job) may hold the lock: wait for it, do not fail.
  lock=(-o DPkg::Lock::Timeout="${FRAGLINT_APT_LOCK_TIMEOUT:-600}")
  apt-get "${lock[@]}" update -qq
  apt-get "${lock[@]}" install -y -qq --no-install-recommends chromium >/dev/null
fi
/usr/bin/chromium --version

# Debian's Neovim (0.7.2 on Debian 12) for tests/test_neovim.py, the documented editor set-up.
if ! command -v nvim >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends neovim >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends neovim >/dev/null; }
fi
nvim --version | head -1

"$PY" -c "import uv, playwright" 2>/dev/null || "$PY" -m pip install -q "uv>=0.4" "playwright>=1.40" packaging
"$PY" -c "import importlib.metadata as m; print('uv', m.version('uv'), 'playwright', m.version('playwright'))"

releases="${1:-${FRAGLINT_ORACLE_RELEASES:-}}"
"$PY" "$here/run_oracle.py" --prepare-only ${releases:+--releases "$releases"}
