"""`python -m worksync.common.ops`: see `worksync.common.ops.cli`."""

import sys

from worksync.common.ops.cli import main

sys.exit(main())
