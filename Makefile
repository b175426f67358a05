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
#   make guest-programs   what the test guest carries in /tests (the
#                         selftests, the tool, the examples, the bench)
#   make modules_install  install the module built for KDIR
#   make install          the module (for KDIR, if it exists), libshmdev,
#                         its headers and pkg-config file, shmdevctl, the
#                         man pages, the udev rule, the DKMS sources and
#                         the Python package (PYTHONDIR)
#   make uninstall        remove what make install put there

KDIR ?= /lib/modules/$(shell uname -r)/build
BUILD := $(CURDIR)/build
QEMU := $(CURDIR)/selftests/qemu
KERNEL ?= 6.12

# Where make install puts things; DESTDIR stages them elsewhere.
PREFIX ?= /usr/local
UDEVDIR ?= /etc/udev/rules.d
DKMSDIR ?= /usr/src
PYTHON ?= /usr/bin/python3
PYTHONDIR ?= $(PREFIX)/lib/$(shell $(PYTHON) -c \
	'import sys; print("python%d.%d" % sys.version_info[:2])')/dist-packages
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(CURDIR)/dkms.conf)
MODDIR := updates

# Without KDIR, every installed Debian headers tree.
ifneq ($(wildcard $(KDIR)/Makefile),)
KDIRS := $(KDIR)
else
KDIRS := $(patsubst %/Module.symvers,%,$(wildcard /usr/src/linux-headers-*/Module.symvers))
override KVER :=
endif

# Each kernel gets its own object tree, build/KVER, holding links to the
# sources, so that builds for different kernels do not overwrite each other.
# KVER is the release the tree was configured for (what uname -r says):
# as given with KDIR, or read from the tree.
kver = $(or $(KVER),$(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	$(1)/include/generated/utsrelease.h))

define module_for
	@echo "  MODULE  $(2)"
	@mkdir -p $(BUILD)/$(2)
	@cp -rs --remove-destination $(CURDIR)/Kbuild $(CURDIR)/module \
		$(CURDIR)/uapi $(BUILD)/$(2)/
	@$(MAKE) --no-print-directory -C $(1) M=$(BUILD)/$(2) modules

endef

all: modules

modules:
	@[ -n "$(strip $(KDIRS))" ] || { echo "no kernel build tree: install linux-headers-amd64 or set KDIR" >&2; exit 1; }
	@[ "$(KDIRS)" = "$(KDIR)" ] || echo "$(KDIR) does not exist; building for the installed Debian kernels"
	$(foreach kdir,$(KDIRS),$(call module_for,$(kdir),$(call kver,$(kdir))))

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
	$(MAKE) --no-print-directory dkms-source python-install

# The Python package, as pip would install its wheel (python/README.md),
# into PYTHONDIR: Debian's Python looks in /usr/local/lib/python3.X.
python-install:
	mkdir -p $(BUILD)/python $(DESTDIR)$(PYTHONDIR)
	cd python && $(PYTHON) -B -c 'import build_backend as b, sys; \
		print(b.build_wheel(sys.argv[1]))' $(BUILD)/python >$(BUILD)/python/wheel
	$(PYTHON) -m zipfile -e $(BUILD)/python/$$(cat $(BUILD)/python/wheel) \
		$(DESTDIR)$(PYTHONDIR)
	echo make >$(DESTDIR)$(PYTHONDIR)/$$(cut -d- -f1,2 $(BUILD)/python/wheel).dist-info/INSTALLER

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
	rm -rf $(DESTDIR)$(PYTHONDIR)/shmdev $(DESTDIR)$(PYTHONDIR)/shmdev-*.dist-info
	@if [ -f $(KDIR)/Makefile ]; then \
		k=$(call kver,$(KDIR)); \
		rm -f $(DESTDIR)/lib/modules/$$k/$(MODDIR)/shmdev.ko*; \
		[ -n "$(DESTDIR)" ] || depmod $$k; \
	fi

check:
	@$(QEMU)/check.sh check

check-debug:
	@$(QEMU)/check.sh debug

# The kernel's files the build reads (the kselftest harness, checkpatch,
# kernel-doc and its Sphinx extension), from Debian's linux-source; the
# stamp's name changes with the list.
KSRC := $(BUILD)/ksrc
KSRC_TARBALL := /usr/src/linux-source-6.12.tar.xz
KSRC_FILES := tools/testing/selftests/kselftest_harness.h \
	tools/testing/selftests/kselftest.h scripts/checkpatch.pl \
	scripts/spelling.txt scripts/const_structs.checkpatch scripts/kernel-doc \
	Documentation/sphinx/kerneldoc.py Documentation/sphinx/kernellog.py

$(KSRC)/.stamp-docs: $(KSRC_TARBALL)
	rm -rf $(KSRC) && mkdir -p $(KSRC)
	tar -xJf $< -C $(KSRC) --strip-components=1 --wildcards \
		$(foreach f,$(KSRC_FILES),'*/$(f)')
	touch $@

# What the guest carries in /tests: the selftests, the library's
# programs and the bench, in build/selftests.
guest-programs: $(KSRC)/.stamp-docs
	$(MAKE) -C selftests O=$(BUILD)/selftests \
		KSFT=$(KSRC)/tools/testing/selftests
	$(MAKE) -C bench O=$(BUILD)/selftests

docs: $(KSRC)/.stamp-docs
	perl $(BUILD)/ksrc/scripts/kernel-doc -none -Wall -Werror \
		uapi/linux/shmdev.h module/*.[ch]
	sphinx-build -q -W --keep-going -b html Documentation $(BUILD)/docs
	python3 Documentation/check_man.py $(CURDIR)

check-all:
	@$(QEMU)/check.sh all

vm:
	@$(QEMU)/check.sh vm $(KERNEL)

demo:
	@$(QEMU)/check.sh demo

bench:
	@SHMDEV_GUEST_ARGS="$(BENCH_ARGS)" $(QEMU)/check.sh bench

clean:
	rm -rf $(BUILD)

.PHONY: all modules modules_install userspace install dkms-source uninstall docs \
	guest-programs python-install \
	check check-debug check-all vm demo bench clean
