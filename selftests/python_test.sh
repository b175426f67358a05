#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Python package's tests (python/tests) against the module, as TAP,
# with Debian's Python and numpy, which the guest carries.
exec /usr/bin/python3 /tests/python/tests/tap.py
