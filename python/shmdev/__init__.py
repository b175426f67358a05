# SPDX-License-Identifier: MIT
"""shmdev: named shared-memory regions with access-control lists and
kernel semaphores, over libshmdev.

>>> import shmdev
>>> with shmdev.Region.create("frames", 1 << 20, sems=2) as r:
...     r.buf[:5] = b"hello"
...     with r.sem(0, undo=True):      # a lock that survives kill -9
...         pass
...     r.unlink()
"""

from ._compat import SharedMemory
from ._lib import (ACCESS_ADMIN, ACCESS_READ, ACCESS_SYNC, ACCESS_WRITE,
                   SEM_VALUE_MAX, STATE_ORPHANED, STATE_POPULATED,
                   STATE_TRANSIENT, STATE_UNLINKED)
from ._region import (Acl, ListEntry, Region, Semaphore, Stat, stat, unlink)
# shmdev.list(), as the API names it; not in __all__, so that
# "from shmdev import *" leaves the builtin alone.
from ._region import list_regions as list  # noqa: A001

__version__ = "1.0.0"

__all__ = [
    "ACCESS_ADMIN", "ACCESS_READ", "ACCESS_SYNC", "ACCESS_WRITE", "Acl",
    "ListEntry", "Region", "SEM_VALUE_MAX", "STATE_ORPHANED",
    "STATE_POPULATED", "STATE_TRANSIENT", "STATE_UNLINKED", "Semaphore",
    "SharedMemory", "Stat", "stat", "unlink",
]
