# SPDX-License-Identifier: MIT
"""The Python package against the real module (run as root in the guest,
with the test user 2001 of selftests/userspace_test.h)."""

import errno
import gc
import itertools
import math
import multiprocessing.shared_memory
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
import unittest

import shmdev

USER = 2001
_names = itertools.count()

try:
    import numpy
except ImportError:  # the guest carries Debian's numpy; a skip is a failure
    numpy = None


def uniq(tag):
    return f"py-{tag}-{os.getpid()}-{next(_names)}"


def fork_child(fn, uid=None):
    """Fork a child that runs @fn (as @uid) and exits 0 when it returns,
    1 when it raises; returns its pid."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
            fn()
            code = 0
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            os._exit(code)
    return pid


HERE = os.path.dirname(os.path.abspath(__file__))


def run_python(*args, timeout=120):
    """Run Debian's Python on @args in a fresh process that imports the
    package under test; the CompletedProcess."""
    return subprocess.run([sys.executable, *args], capture_output=True,
                          text=True, timeout=timeout,
                          env=dict(os.environ,
                                   PYTHONPATH=os.path.join(HERE, "..")))


def until(cond, what, seconds=30):
    """Wait for @cond() to be true; fail after @seconds."""
    end = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def mappings():
    with open("/proc/self/maps") as f:
        return sum(1 for _ in f)


def in_child(fn, uid=None):
    """Run @fn in a child (as @uid); return its wait status."""
    return os.waitpid(fork_child(fn, uid), 0)[1]


def started_child(fn, uid=None):
    """Fork a child running @fn(ready) (as @uid), and return once it has
    called ready(): (pid, go), where go() lets ready() return."""
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()

    def body():
        os.close(ready_r)
        os.close(go_w)

        def ready():
            os.write(ready_w, b"r")
            os.read(go_r, 1)
        fn(ready)
    pid = fork_child(body, uid)
    os.close(ready_w)
    os.close(go_r)
    if os.read(ready_r, 1) != b"r":
        os.waitpid(pid, 0)
        raise AssertionError("the child died before it was ready")
    os.close(ready_r)

    def go():
        os.write(go_w, b"g")
        os.close(go_w)
    return pid, go


class Case(unittest.TestCase):
    def region(self, tag, size=4096, **kw):
        name = uniq(tag)
        r = shmdev.Region.create(name, size, **kw)
        self.addCleanup(self.forget, r)
        return r

    @staticmethod
    def forget(r):
        r.close()
        try:
            shmdev.unlink(r.name)
        except FileNotFoundError:
            pass


class Lifecycle(Case):
    def test_create_then_open_sees_the_same_region(self):
        r = self.region("life", 8192, sems=2)
        with shmdev.Region.open(r.name, "rwx") as o:
            self.assertEqual(8192, o.size)
            self.assertEqual(r.stat().id, o.stat().id)
            self.assertEqual(2, o.stat().nsems)
            self.assertFalse(o.created)

    def test_unlink_removes_the_name_but_not_the_open_region(self):
        r = self.region("unlink")
        r.buf[0] = 7
        r.unlink()
        with self.assertRaises(FileNotFoundError):
            shmdev.Region.open(r.name)
        self.assertEqual(7, r.buf[0])
        self.assertTrue(r.stat().unlinked)

    def test_open_or_create_says_which_it_did(self):
        name = uniq("ooc")
        with shmdev.Region.open_or_create(name, 4096) as a, \
                shmdev.Region.open_or_create(name, 4096) as b:
            self.assertTrue(a.created)
            self.assertFalse(b.created)
            self.assertEqual(a.stat().id, b.stat().id)
        shmdev.unlink(name)

    def test_context_manager_closes_the_fd(self):
        with self.region("ctx") as r:
            fd = r.fileno()
        self.assertTrue(r.closed)
        with self.assertRaises(ValueError):
            r.fileno()
        with self.assertRaises(OSError) as e:
            os.fstat(fd)
        self.assertEqual(errno.EBADF, e.exception.errno)

    def test_transient_region_goes_with_its_last_user(self):
        r = self.region("transient", transient=True)
        name = r.name
        self.assertTrue(r.stat().transient)
        r.close()
        with self.assertRaises(FileNotFoundError):
            shmdev.stat(name)

    def test_stat_is_a_dataclass_with_the_kernels_fields(self):
        r = self.region("stat", 12288, mode=0o640, sems=3)
        st = r.stat()
        self.assertEqual((12288, 0o640, 3, 0, os.getpid()),
                         (st.size, st.mode, st.nsems, st.uid,
                          st.creator_pid))
        self.assertEqual(st.id, shmdev.stat(r.name).id)
        self.assertEqual(shmdev.ACCESS_READ | shmdev.ACCESS_WRITE |
                         shmdev.ACCESS_SYNC | shmdev.ACCESS_ADMIN, st.access)

    def test_list_yields_the_regions_of_this_namespace(self):
        r = self.region("list", 4096 * 3)
        found = [e for e in shmdev.list() if e.name == r.name]
        self.assertEqual(1, len(found))
        self.assertEqual((4096 * 3, r.stat().id), (found[0].size,
                                                     found[0].id))


class Errors(Case):
    def test_create_of_a_taken_name_is_file_exists(self):
        r = self.region("exists")
        with self.assertRaises(FileExistsError) as e:
            shmdev.Region.create(r.name, 4096)
        self.assertEqual(errno.EEXIST, e.exception.errno)
        self.assertEqual(r.name, e.exception.filename)

    def test_open_of_a_missing_name_is_file_not_found(self):
        with self.assertRaises(FileNotFoundError) as e:
            shmdev.Region.open(uniq("missing"))
        self.assertEqual(errno.ENOENT, e.exception.errno)

    def test_open_without_the_right_is_permission_error(self):
        r = self.region("perm", mode=0o600)

        def child():
            try:
                shmdev.Region.open(r.name, "r")
            except PermissionError as e:
                assert e.errno == errno.EACCES, e
            else:
                raise AssertionError("opened without permission")
        self.assertEqual(0, in_child(child, USER))

    def test_bad_arguments_are_os_errors_with_errno(self):
        with self.assertRaises(OSError) as e:
            shmdev.Region.create(uniq("zero"), 0)
        self.assertEqual(errno.EINVAL, e.exception.errno)
        with self.assertRaises(OSError) as e:
            shmdev.Region.create("x" * 300, 4096)
        self.assertEqual(errno.ENAMETOOLONG, e.exception.errno)
        with self.assertRaises(ValueError):
            shmdev.Region.create("a\0b", 4096)
        with self.assertRaises(OSError) as e:
            shmdev.Region.open(uniq("access"), "rq")
        self.assertEqual(errno.EINVAL, e.exception.errno)


class Views(Case):
    def test_buf_is_a_writable_view_of_the_region(self):
        r = self.region("buf", 8192)
        self.assertEqual(8192, len(r.buf))
        self.assertFalse(r.buf.readonly)
        r.buf[100:105] = b"hello"
        with shmdev.Region.open(r.name, "r") as o:
            self.assertEqual(b"hello", bytes(o.buf[100:105]))

    def test_read_only_handle_gives_a_view_that_refuses_writes(self):
        r = self.region("ro")
        r.buf[0] = 1
        with shmdev.Region.open(r.name, "r") as o:
            self.assertTrue(o.buf.readonly)
            with self.assertRaises(TypeError):
                o.buf[0] = 2
            self.assertEqual(1, r.buf[0])

    def test_close_with_a_live_view_closes_the_fd_and_the_view_keeps_the_mapping(self):
        r = self.region("export", transient=True)
        fd = r.fileno()
        view = r.buf[0:16]
        r.close()
        self.assertTrue(r.closed)
        with self.assertRaises(OSError) as e:
            os.fstat(fd)
        self.assertEqual(errno.EBADF, e.exception.errno)
        view[0] = 5                     # still mapped: no dangling pointer
        self.assertEqual(5, view[0])
        self.assertEqual(1, shmdev.stat(r.name).mappings)
        view.release()
        del view
        gc.collect()
        with self.assertRaises(FileNotFoundError):  # the last user went
            shmdev.stat(r.name)

    def test_revocation_is_seen_by_open_handles_and_new_opens(self):
        r = self.region("revoked", mode=0o600, sems=1)
        r.acl.set(f"u:{USER}:rwx")
        r.buf[0] = 3

        def child(ready):
            with shmdev.Region.open(r.name, "rwx") as o:
                o.sem(0).release()
                view = o.buf            # mapped with WRITE, before the change
                ready()
                with self.assertRaises(PermissionError):
                    o.sem(0).release()
                assert view[0] == 3             # READ stays
                del view
                with self.assertRaises(PermissionError):
                    shmdev.Region.open(r.name, "rw")
                shmdev.Region.open(r.name, "r").close()
        pid, go = started_child(child, USER)
        r.acl.modify(f"u:{USER}:r")
        go()
        self.assertEqual(0, os.waitpid(pid, 0)[1])
        self.assertEqual(1, r.sem(0).value)

    def test_write_after_write_is_revoked_is_sigbus(self):
        r = self.region("revoke", mode=0o600)
        r.acl.set(f"u:{USER}:rw")

        def child(ready):
            with shmdev.Region.open(r.name, "rw") as o:
                o.buf[0] = 1
                ready()
                o.buf[1] = 2
        pid, go = started_child(child, USER)
        r.acl.modify(f"u:{USER}:r")
        go()
        status = os.waitpid(pid, 0)[1]
        self.assertTrue(os.WIFSIGNALED(status), status)
        self.assertEqual(signal.SIGBUS, os.WTERMSIG(status))
        self.assertEqual((1, 0), (r.buf[0], r.buf[1]))


@unittest.skipIf(numpy is None, "numpy is not installed")
class Arrays(Case):
    def test_ndarray_shares_memory_across_processes(self):
        r = self.region("np", 1 << 20)
        a = r.ndarray(numpy.float64, (256, 512))
        a[:] = 0
        # A new interpreter, which attaches by name and maps afresh.
        code = ("import numpy, shmdev, sys\n"
                "with shmdev.Region.open(sys.argv[1], 'rw') as o:\n"
                "    b = o.ndarray(numpy.float64, (256, 512))\n"
                "    b[:] = numpy.arange(256 * 512).reshape(256, 512)\n"
                "    del b\n")
        out = run_python("-c", code, r.name)
        self.assertEqual(0, out.returncode, out.stderr)
        self.assertEqual(float(numpy.arange(256 * 512).sum()), a.sum())
        del a

    def test_ndarray_of_a_read_only_handle_is_read_only(self):
        r = self.region("npro")
        with shmdev.Region.open(r.name, "r") as o:
            a = o.ndarray(numpy.uint8)
            self.assertEqual(4096, a.size)
            self.assertFalse(a.flags.writeable)
            with self.assertRaises(ValueError):
                a[0] = 1
            del a


class Semaphores(Case):
    def test_acquire_and_release_count_units(self):
        s = self.region("sem", sems=1).sem(0)
        self.assertEqual(0, s.value)
        s.release(3)
        self.assertEqual(3, s.value)
        self.assertTrue(s.acquire())
        self.assertTrue(s.acquire(blocking=False))
        self.assertEqual(1, s.value)
        self.assertFalse(s.abandoned)

    def test_non_blocking_acquire_of_an_empty_semaphore_is_false(self):
        s = self.region("try", sems=1).sem(0)
        self.assertFalse(s.acquire(blocking=False))

    def test_acquire_with_a_timeout_gives_up_after_it(self):
        s = self.region("timeout", sems=1).sem(0)
        t = time.monotonic()
        self.assertFalse(s.acquire(timeout=0.3))
        self.assertGreaterEqual(time.monotonic() - t, 0.3)
        self.assertLess(time.monotonic() - t, 10)
        self.assertFalse(s.acquire(timeout=0.1, undo=True))

    def test_acquire_arguments_are_checked(self):
        s = self.region("args", sems=1).sem(0)
        with self.assertRaises(TypeError):
            s.acquire(True)         # threading's blocking: a keyword here
        for bad in (-1, -0.5, math.nan):
            with self.assertRaises(ValueError):
                s.acquire(bad)
        s.release(2)
        self.assertTrue(s.acquire(math.inf))     # no limit
        self.assertTrue(s.acquire(1e30))
        self.assertFalse(s.acquire(0))           # none left: at once

    def test_a_wait_lets_other_threads_run(self):
        s = self.region("gil", sems=1).sem(0)
        ticks = []
        stop = threading.Event()

        def tick():
            while not stop.is_set():
                ticks.append(1)
                time.sleep(0.001)
        t = threading.Thread(target=tick)
        t.start()
        ticks.clear()
        s.acquire(timeout=0.5)
        during = len(ticks)
        stop.set()
        t.join()
        self.assertGreater(during, 10)

    def test_a_signal_whose_handler_returns_does_not_end_the_wait(self):
        s = self.region("sigret", sems=1).sem(0)
        seen = []
        old = signal.signal(signal.SIGALRM, lambda *a: seen.append(1))
        self.addCleanup(signal.signal, signal.SIGALRM, old)
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        t = time.monotonic()
        self.assertFalse(s.acquire(timeout=1.0))
        self.assertGreaterEqual(time.monotonic() - t, 1.0)
        self.assertEqual([1], seen)

    def test_a_signal_whose_handler_raises_ends_the_wait(self):
        s = self.region("sigraise", sems=1).sem(0)

        def handler(*a):
            raise InterruptedError("from the handler")
        old = signal.signal(signal.SIGALRM, handler)
        self.addCleanup(signal.signal, signal.SIGALRM, old)
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        t = time.monotonic()
        with self.assertRaisesRegex(InterruptedError, "from the handler"):
            s.acquire()
        self.assertLess(time.monotonic() - t, 10)
        self.assertEqual(0, s.waiters)

    def test_release_wakes_a_waiter_in_another_process(self):
        r = self.region("wake", sems=2)

        def child():
            with shmdev.Region.open(r.name, "rwx") as o:
                assert o.sem(0).acquire(timeout=10)
                o.sem(1).release()
        pid = fork_child(child)
        until(lambda: r.sem(0).waiters == 1, "the child to sleep")
        r.sem(0).release()
        self.assertTrue(r.sem(1).acquire(timeout=10))
        self.assertEqual(0, os.waitpid(pid, 0)[1])

    def test_undo_returns_the_unit_of_a_killed_holder_and_says_so(self):
        r = self.region("undo", sems=1)
        r.sem(0).release()
        lock = r.sem(0, undo=True)

        def child(ready):
            with shmdev.Region.open(r.name, "rwx") as o:
                o.sem(0, undo=True).acquire()
                ready()
                time.sleep(60)
        pid, _ = started_child(child)
        self.assertEqual(0, lock.value)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with lock:
            self.assertTrue(lock.abandoned)
            self.assertEqual(0, lock.value)
        self.assertEqual(1, lock.value)
        with lock:
            self.assertFalse(lock.abandoned)

    def test_value_can_be_set(self):
        s = self.region("set", sems=1).sem(0)
        s.value = 5
        self.assertEqual(5, s.value)
        with self.assertRaises(OSError) as e:
            s.value = shmdev.SEM_VALUE_MAX + 1
        self.assertEqual(errno.EINVAL, e.exception.errno)

    def test_semaphore_index_out_of_range_is_einval(self):
        s = self.region("range", sems=1).sem(1)
        with self.assertRaises(OSError) as e:
            s.release()
        self.assertEqual(errno.EINVAL, e.exception.errno)


class Unlink(Case):
    def test_unlink_removes_this_regions_name_and_no_other(self):
        r = self.region("byfd")
        r.unlink()
        with shmdev.Region.create(r.name, 4096) as again:
            with self.assertRaises(FileNotFoundError):
                r.unlink()
            self.assertEqual(again.stat().id, shmdev.stat(r.name).id)
            again.unlink()

    def test_unlink_needs_admin_on_the_handle(self):
        r = self.region("byfdro")
        with shmdev.Region.open(r.name, "rw") as o:
            with self.assertRaises(PermissionError):
                o.unlink()
        shmdev.stat(r.name)


class Permissions(Case):
    def test_acl_set_modify_remove_use_shmdevctl_syntax(self):
        r = self.region("acl")
        self.assertEqual("", r.acl.get())
        r.acl.set(f"u:{USER}:rw,g:3001:x")
        self.assertEqual(f"u:{USER}:rw,g:3001:x", r.acl.get(numeric=True))
        self.assertEqual("u:shmdevtest:rw,g:shmdevgrp:x", str(r.acl))
        r.acl.modify(f"u:{USER}:r,u:0:a")      # the kernel sorts entries
        self.assertEqual(f"u:0:a,u:{USER}:r,g:3001:x",
                         r.acl.get(numeric=True))
        r.acl.remove("g:3001,u:0")
        self.assertEqual(f"u:{USER}:r", r.acl.get(numeric=True))
        r.acl.set("")
        self.assertEqual("", r.acl.get())

    def test_acl_entry_lets_another_user_in(self):
        r = self.region("aclin", mode=0o600)
        r.acl.set(f"u:{USER}:r")
        r.buf[0] = 42

        def child():
            with shmdev.Region.open(r.name, "r") as o:
                assert o.buf[0] == 42
        self.assertEqual(0, in_child(child, USER))

    def test_chmod_and_chown(self):
        r = self.region("chmod", mode=0o600)
        r.chmod(0o644)
        r.chown(USER, 3001)
        st = r.stat()
        self.assertEqual((0o644, USER, 3001), (st.mode, st.uid, st.gid))
        r.chown(-1, 0)
        self.assertEqual((USER, 0), (r.stat().uid, r.stat().gid))


class SharedMemoryCompat(unittest.TestCase):
    def test_create_with_no_name_makes_a_unique_one(self):
        a = shmdev.SharedMemory(create=True, size=100)
        b = shmdev.SharedMemory(create=True, size=100)
        try:
            self.assertNotEqual(a.name, b.name)
            self.assertTrue(a.name.startswith("psm_"))
            self.assertEqual((100, 100), (a.size, len(a.buf)))
        finally:
            for s in (a, b):
                s.close()
                s.unlink()

    def test_attach_by_name_shares_the_bytes(self):
        a = shmdev.SharedMemory(uniq("smname"), create=True, size=4096)
        try:
            a.buf[:3] = b"abc"
            b = shmdev.SharedMemory(a.name)
            self.assertEqual((4096, b"abc"), (b.size, bytes(b.buf[:3])))
            b.close()
        finally:
            a.close()
            a.unlink()

    def test_errors_match_multiprocessing(self):
        name = uniq("smerr")
        for mod in (multiprocessing.shared_memory, shmdev):
            with self.assertRaises(ValueError):
                mod.SharedMemory(name, create=True, size=0)
            with self.assertRaises(ValueError):
                mod.SharedMemory(name, create=True, size=-1)
            with self.assertRaises(FileNotFoundError):
                mod.SharedMemory(name)
            a = mod.SharedMemory(name, create=True, size=10)
            with self.assertRaises(FileExistsError):
                mod.SharedMemory(name, create=True, size=10)
            a.close()
            a.unlink()

    def test_close_releases_the_view_as_multiprocessing_does(self):
        for mod in (multiprocessing.shared_memory, shmdev):
            a = mod.SharedMemory(create=True, size=10)
            view = a.buf
            a.unlink()
            a.close()
            self.assertIsNone(a.buf)
            with self.assertRaises(ValueError):
                view[0]

    def test_close_with_a_live_export_is_buffer_error_as_multiprocessing(self):
        for mod in (multiprocessing.shared_memory, shmdev):
            a = mod.SharedMemory(create=True, size=10)
            part = a.buf[2:4]
            with self.assertRaises(BufferError):
                a.close()
            part.release()
            a.close()
            a.unlink()

    def test_pickles_as_an_attachment_by_name(self):
        a = shmdev.SharedMemory(uniq("smpickle"), create=True, size=64)
        try:
            a.buf[0] = 77
            b = pickle.loads(pickle.dumps(a))
            self.assertEqual((a.name, 64, 77), (b.name, b.size, b.buf[0]))
            self.assertIn(a.name, repr(b))
            b.close()
        finally:
            a.close()
            a.unlink()

    def test_a_process_that_only_attached_does_not_unlink_at_exit(self):
        a = shmdev.SharedMemory(uniq("smtrack"), create=True, size=10)
        try:
            # The same script, with multiprocessing's class, would have its
            # resource tracker unlink the segment (cpython #104291).
            code = ("import shmdev, sys; s = shmdev.SharedMemory(sys.argv[1]);"
                    " s.buf[0] = 9; s.close()")
            out = run_python("-c", code, a.name)
            self.assertEqual(0, out.returncode, out.stderr)
            b = shmdev.SharedMemory(a.name)
            self.assertEqual(9, b.buf[0])
            b.close()
        finally:
            a.close()
            a.unlink()

    def test_unlink_then_attach_fails(self):
        a = shmdev.SharedMemory(create=True, size=10)
        a.unlink()
        with self.assertRaises(FileNotFoundError):
            shmdev.SharedMemory(a.name)
        a.buf[0] = 1
        a.close()


@unittest.skipIf(numpy is None, "numpy is not installed")
class Example(unittest.TestCase):
    def test_frames_example_streams_and_checks_every_frame(self):
        out = run_python(os.path.join(HERE, "..", "examples", "frames.py"),
                         "16", "1")
        self.assertEqual(0, out.returncode, out.stderr)
        self.assertRegex(out.stdout, r"^16 frames of 1 MiB in ")


class Leaks(unittest.TestCase):
    def test_10000_create_map_close_cycles_leave_nothing(self):
        fds, maps = len(os.listdir("/proc/self/fd")), mappings()
        before = {e.id for e in shmdev.list()}
        for i in range(10000):
            with shmdev.Region.create(uniq("cycle"), 4096, sems=1,
                                      transient=True) as r:
                r.buf[0] = i & 0xFF
                r.sem(0).release()
        self.assertEqual(fds, len(os.listdir("/proc/self/fd")))
        self.assertEqual(maps, mappings())
        self.assertEqual(before, {e.id for e in shmdev.list()})

    @unittest.skipIf(numpy is None, "numpy is not installed")
    def test_regions_dropped_unclosed_with_live_arrays_leave_nothing(self):
        gc.collect()
        fds, maps = len(os.listdir("/proc/self/fd")), mappings()
        before = {e.id for e in shmdev.list()}
        for i in range(1000):
            r = shmdev.Region.create(uniq("drop"), 8192)
            a = r.ndarray(numpy.uint32)
            r.unlink()
            del r                       # never closed; the array lives on
            a[:] = i
            assert a[-1] == i
            del a
        self.assertEqual(fds, len(os.listdir("/proc/self/fd")))
        self.assertEqual(maps, mappings())
        self.assertEqual(before, {e.id for e in shmdev.list()})


if __name__ == "__main__":
    unittest.main()
