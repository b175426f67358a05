# SPDX-License-Identifier: MIT
"""The sizes and offsets of the ctypes structures of shmdev._lib, in the
order of abi_sizes.c."""

import ctypes
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
from shmdev import _lib  # noqa: E402

print(*(ctypes.sizeof(s) for s in (_lib.Stat, _lib.ListEntry, _lib.AclEntry,
                                   _lib.SemInfo, _lib.Timespec)))
print(_lib.Stat.size.offset, _lib.Stat.create_time.offset,
      _lib.Stat.ipc_ns.offset, _lib.Stat.name_out.offset,
      _lib.ListEntry.ipc_ns.offset, _lib.ListEntry.name.offset)
