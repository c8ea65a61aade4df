from fraglint.cli import main

main()
