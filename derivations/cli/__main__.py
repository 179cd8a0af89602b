"""``python -m derivations.cli``: the ``emergence`` command."""
import sys

from derivations.cli import main

sys.exit(main())
