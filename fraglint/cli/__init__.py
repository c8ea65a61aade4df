"""The command line: `fraglint check`, `fraglint rule`, `fraglint scopes`, `fraglint lsp`.

`app.py` holds the command group and the messages every command prints; each command has its
module (`check.py`, `commands.py` for the short ones), and what `check` does beyond checking
has its own (`fixing.py`, `output.py`, `inputs.py`). Importing the modules registers the commands.
"""

from fraglint.cli import check, commands
from fraglint.cli.app import main

__all__ = ["check", "commands", "main"]
