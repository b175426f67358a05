# SPDX-License-Identifier: MIT
"""Run the package's unittest cases and report them as TAP, as the
kselftest harness does: "TAP version 13", the plan, one line per test. A
skip is reported as "# SKIP", which the project's verdict counts as a
failure. Usage: python3 tap.py [DIR]; exits 1 if any test failed."""

import os
import sys
import traceback
import unittest


def tests_of(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from tests_of(t)
        else:
            yield t


class Result(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.problem = None
        self.skipped_reason = None

    def addError(self, test, err):
        self.problem = "".join(traceback.format_exception(*err))

    addFailure = addError

    def addSkip(self, test, reason):
        self.skipped_reason = reason


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.dirname(here))
    suite = unittest.defaultTestLoader.discover(sys.argv[1] if len(sys.argv) > 1
                                                else here, top_level_dir=here)
    tests = list(tests_of(suite))
    print("TAP version 13")
    print(f"1..{len(tests)}", flush=True)
    failed = 0
    for i, t in enumerate(tests, 1):
        name = t.id().split(".", 1)[-1]
        r = Result()
        t.run(r)
        if r.problem:
            failed += 1
            for line in r.problem.splitlines():
                print("# " + line)
            print(f"not ok {i} {name}", flush=True)
        elif r.skipped_reason is not None:
            print(f"ok {i} {name} # SKIP {r.skipped_reason}", flush=True)
        else:
            print(f"ok {i} {name}", flush=True)
    print(f"# {len(tests) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
