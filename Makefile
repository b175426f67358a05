# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of shmdev.ko (Documentation/kbuild/modules.rst) and the
# project's entry points. README.md explains them.
#
#   make                  build shmdev.ko for KDIR, or, when KDIR has no
#                         build tree, for every installed Debian kernel
#   make check            the test suite in QEMU on Debian's 6.1 and 6.12
#   make vm [KERNEL=6.1]  interactive guest with the module and the tests
#   make modules_install  install the module built for KDIR

KDIR ?= /lib/modules/$(shell uname -r)/build
BUILD := $(CURDIR)/build
QEMU := $(CURDIR)/selftests/qemu
KERNEL ?= 6.12

ifneq ($(wildcard $(KDIR)/Makefile),)
KDIRS := $(KDIR)
else
KDIRS := $(foreach k,$(shell . $(QEMU)/lib.sh; shmdev_kernels),/usr/src/linux-headers-$(k))
endif

# Each kernel gets its own object tree, build/KVER, holding links to the
# sources, so that builds for different kernels do not overwrite each other.
# They are named by UTS_RELEASE, the name uname -r gives in the guest.
kver = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(1)/include/generated/utsrelease.h)

all: modules

modules:
	@[ -n "$(strip $(KDIRS))" ] || { echo "no kernel build tree: install linux-headers-amd64 or set KDIR" >&2; exit 1; }
	@[ "$(KDIRS)" = "$(KDIR)" ] || echo "$(KDIR) does not exist; building for the installed Debian kernels"
	@set -e; for kdir in $(KDIRS); do \
		kver=$$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
			$$kdir/include/generated/utsrelease.h); \
		echo "  MODULE  $$kver"; \
		mkdir -p $(BUILD)/$$kver; \
		cp -rs --remove-destination $(CURDIR)/Kbuild $(CURDIR)/module \
			$(CURDIR)/uapi $(BUILD)/$$kver/; \
		$(MAKE) --no-print-directory -C $$kdir M=$(BUILD)/$$kver modules; \
	done

modules_install:
	$(MAKE) -C $(KDIR) M=$(BUILD)/$(call kver,$(KDIR)) modules_install

check:
	@$(QEMU)/check.sh check

vm:
	@$(QEMU)/check.sh vm $(KERNEL)

clean:
	rm -rf $(BUILD)

.PHONY: all modules modules_install check vm clean
