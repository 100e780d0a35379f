"""``python -m neurochip``: the command line (see :mod:`neurochip.cli`)."""

from neurochip.cli import main

main()
