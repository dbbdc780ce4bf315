"""``python -m csto`` is the ``csto`` command."""

from .cli import main

main()
