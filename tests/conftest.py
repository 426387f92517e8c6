"""Set-up shared by every test module: which examples the property tests (hypothesis) draw.

By default they run on a fixed sequence of examples (``derandomize``), so the suite gives the
same answer on every run and machine: a red CI run means the code changed, never that this run
drew a new example.  ``GOVPLAN_HYPOTHESIS=random pytest`` draws fresh random examples instead
(and keeps the failures it finds in .hypothesis/ to replay them): the way to hunt for new bugs.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("fixed", derandomize=True, database=None, print_blob=True)
settings.register_profile("random", print_blob=True)
settings.load_profile(os.environ.get("GOVPLAN_HYPOTHESIS", "fixed"))
