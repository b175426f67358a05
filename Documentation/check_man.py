#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# make docs: the library's man pages. Every function libshmdev.map
# exports has a page (or a .so link to one) with a RETURN VALUE section,
# groff -ww is silent on every page, and every errno that
# userspace-api.rst documents for an ioctl appears in the ERRORS of each
# library page that wraps it, unless the library makes it impossible
# (EXEMPT, with the reason). Each ioctl's errors are the table after its
# "Errors:".

import glob
import os
import re
import subprocess
import sys

WRAPPERS = {
    'VERSION': ['shmdev_version'],
    'CREATE': ['shmdev_create'],
    'OPEN': ['shmdev_open', 'shmdev_open_owned'],
    'UNLINK': ['shmdev_unlink', 'shmdev_unlink_fd'],
    'STAT': ['shmdev_stat', 'shmdev_stat_name'],
    'LIST': ['shmdev_list_open'],
    'GET_ACL': ['shmdev_acl_get'],
    'SET_ACL': ['shmdev_acl_set'],
    'SET_PERM': ['shmdev_chmod', 'shmdev_chown'],
    'SEM_WAIT': ['shmdev_sem_wait', 'shmdev_sems_wait'],
    'SEM_POST': ['shmdev_sem_post', 'shmdev_sems_post'],
    'SEM_GET': ['shmdev_sem_get'],
    'SEM_SET': ['shmdev_sem_set'],
    'SEM_FD': ['shmdev_sem_fd'],
}

# The library issues VERSION, CREATE, OPEN and LIST on its own control
# device (no ENOTTY), and fills in the arguments it passes itself (no
# EFAULT from them, and no flag or name it does not send).
CONTROL = {'ENOTTY'}
OWN_ARG = {'EFAULT'}
EXEMPT = {
    ('VERSION', 'shmdev_version'): CONTROL | OWN_ARG,
    ('CREATE', 'shmdev_create'): CONTROL,
    ('OPEN', 'shmdev_open'): CONTROL | {'EPERM'},
    ('OPEN', 'shmdev_open_owned'): CONTROL,
    ('LIST', 'shmdev_list_open'): CONTROL,
    ('STAT', 'shmdev_stat'): OWN_ARG | {'EINVAL', 'ENAMETOOLONG', 'ENOENT'},
    ('STAT', 'shmdev_stat_name'): CONTROL,
    ('SET_PERM', 'shmdev_chmod'): OWN_ARG,
    ('SET_PERM', 'shmdev_chown'): OWN_ARG,
    ('SEM_WAIT', 'shmdev_sem_wait'): OWN_ARG,
    ('SEM_POST', 'shmdev_sem_post'): OWN_ARG,
    ('SEM_GET', 'shmdev_sem_get'): OWN_ARG,
    ('SEM_SET', 'shmdev_sem_set'): OWN_ARG,
    ('SEM_FD', 'shmdev_sem_fd'): OWN_ARG,
}


def page_text(man, name):
    """Man page @name's text, following a .so link; '' if there is none."""
    path = os.path.join(man, name + '.3')
    text = open(path).read() if os.path.exists(path) else ''
    so = re.search(r'^\.so man3/(\S+)', text, re.M)
    return page_text(man, so.group(1)[:-2]) if so else text


def pages(top, man):
    """Print what is wrong with the pages themselves; the count."""
    bad = 0
    mapfile = open(os.path.join(top, 'userspace', 'libshmdev.map')).read()
    for sym in re.findall(r'^\t\t(shmdev_[a-z_]*);$', mapfile, re.M):
        if not os.path.exists(os.path.join(man, sym + '.3')):
            print('no page for %s' % sym)
            bad += 1
        elif '\n.SH RETURN VALUE' not in page_text(man, sym):
            print('%s(3): no RETURN VALUE' % sym)
            bad += 1
    for page in sorted(glob.glob(os.path.join(man, '*.[137]'))):
        if re.search(r'^\.so', open(page).read(), re.M):
            continue
        out = subprocess.run(['groff', '-man', '-ww', '-z', page],
                             capture_output=True, text=True)
        if out.returncode or out.stdout or out.stderr:
            print(page + ': ' + out.stdout + out.stderr, end='')
            bad += 1
    return bad


def page_errors(man, name):
    """The errno names in the ERRORS section of man page @name."""
    text = page_text(man, name)
    if '.SH ERRORS' not in text:
        return set()
    section = text.split('.SH ERRORS')[1].split('\n.SH ')[0]
    return set(re.findall(r'\b(E[A-Z]{2,})\b', section))


def main(top):
    rst = open(os.path.join(top, 'Documentation', 'userspace-api.rst')).read()
    man = os.path.join(top, 'userspace', 'man')
    parts = re.split(r'\nSHMDEV_IOC_(\w+)\n-+\n', rst)
    bad = pages(top, man)
    for ioctl, body in zip(parts[1::2], parts[2::2]):
        table = re.search(r'Errors:\n\n=+  =+\n(.*?)\n=+  =+\n', body, re.S)
        if not table:
            print('%s: no errno table after "Errors:"' % ioctl)
            bad += 1
            continue
        errors = set(re.findall(r'^``(E[A-Z]+)``', table.group(1), re.M))
        for page in WRAPPERS[ioctl]:
            missing = errors - page_errors(man, page) - \
                EXEMPT.get((ioctl, page), set())
            if missing:
                print('%s: %s(3) does not document %s' %
                      (ioctl, page, ' '.join(sorted(missing))))
                bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
