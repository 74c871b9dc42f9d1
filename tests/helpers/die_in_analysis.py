"""Run one dreamly command and die by SIGKILL the moment it writes a dream's analysis
(the point where, before issue 18, the dream's text was already committed without it).

    python tests/helpers/die_in_analysis.py add "text" ...
"""

import os
import signal
import sys

from dreamly.store import journal
from dreamly.cli import main


def die(*args, **kwargs):
    print("writing the analysis", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


journal.Journal._replace_analysis = die
sys.argv = ["dreamly", *sys.argv[1:]]
main()
