"""``python -m iscg_docs``: the same command line as ``iscg-docs``."""

import sys

from iscg_docs.cli import main

sys.exit(main())
