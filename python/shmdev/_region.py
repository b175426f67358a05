# SPDX-License-Identifier: MIT
"""Regions, their ACLs and their semaphores."""

from __future__ import annotations

import ctypes
import dataclasses
import errno
import math
import mmap
import os
import time
from typing import Any, Iterator

from . import _lib
from ._lib import lib

# madvise advice of Linux 5.14, which Python 3.11's mmap may not name.
_MADV_POPULATE_READ = 22
_MADV_POPULATE_WRITE = 23
# A wait this long (about 68 years) or longer has no deadline, as
# shmdevctl sem wait --timeout takes it.
_FOREVER = 2**31


def _rights(access: str | int) -> int:
    """Rights from "rwxa" letters (as shmdevctl writes them) or a mask."""
    if isinstance(access, int):
        return access
    return _lib.check(lib.shmdev_rights_parse(access.encode()), access)


@dataclasses.dataclass(frozen=True)
class Stat:
    """What SHMDEV_IOC_STAT says about a region (times in ns since the epoch)."""

    name: str
    id: int
    size: int
    uid: int
    gid: int
    cuid: int
    cgid: int
    mode: int
    state: int
    creator_pid: int
    nsems: int
    access: int
    acl_count: int
    create_time: int
    attach_time: int
    change_time: int
    handles: int
    mappings: int
    resident_pages: int
    ipc_ns: int

    @property
    def unlinked(self) -> bool:
        return bool(self.state & _lib.STATE_UNLINKED)

    @property
    def transient(self) -> bool:
        return bool(self.state & _lib.STATE_TRANSIENT)


@dataclasses.dataclass(frozen=True)
class ListEntry:
    """One region of :func:`list`."""

    name: str
    id: int
    size: int
    uid: int
    gid: int
    mode: int
    state: int
    ipc_ns: int


def _stat_of(st: _lib.Stat) -> Stat:
    fields = {f.name: getattr(st, f.name)
              for f in dataclasses.fields(Stat) if f.name != "name"}
    return Stat(name=os.fsdecode(st.name_out), **fields)


def stat(name: str) -> Stat:
    """The Stat of the region called @name, without opening it."""
    st = _lib.Stat()
    _lib.check(lib.shmdev_stat_name(_lib.encode_name(name), ctypes.byref(st)),
               name)
    return _stat_of(st)


def unlink(name: str) -> None:
    """Remove the name; the region lives on while it is open or mapped."""
    _lib.check(lib.shmdev_unlink(_lib.encode_name(name), 0), name)


def list_regions(all_namespaces: bool = False) -> Iterator[ListEntry]:
    """The regions of the caller's IPC namespace (or of all, with
    CAP_SYS_ADMIN), in id order."""
    it = ctypes.c_void_p()
    _lib.check(lib.shmdev_list_open_flags(ctypes.byref(it),
                                          1 if all_namespaces else 0))
    try:
        e = _lib.ListEntry()
        while _lib.check(lib.shmdev_list_next(it, ctypes.byref(e))) > 0:
            yield ListEntry(os.fsdecode(e.name), e.id, e.size, e.uid, e.gid,
                            e.mode, e.state, e.ipc_ns)
    finally:
        lib.shmdev_list_close(it)


