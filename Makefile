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
	$(MAKE) -C $(KDIR) M=$(BUILD)/$(call kver,$(KDIR)) modules_install

check:
	@$(QEMU)/check.sh check

check-debug:
	@$(QEMU)/check.sh debug

check-all:
	@$(QEMU)/check.sh all

vm:
	@$(QEMU)/check.sh vm $(KERNEL)

clean:
	rm -rf $(BUILD)

.PHONY: all modules modules_install check check-debug check-all vm clean
