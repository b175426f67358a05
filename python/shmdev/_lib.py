# SPDX-License-Identifier: MIT
"""ctypes bindings of libshmdev: the structures and functions the package uses.

Every function of the library returns a value >= 0 or a negative errno and
never sets errno; :func:`check` turns a negative value into the OSError
subclass Python has for it (FileExistsError, PermissionError, ...).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

c_u32 = ctypes.c_uint32
c_u64 = ctypes.c_uint64

# uapi/linux/shmdev.h
NAME_MAX = 256
SEM_VALUE_MAX = 0x7FFFFFFF
ACCESS_READ = 0x1
ACCESS_WRITE = 0x2
ACCESS_SYNC = 0x4
ACCESS_ADMIN = 0x8
CREATE_TRANSIENT = 0x1
CREATE_POPULATE = 0x2
STATE_TRANSIENT = 0x1
STATE_POPULATED = 0x2
STATE_UNLINKED = 0x4
STATE_ORPHANED = 0x8
SEM_UNDO = 0x1
SEM_UNDONE = 0x1
ACL_USER = 1
ACL_GROUP = 2
ACL_MAX = 64
ACL_FORMAT_NAMES = 0x1
CLOCK_MONOTONIC = 1


class Stat(ctypes.Structure):
    _fields_ = [
        ("name", c_u64), ("flags", c_u32), ("pad", c_u32), ("size", c_u64),
        ("uid", c_u32), ("gid", c_u32), ("cuid", c_u32), ("cgid", c_u32),
        ("mode", c_u32), ("state", c_u32), ("creator_pid", c_u32),
        ("nsems", c_u32), ("access", c_u32), ("acl_count", c_u32),
        ("create_time", c_u64), ("attach_time", c_u64),
        ("change_time", c_u64), ("handles", c_u64), ("mappings", c_u64),
        ("resident_pages", c_u64), ("id", c_u64), ("ipc_ns", c_u32),
        ("pad2", c_u32), ("reserved", c_u64 * 3),
        ("name_out", ctypes.c_char * NAME_MAX),
    ]


class ListEntry(ctypes.Structure):
    _fields_ = [
        ("id", c_u64), ("size", c_u64), ("uid", c_u32), ("gid", c_u32),
        ("mode", c_u32), ("state", c_u32), ("ipc_ns", c_u32), ("pad", c_u32),
        ("name", ctypes.c_char * NAME_MAX),
    ]


class AclEntry(ctypes.Structure):
    _fields_ = [("tag", c_u32), ("id", c_u32), ("rights", c_u32),
                ("reserved", c_u32)]


class SemInfo(ctypes.Structure):
    _fields_ = [("value", ctypes.c_uint), ("waiters", ctypes.c_uint),
                ("status", ctypes.c_uint)]


class Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


def _load() -> ctypes.CDLL:
    """libshmdev.so.1: $SHMDEV_LIBRARY, else the dynamic linker's search."""
    path = os.environ.get("SHMDEV_LIBRARY") or "libshmdev.so.1"
    try:
        return ctypes.CDLL(path)
    except OSError as e:
        found = ctypes.util.find_library("shmdev")
        if found:
            return ctypes.CDLL(found)
        raise ImportError(f"{path} not found ({e}): install libshmdev "
                          "(make install) or set SHMDEV_LIBRARY") from e


lib = _load()

_P = ctypes.POINTER
_c_str = ctypes.c_char_p
_uint = ctypes.c_uint
_int = ctypes.c_int
_SIGNATURES = {
    "shmdev_check": [c_u64],
    "shmdev_create": [_c_str, c_u64, _uint, _uint, _uint],
    "shmdev_open": [_c_str, _uint],
    "shmdev_open_or_create": [_c_str, c_u64, _uint, _uint, _uint, _uint,
                              _P(_int)],
    "shmdev_unlink": [_c_str, _uint],
    "shmdev_unlink_fd": [_int, _uint],
    "shmdev_stat": [_int, _P(Stat)],
    "shmdev_stat_name": [_c_str, _P(Stat)],
    "shmdev_list_open_flags": [_P(ctypes.c_void_p), _uint],
    "shmdev_list_next": [ctypes.c_void_p, _P(ListEntry)],
    "shmdev_acl_get": [_int, _P(AclEntry), _uint],
    "shmdev_acl_set": [_int, _P(AclEntry), _uint],
    "shmdev_acl_parse": [_c_str, _P(AclEntry), _uint],
    "shmdev_acl_format": [_P(AclEntry), _uint, _uint, ctypes.c_char_p,
                          ctypes.c_size_t],
    "shmdev_rights_parse": [_c_str],
    "shmdev_chmod": [_int, _uint],
    "shmdev_chown": [_int, c_u32, c_u32],
    "shmdev_sem_wait": [_int, _uint, _uint],
    "shmdev_sem_trywait": [_int, _uint, _uint],
    "shmdev_sem_timedwait": [_int, _uint, _uint, _int, _P(Timespec)],
    "shmdev_sem_post": [_int, _uint, _uint, _uint],
    "shmdev_sem_get": [_int, _uint, _P(SemInfo)],
    "shmdev_sem_set": [_int, _uint, _uint],
}
for _name, _args in _SIGNATURES.items():
    _fn = getattr(lib, _name)
    _fn.argtypes = _args
    _fn.restype = _int
lib.shmdev_list_close.argtypes = [ctypes.c_void_p]
lib.shmdev_list_close.restype = None


def check(ret: int, name: str | None = None) -> int:
    """Return @ret, or raise the OSError of errno -@ret (with @name)."""
    if ret >= 0:
        return ret
    if name is None:
        raise OSError(-ret, os.strerror(-ret))
    raise OSError(-ret, os.strerror(-ret), name)


def encode_name(name: str) -> bytes:
    """A region name as the kernel takes it; ValueError for a NUL in it."""
    if not isinstance(name, str):
        raise TypeError(f"region name must be str, not {type(name).__name__}")
    raw = os.fsencode(name)
    if b"\0" in raw:
        raise ValueError("embedded null character in region name")
    return raw
