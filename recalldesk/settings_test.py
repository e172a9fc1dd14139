"""Settings for the test suite: the project's settings with RECALLDESK_TESTING set first."""

import os

os.environ["RECALLDESK_TESTING"] = "1"

from recalldesk.settings import *  # noqa: E402, F403
