"""Lets `python -m armorsmith` run the command line; it owns nothing else."""

import sys

from armorsmith.cli import main

sys.exit(main())
