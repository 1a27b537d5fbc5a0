"""``python -m fastdispatch``: the ``fastdispatch`` command (see ``cli``)."""

import sys

from .cli import main

sys.exit(main())
