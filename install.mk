# make install PREFIX=DIR — the installed tree (CONTRACT.md):
#   DIR/bin/switchyard (and switchyard-adapter-helper when built), the adapter libraries beside
#   it (where the host looks first), DIR/include/switchyard/adapter.h and
#   DIR/lib/pkgconfig/switchyard.pc. The executables find the Swift runtime through the
#   toolchain path SwiftPM writes into their RUNPATH, so the toolchain must stay installed.
# `install-files` copies an existing build without building (INSTALL_BIN_DIR picks the build).
PREFIX ?= /usr/local
CONFIGURATION ?= release
INSTALL_BIN_DIR ?= $(shell $(SWIFT) build -c $(CONFIGURATION) --show-bin-path)
INSTALL_PREFIX = $(abspath $(PREFIX))
SWITCHYARD_VERSION := $(shell sed -n 's/.*static let number = "\(.*\)".*/\1/p' Sources/switchyard/Version.swift)
INSTALLED_EXECUTABLES = switchyard switchyard-adapter-helper
INSTALLED_ADAPTERS = libtextkit.so libswitchyard_ffi.so libswitchyard_bun.so

.PHONY: install install-files

install: setup
	$(SWIFT) build -c $(CONFIGURATION)
	$(MAKE) -s install-files PREFIX="$(INSTALL_PREFIX)" INSTALL_BIN_DIR="$(INSTALL_BIN_DIR)"

install-files:
	@test -x "$(INSTALL_BIN_DIR)/switchyard" || { echo "install: no switchyard in $(INSTALL_BIN_DIR) (build first)" >&2; exit 2; }
	install -d -m 755 "$(INSTALL_PREFIX)/bin" "$(INSTALL_PREFIX)/include/switchyard" "$(INSTALL_PREFIX)/lib/pkgconfig"
	for executable in $(INSTALLED_EXECUTABLES); do \
		if [ -f "$(INSTALL_BIN_DIR)/$$executable" ]; then install -m 755 "$(INSTALL_BIN_DIR)/$$executable" "$(INSTALL_PREFIX)/bin/"; fi; \
	done
	install -m 755 $(addprefix "$(INSTALL_BIN_DIR)"/,$(INSTALLED_ADAPTERS)) "$(INSTALL_PREFIX)/bin/"
	install -m 644 include/switchyard/adapter.h "$(INSTALL_PREFIX)/include/switchyard/adapter.h"
	sed -e 's|@PREFIX@|$(INSTALL_PREFIX)|' -e 's|@VERSION@|$(SWITCHYARD_VERSION)|' switchyard.pc.in \
		> "$(INSTALL_PREFIX)/lib/pkgconfig/switchyard.pc"
	chmod 644 "$(INSTALL_PREFIX)/lib/pkgconfig/switchyard.pc"
	@echo "installed switchyard $(SWITCHYARD_VERSION) into $(INSTALL_PREFIX)"
