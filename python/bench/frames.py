#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""One round of shmdev-bench's "python" workload: move FRAMES numpy frames
of MIB MiB from a producer process to a consumer process, three ways, and
print the milliseconds per frame of each:

    shmdev        a shmdev region and two of its semaphores (free, full)
    shared_memory multiprocessing.shared_memory and two
                  multiprocessing.Semaphore
    pipe          multiprocessing.Pipe, send_bytes() and recv_bytes()

    frames.py MIB FRAMES

Every way does the same work per frame: the producer fills the frame
(numpy), the consumer reads its first and last element. The shared ways
fill it in place; the pipe fills a private frame and sends it.
"""

import multiprocessing
import multiprocessing.shared_memory
import os
import sys
import time

import numpy

import shmdev


def fork(fn):
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            fn()
            code = 0
        finally:
            os._exit(code)
    return pid


def join(pid):
    if os.waitpid(pid, 0)[1]:
        raise SystemExit("a producer failed")


def shared(frame, free, full, frames):
    """Producer and consumer over @frame, with @free and @full."""
    def producer():
        for i in range(frames):
            free.acquire()
            frame[:] = i
            full.release()
    t = time.monotonic()
    pid = fork(producer)
    for i in range(frames):
        full.acquire()
        if frame[0] != i or frame[-1] != i:
            raise SystemExit(f"frame {i} is wrong")
        free.release()
    t = time.monotonic() - t
    join(pid)
    return t


def with_shmdev(size, frames):
    name = f"bench-frames-{os.getpid()}"
    with shmdev.Region.create(name, size, sems=2, transient=True) as r:
        r.sem(0).release()
        frame = r.ndarray(numpy.uint8)
        t = shared(frame, r.sem(0), r.sem(1), frames)
        del frame
    return t


def with_shared_memory(size, frames):
    m = multiprocessing.shared_memory.SharedMemory(create=True, size=size)
    try:
        frame = numpy.ndarray((size,), numpy.uint8, m.buf)
        t = shared(frame, multiprocessing.Semaphore(1),
                   multiprocessing.Semaphore(0), frames)
        del frame
    finally:
        m.close()
        m.unlink()
    return t


def with_pipe(size, frames):
    rx, tx = multiprocessing.Pipe(duplex=False)

    def producer():
        rx.close()
        frame = numpy.empty(size, numpy.uint8)
        for i in range(frames):
            frame[:] = i
            tx.send_bytes(frame)
    t = time.monotonic()
    pid = fork(producer)
    tx.close()
    for i in range(frames):
        frame = numpy.frombuffer(rx.recv_bytes(), numpy.uint8)
        if frame[0] != i % 256 or frame[-1] != i % 256:
            raise SystemExit(f"frame {i} is wrong")
    t = time.monotonic() - t
    join(pid)
    return t


def main():
    size = int(sys.argv[1]) << 20
    frames = int(sys.argv[2])
    for name, way in (("shmdev", with_shmdev),
                      ("shared_memory", with_shared_memory),
                      ("pipe", with_pipe)):
        print(name, f"{way(size, frames) * 1e3 / frames:.4f}", flush=True)


if __name__ == "__main__":
    main()
