#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Stream numpy frames from a producer process to a consumer process
through one shmdev region and a pair of semaphores (free, full).

    python3 frames.py [FRAMES [MIB]]

The producer fills the frame in place, so no byte is copied between the
two processes, and the consumer checks every frame. The region is
transient: it goes when both have closed it, even if they are killed.
"""

import os
import signal
import sys
import time
import traceback

import numpy

import shmdev

FREE, FULL = 0, 1
PATIENCE = 60                              # seconds without a frame: give up


def run(role, name, frames, shape):
    """The producer's or the consumer's side of the stream."""
    with shmdev.Region.open(name, "rwx") as r:
        frame = r.ndarray(numpy.uint32, shape)
        free, full = r.sem(FREE), r.sem(FULL)
        for i in range(frames):
            if role == "produce":
                if not free.acquire(PATIENCE):
                    raise SystemExit("the consumer stopped")
                frame[:] = i               # stands for the real work
                full.release()
            else:
                if not full.acquire(PATIENCE):
                    raise SystemExit("the producer stopped")
                if frame[0, 0] != i or frame[-1, -1] != i:
                    raise SystemExit(f"frame {i} is wrong")
                free.release()
        del frame


def main():
    frames = int(sys.argv[1]) if len(sys.argv) > 1 else 64
    mib = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    shape = (mib * 1024, 256)              # uint32: 1 KiB per row
    name = f"frames-{os.getpid()}"
    with shmdev.Region.create(name, mib << 20, sems=2, transient=True) as r:
        r.sem(FREE).release()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                run("produce", name, frames, shape)
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        try:
            run("consume", name, frames, shape)
        except BaseException:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise
        _, status = os.waitpid(pid, 0)
        took = time.monotonic() - start
    if status:
        raise SystemExit("the producer failed")
    print(f"{frames} frames of {mib} MiB in {took:.2f} s: "
          f"{frames * mib / took:.0f} MiB/s")


if __name__ == "__main__":
    main()