class Semaphore:
    """Semaphore @index of a region: a counting semaphore in the kernel,
    handed to waiters in FIFO order, with undo on the holder's death.

    ``with region.sem(0, undo=True):`` is a lock that a ``kill -9`` of its
    holder releases; the next acquire then sets :attr:`abandoned`.
    """

    def __init__(self, region: Region, index: int, undo: bool = False):
        self._region = region
        self.index = index
        self.undo = undo
        #: True when the last successful acquire found units an undo gave
        #: back: the previous holder died holding them, and what the
        #: semaphore protects may need repair.
        self.abandoned = False

    def _flags(self, undo: bool | None) -> int:
        return _lib.SEM_UNDO if (self.undo if undo is None else undo) else 0

    def acquire(self, timeout: float | None = None, undo: bool | None = None,
                *, blocking: bool = True) -> bool:
        """Take one unit: True, or False if none came within @timeout
        seconds (None, an infinite timeout or one of 2**31 s or more: no
        limit; 0, or not @blocking: none now). Interrupted by a signal
        whose handler returns, it waits on to the same deadline; one whose
        handler raises ends the wait with that exception."""
        if isinstance(timeout, bool):
            raise TypeError("timeout must be a number of seconds or None; "
                            "use blocking=False to try once")
        if timeout is not None and (math.isnan(timeout) or timeout < 0):
            raise ValueError("timeout must be a non-negative number")
        if timeout is not None and timeout >= _FOREVER:
            timeout = None
        fd = self._region.fileno()
        flags = self._flags(undo)
        if not blocking or timeout == 0:
            ret = lib.shmdev_sem_trywait(fd, self.index, flags)
        elif timeout is None:
            while (ret := lib.shmdev_sem_wait(fd, self.index, flags)) == \
                    -errno.EINTR:
                pass
        else:
            deadline = time.clock_gettime_ns(time.CLOCK_MONOTONIC) + \
                max(0, int(timeout * 1e9))
            ts = _lib.Timespec(deadline // 10**9, deadline % 10**9)
            while (ret := lib.shmdev_sem_timedwait(
                    fd, self.index, flags, _lib.CLOCK_MONOTONIC,
                    ctypes.byref(ts))) == -errno.EINTR:
                pass
        if ret in (-errno.EAGAIN, -errno.ETIMEDOUT):
            return False
        self.abandoned = _lib.check(ret) == _lib.SEM_UNDONE
        return True

    def release(self, n: int = 1, undo: bool | None = None) -> None:
        """Add @n units, waking the oldest waiters first."""
        _lib.check(lib.shmdev_sem_post(self._region.fileno(), self.index, n,
                                       self._flags(undo)))

    def _info(self) -> _lib.SemInfo:
        info = _lib.SemInfo()
        _lib.check(lib.shmdev_sem_get(self._region.fileno(), self.index,
                                      ctypes.byref(info)))
        return info

    @property
    def value(self) -> int:
        """The number of free units."""
        return int(self._info().value)

    @value.setter
    def value(self, value: int) -> None:
        _lib.check(lib.shmdev_sem_set(self._region.fileno(), self.index,
                                      value))

    @property
    def waiters(self) -> int:
        """How many tasks sleep on the semaphore."""
        return int(self._info().waiters)

    def __enter__(self) -> Semaphore:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class Acl:
    """A region's access-control list, in shmdevctl's text syntax:
    ``u:1000:rw,g:video:x`` (r read, w write, x semaphores, a admin)."""

    def __init__(self, region: Region):
        self._region = region

    def _get(self) -> ctypes.Array[_lib.AclEntry]:
        e = (_lib.AclEntry * _lib.ACL_MAX)()
        n = _lib.check(lib.shmdev_acl_get(self._region.fileno(), e,
                                          _lib.ACL_MAX))
        return (_lib.AclEntry * n).from_buffer_copy(e, 0) if n else \
            (_lib.AclEntry * 0)()

    def _set(self, entries: Any) -> None:
        arr = (_lib.AclEntry * len(entries))(*entries)
        _lib.check(lib.shmdev_acl_set(self._region.fileno(), arr,
                                      len(entries)))

    @staticmethod
    def _parse(text: str) -> ctypes.Array[_lib.AclEntry]:
        e = (_lib.AclEntry * _lib.ACL_MAX)()
        n = _lib.check(lib.shmdev_acl_parse(text.encode(), e, _lib.ACL_MAX),
                       text)
        return (_lib.AclEntry * n).from_buffer_copy(e, 0) if n else \
            (_lib.AclEntry * 0)()

    def get(self, numeric: bool = False) -> str:
        """The entries as text, with names unless @numeric."""
        e = self._get()
        buf = ctypes.create_string_buffer(_lib.ACL_MAX * 300)
        _lib.check(lib.shmdev_acl_format(e, len(e), 0 if numeric else
                                         _lib.ACL_FORMAT_NAMES, buf,
                                         len(buf)))
        return buf.value.decode()

    def __str__(self) -> str:
        return self.get()

    def set(self, text: str) -> None:
        """Replace the list with @text's entries ("" empties it)."""
        self._set(self._parse(text) if text else [])

    def modify(self, text: str) -> None:
        """Add @text's entries, or change the rights of those present."""
        entries = [_lib.AclEntry(e.tag, e.id, e.rights) for e in self._get()]
        for new in self._parse(text):
            for e in entries:
                if (e.tag, e.id) == (new.tag, new.id):
                    e.rights = new.rights
                    break
            else:
                entries.append(_lib.AclEntry(new.tag, new.id, new.rights))
        if len(entries) > _lib.ACL_MAX:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._set(entries)

    def remove(self, text: str) -> None:
        """Remove the entries @text names (``u:1000,g:video``; rights, if
        given, are ignored)."""
        spec = ",".join(w + ":-" if w.count(":") == 1 else w
                        for w in text.split(","))
        gone = {(e.tag, e.id) for e in self._parse(spec)}
        self._set([e for e in self._get() if (e.tag, e.id) not in gone])


class Region:
    """An open shmdev region: its fd, and its mapping once :attr:`buf` is
    read. Use :meth:`create`, :meth:`open` or :meth:`open_or_create`."""

    def __init__(self, fd: int, name: str, access: int, created: bool):
        self._fd = fd
        self.name = name
        #: The rights this handle was opened with (ACCESS_* bits).
        self.access = access
        #: True when :meth:`open_or_create` created the region.
        self.created = created
        self._mmap: mmap.mmap | None = None
        self._buf: memoryview | None = None

    @property
    def acl(self) -> Acl:
        """The region's access-control list (needs admin rights to read
        or change)."""
        return Acl(self)

    @classmethod
    def create(cls, name: str, size: int, mode: int = 0o600, sems: int = 0,
               transient: bool = False, populate: bool = False) -> Region:
        """Create region @name of @size bytes with @sems semaphores;
        FileExistsError if the name is taken."""
        flags = (_lib.CREATE_TRANSIENT if transient else 0) | \
            (_lib.CREATE_POPULATE if populate else 0)
        fd = _lib.check(lib.shmdev_create(_lib.encode_name(name), size, mode,
                                          flags, sems), name)
        return cls(fd, name, _lib.ACCESS_READ | _lib.ACCESS_WRITE |
                   _lib.ACCESS_SYNC | _lib.ACCESS_ADMIN, True)

    @classmethod
    def open(cls, name: str, access: str | int = "rw") -> Region:
        """Open region @name with @access ("r", "rw", "rwx", ...: read,
        write, semaphores, admin); FileNotFoundError, PermissionError."""
        rights = _rights(access)
        fd = _lib.check(lib.shmdev_open(_lib.encode_name(name), rights), name)
        return cls(fd, name, rights, False)

    @classmethod
    def open_or_create(cls, name: str, size: int, mode: int = 0o600,
                       sems: int = 0, transient: bool = False,
                       populate: bool = False,
                       access: str | int = "rwx") -> Region:
        """Open @name, or create it as :meth:`create` would; race-free
        against other processes doing the same. :attr:`created` says
        which happened."""
        flags = (_lib.CREATE_TRANSIENT if transient else 0) | \
            (_lib.CREATE_POPULATE if populate else 0)
        rights = _rights(access)
        created = ctypes.c_int(0)
        fd = _lib.check(lib.shmdev_open_or_create(
            _lib.encode_name(name), size, mode, flags, sems, rights,
            ctypes.byref(created)), name)
        if created.value:
            rights = _lib.ACCESS_READ | _lib.ACCESS_WRITE | \
                _lib.ACCESS_SYNC | _lib.ACCESS_ADMIN
        return cls(fd, name, rights, bool(created.value))

    def fileno(self) -> int:
        """The region fd; ValueError once closed."""
        if self._fd < 0:
            raise ValueError("operation on a closed region")
        return self._fd

    @property
    def closed(self) -> bool:
        return self._fd < 0

    def stat(self) -> Stat:
        st = _lib.Stat()
        _lib.check(lib.shmdev_stat(self.fileno(), ctypes.byref(st)),
                   self.name)
        return _stat_of(st)

    @property
    def size(self) -> int:
        return self.stat().size

    @property
    def buf(self) -> memoryview:
        """The region's bytes, mapped shared on first use: writable when
        the handle has write access, else read-only (a write raises
        TypeError). A write after WRITE is revoked from the ACL kills the
        process with SIGBUS, as it would a C program."""
        if self._buf is None:
            fd = self.fileno()
            st = self.stat()
            writable = bool(self.access & _lib.ACCESS_WRITE)
            prot = mmap.PROT_READ | (mmap.PROT_WRITE if writable else 0)
            if st.size == 0:
                self._buf = memoryview(b"")
                return self._buf
            self._mmap = mmap.mmap(fd, st.size, mmap.MAP_SHARED, prot)
            if st.state & _lib.STATE_POPULATED:
                try:
                    self._mmap.madvise(_MADV_POPULATE_WRITE if writable
                                       else _MADV_POPULATE_READ)
                except OSError:
                    pass    # before Linux 5.14: pages come as touched
            # A mapping without PROT_WRITE exports a read-only buffer.
            self._buf = memoryview(self._mmap)
        return self._buf

    def ndarray(self, dtype: Any, shape: Any = None, offset: int = 0) -> Any:
        """A numpy array over the mapping (no copy); read-only for a
        read-only handle. @shape defaults to all that fits."""
        import numpy

        dt = numpy.dtype(dtype)
        if shape is None:
            shape = ((len(self.buf) - offset) // dt.itemsize,)
        elif isinstance(shape, int):
            shape = (shape,)
        count = 1
        for n in shape:
            count *= n
        return numpy.frombuffer(self.buf, dt, count, offset).reshape(shape)

    def sem(self, index: int, undo: bool = False) -> Semaphore:
        """Semaphore @index; @undo makes ``with`` and the default of
        acquire/release use undo."""
        return Semaphore(self, index, undo)

    def chmod(self, mode: int) -> None:
        _lib.check(lib.shmdev_chmod(self.fileno(), mode), self.name)

    def chown(self, uid: int = -1, gid: int = -1) -> None:
        """Change the owner and group; -1 leaves one as it is."""
        _lib.check(lib.shmdev_chown(self.fileno(), uid & 0xFFFFFFFF,
                                    gid & 0xFFFFFFFF), self.name)

    def unlink(self) -> None:
        """Remove this region's name, with this handle's rights (it needs
        admin rights). FileNotFoundError if the region has no name any
        more, even when another region has taken the name since: that one
        is left alone."""
        _lib.check(lib.shmdev_unlink_fd(self.fileno(), 0), self.name)

    def close(self) -> None:
        """Close the region fd and let go of the mapping. Views of
        :attr:`buf` and arrays over it that are still alive keep the
        mapping, and through Python's mmap a descriptor of the region,
        until the last of them is gone, as with numpy.memmap: nothing is
        left pointing at unmapped memory."""
        buf, mm = self._buf, self._mmap
        self._buf = self._mmap = None
        try:
            if buf is not None:
                buf.release()
            if mm is not None:
                mm.close()
        except BufferError:
            pass    # still exported: unmapped with its last view
        finally:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def __enter__(self) -> Region:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"fd={self._fd}"
        return f"<shmdev.Region {self.name!r} {state}>"
