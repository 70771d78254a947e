import sys

from .cli import EXIT_INTERRUPTED, exit_as_interrupted, main

code = main()
if code == EXIT_INTERRUPTED:
    exit_as_interrupted()
sys.exit(code)
