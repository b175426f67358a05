#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# make docs: every errno that userspace-api.rst documents for an ioctl
# must appear in the ERRORS of each library page that wraps the ioctl,
# unless the library makes it impossible (EXEMPT, with the reason). Each
# ioctl's errors are the table after its "Errors:".

import os
import re
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
    'SEM_WAIT': ['shmdev_sem_wait'],
    'SEM_POST': ['shmdev_sem_post'],
    'SEM_GET': ['shmdev_sem_get'],
    'SEM_SET': ['shmdev_sem_set'],
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
}


def page_errors(man, name):
    """The errno names in the ERRORS section of man page @name."""
    text = open(os.path.join(man, name + '.3')).read()
    so = re.search(r'^\.so man3/(\S+)', text, re.M)
    if so:
        text = open(os.path.join(man, so.group(1))).read()
    if '.SH ERRORS' not in text:
        return set()
    section = text.split('.SH ERRORS')[1].split('\n.SH ')[0]
    return set(re.findall(r'\b(E[A-Z]{2,})\b', section))


def main(top):
    rst = open(os.path.join(top, 'Documentation', 'userspace-api.rst')).read()
    man = os.path.join(top, 'userspace', 'man')
    parts = re.split(r'\nSHMDEV_IOC_(\w+)\n-+\n', rst)
    bad = 0
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
