"""``python -m edge`` runs the CLI."""

import sys

from edge.cli import main

sys.exit(main())
