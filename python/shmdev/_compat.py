# SPDX-License-Identifier: MIT
"""multiprocessing.shared_memory.SharedMemory over a shmdev region."""

from __future__ import annotations

import secrets

from ._region import Region


class SharedMemory:
    """The interface of :class:`multiprocessing.shared_memory.SharedMemory`
    (constructor, name, size, buf, close, unlink) on a shmdev region.

    Unlike it, nothing is registered with a resource tracker: a process
    that only opened a segment never unlinks it at exit, and the region
    lives until :meth:`unlink` (``transient=True`` instead frees it with
    its last user). The differences are listed in
    Documentation/library.rst.
    """

    def __init__(self, name: str | None = None, create: bool = False,
                 size: int = 0, *, mode: int = 0o600,
                 transient: bool = False, track: bool = True):
        if size < 0:
            raise ValueError("'size' must be a positive integer")
        if create:
            if size == 0:
                raise ValueError("'size' must be a positive number "
                                 "different from zero")
            if name is None:
                while True:
                    try:
                        self._region = Region.create(
                            "psm_" + secrets.token_hex(4), size, mode,
                            transient=transient)
                        break
                    except FileExistsError:
                        continue
            else:
                self._region = Region.create(name, size, mode,
                                             transient=transient)
        else:
            if name is None:
                raise ValueError("'name' can only be None if create=True")
            self._region = Region.open(name, "rw")
        try:
            self._name = self._region.name
            self._size = self._region.size
            self._buf: memoryview | None = self._region.buf
        except BaseException:
            # As multiprocessing does: a segment made here goes again.
            if create:
                self._region.unlink()
            self._region.close()
            raise

    @property
    def name(self) -> str:
        """The region's name, as given (no leading slash is added)."""
        return self._name

    @property
    def size(self) -> int:
        """The region's size in bytes, exactly as created."""
        return self._size

    @property
    def buf(self) -> memoryview | None:
        """A writable memoryview of the whole region; None once closed."""
        return self._buf

    def close(self) -> None:
        """Release this process's view and descriptor; the region stays.
        BufferError while something made from :attr:`buf` (a numpy array,
        a slice) is alive, as multiprocessing raises, and nothing closed."""
        if self._buf is not None:
            self._buf.release()
            self._buf = None
        if self._region._mmap is not None:
            self._region._mmap.close()  # BufferError while exported
        self._region.close()

    def unlink(self) -> None:
        """Remove the name, as shm_unlink() does; mapped views live on."""
        from ._region import unlink

        unlink(self._name)

    def __enter__(self) -> SharedMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __reduce__(self) -> tuple[type, tuple[str, bool, int]]:
        return (self.__class__, (self._name, False, self._size))

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._name!r}, size={self._size})"
