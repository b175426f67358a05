# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration of shmdev's documentation (make docs). The
# structure and field descriptions of the ABI come from the uapi header's
# kernel-doc comments, through the kernel's own kernel-doc script and
# Sphinx extension, which the build extracts from Debian's linux-source
# tarball into build/ksrc ($SHMDEV_KSRC).

import os
import sys

top = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
ksrc = os.environ.get('SHMDEV_KSRC', os.path.join(top, 'build', 'ksrc'))
sys.path.insert(0, os.path.join(ksrc, 'Documentation', 'sphinx'))

project = 'shmdev'
master_doc = 'index'
extensions = ['kerneldoc']
kerneldoc_bin = os.path.join(ksrc, 'scripts', 'kernel-doc')
kerneldoc_srctree = top
primary_domain = 'c'
highlight_language = 'none'
