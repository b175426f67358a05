# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of shmdev.ko (Documentation/kbuild/modules.rst) and the
# project's entry points. README.md explains them.
#
#   make                  build shmdev.ko for KDIR, or, when KDIR has no
#                         build tree, for every installed Debian kernel
#   make check            the test suite in QEMU on Debian's 6.1 and 6.12
#   make check-debug      the suite in a KASAN/lockdep/kmemleak debug kernel
#   make check-all        both, with one totals line (what CI runs)
#   make vm [KERNEL=6.1|debug]  interactive guest with the module and tests
#   make demo             a narrated scenario in the 6.12 guest
#   make bench            shmdev against System V, POSIX shm, memfd, futexes
#                         and pipes in the 6.12 guest: bench/results and the
#                         README's table (BENCH_ARGS=--quick to try it)
#   make docs             Documentation/ as HTML in build/docs (Sphinx,
#                         warnings are errors), after kernel-doc -Werror
#                         over module/ and uapi/, and the check that every
#                         ioctl's errnos are in its library man pages
#   make modules_install  install the module built for KDIR
#   make install          the module (for KDIR, if it exists), libshmdev,
#                         its headers and pkg-config file, shmdevctl, the
#                         man pages, the udev rule and the DKMS sources
#   make uninstall        remove what make install put there

KDIR ?= /lib/modules/$(shell uname -r)/build
BUILD := $(CURDIR)/build
QEMU := $(CURDIR)/selftests/qemu
KERNEL ?= 6.12

# Where make install puts things; DESTDIR stages them elsewhere.
PREFIX ?= /usr/local
UDEVDIR ?= /etc/udev/rules.d
DKMSDIR ?= /usr/src
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(CURDIR)/dkms.conf)
MODDIR := updates

ifneq ($(wildcard $(KDIR)/Makefile),)
KDIRS := $(KDIR)
else
KDIRS := $(foreach k,$(shell . $(QEMU)/lib.sh; shmdev_kernels),/usr/src/linux-headers-$(k))
endif

# Each kernel gets its own object tree, build/KVER, holding links to the
# sources, so that builds for different kernels do not overwrite each other.
# KVER is the release the tree was configured for (what uname -r says).
kver = $(shell . $(QEMU)/lib.sh; shmdev_kver_of $(1))

all: modules

modules:
	@[ -n "$(strip $(KDIRS))" ] || { echo "no kernel build tree: install linux-headers-amd64 or set KDIR" >&2; exit 1; }
	@[ "$(KDIRS)" = "$(KDIR)" ] || echo "$(KDIR) does not exist; building for the installed Debian kernels"
	@set -e; for kdir in $(KDIRS); do \
		kver=$$(. $(QEMU)/lib.sh; shmdev_kver_of $$kdir); \
		echo "  MODULE  $$kver"; \
		mkdir -p $(BUILD)/$$kver; \
		cp -rs --remove-destination $(CURDIR)/Kbuild $(CURDIR)/module \
			$(CURDIR)/uapi $(BUILD)/$$kver/; \
		$(MAKE) --no-print-directory -C $$kdir M=$(BUILD)/$$kver modules; \
	done

modules_install:
	$(MAKE) -C $(KDIR) M=$(BUILD)/$(call kver,$(KDIR)) \
		INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=$(MODDIR) modules_install

userspace:
	$(MAKE) -C userspace O=$(BUILD)/userspace PREFIX=$(PREFIX) VERSION=$(VERSION)

# The module goes in only where KDIR, the running kernel's build tree by
# default, exists; elsewhere DKMS builds it (see dkms.conf).
install: userspace
	@if [ -f $(KDIR)/Makefile ]; then \
		$(MAKE) --no-print-directory modules && \
		$(MAKE) --no-print-directory modules_install; \
	else \
		echo "$(KDIR) does not exist: not installing the module (use DKMS, or KDIR=)"; \
	fi
	$(MAKE) -C userspace O=$(BUILD)/userspace PREFIX=$(PREFIX) VERSION=$(VERSION) install
	install -D -m 0644 userspace/udev/60-shmdev.rules $(DESTDIR)$(UDEVDIR)/60-shmdev.rules
	$(MAKE) --no-print-directory dkms-source

# The module's sources where DKMS looks for them.
dkms-source:
	install -d $(DESTDIR)$(DKMSDIR)/shmdev-$(VERSION)/module \
		$(DESTDIR)$(DKMSDIR)/shmdev-$(VERSION)/uapi/linux
	install -m 0644 dkms.conf Kbuild $(DESTDIR)$(DKMSDIR)/shmdev-$(VERSION)/
	install -m 0644 module/*.[ch] $(DESTDIR)$(DKMSDIR)/shmdev-$(VERSION)/module/
	install -m 0644 uapi/linux/shmdev.h $(DESTDIR)$(DKMSDIR)/shmdev-$(VERSION)/uapi/linux/

uninstall:
	$(MAKE) -C userspace O=$(BUILD)/userspace PREFIX=$(PREFIX) VERSION=$(VERSION) uninstall
	rm -f $(DESTDIR)$(UDEVDIR)/60-shmdev.rules
	rm -rf $(DESTDIR)$(DKMSDIR)/shmdev-$(VERSION)
	@if [ -f $(KDIR)/Makefile ]; then \
		k=$(call kver,$(KDIR)); \
		rm -f $(DESTDIR)/lib/modules/$$k/$(MODDIR)/shmdev.ko*; \
		[ -n "$(DESTDIR)" ] || depmod $$k; \
	fi

check:
	@$(QEMU)/check.sh check

check-debug:
	@$(QEMU)/check.sh debug

# kernel-doc and its Sphinx extension come from Debian's linux-source,
# extracted into build/ksrc as for the tests.
docs:
	@export BUILD=$(BUILD) && . $(QEMU)/lib.sh && shmdev_ksrc
	perl $(BUILD)/ksrc/scripts/kernel-doc -none -Wall -Werror \
		uapi/linux/shmdev.h module/*.[ch]
	sphinx-build -q -W --keep-going -b html Documentation $(BUILD)/docs
	python3 Documentation/check_errnos.py $(CURDIR)

check-all:
	@$(QEMU)/check.sh all

vm:
	@$(QEMU)/check.sh vm $(KERNEL)

demo:
	@$(QEMU)/check.sh demo

bench:
	@BENCH_ARGS="$(BENCH_ARGS)" $(QEMU)/check.sh bench

clean:
	rm -rf $(BUILD)

.PHONY: all modules modules_install userspace install dkms-source uninstall docs \
	check check-debug check-all vm demo bench clean
