# braze — see README.md.  `make demo` and `make test` each install what they need.
# The interpreter the venv is made from: the system's CPython 3.11 where there is one (Debian builds it
# with PGO and LTO and links libpython into the executable: braze runs 10-18% faster on it than on an
# --enable-shared -O3 build such as pyenv's), else python3 from PATH.  An existing .venv keeps its
# interpreter: `rm -rf .venv && make venv` to change it.
PY      ?= $(firstword $(wildcard /usr/bin/python3.11) python3)
VENV    := .venv
VPY     := $(VENV)/bin/python
APT_PKGS := gcc g++ binutils elfutils make musl-tools libsqlite3-dev liblua5.4-dev libssl-dev \
            zlib1g-dev libpython3.11-dev libexpat1-dev hyperfine mold lld gdb golang-go clang-14 llvm-14 \
            llvm-14-linker-tools linux-headers-amd64 chromium qemu-system-x86 gnu-efi \
            gcc-aarch64-linux-gnu g++-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-user \
            autoconf automake libtool gfortran

.PHONY: all deps venv compiled demo test test-pure bench bench-check clean

all: venv

# Debian packages: installed only when running as root and something is missing.
deps: .stamp-deps
# (as root it also unpacks the arm64 packages of the aarch64 corpus jobs and ctypes test into
# bench/work/a64-sysroot: bench/tools/a64sysroot.py)
.stamp-deps: Makefile bench/tools/a64sysroot.py
	@if [ "$$(id -u)" = 0 ]; then \
	  missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi; \
	  $(PY) bench/tools/a64sysroot.py >/dev/null; \
	else echo "not root: assuming Debian packages are present ($(APT_PKGS))"; fi
	@touch $@

venv: $(VENV)/.ok
$(VENV)/.ok: pyproject.toml
	$(PY) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -e '.[dev]'
	$(VPY) -m compileall -q src >/dev/null
	$(VPY) tools/build_mypyc.py
	@touch $@

# braze's hot modules compiled with mypyc (the list is in tools/build_mypyc.py), rebuilt when a source changed;
# BRAZE_PURE=1 runs the same sources as plain Python.
compiled: venv
	$(VPY) tools/build_mypyc.py --if-stale

demo: deps compiled
	$(VPY) examples/demo.py

test: deps compiled
	$(VPY) -m pytest -q -n 2 tests
	$(MAKE) test-pure

# A representative part of the suite with the plain-Python sources (BRAZE_PURE=1 reaches every braze
# the tests start): the compiled and pure builds must link alike.
PURE_TESTS := tests/test_programs.py tests/test_errors.py tests/test_tls_fixes.py tests/test_gotpcrelx.py
test-pure: deps compiled
	BRAZE_PURE=1 $(VPY) -m pytest -q -n 2 $(PURE_TESTS)

bench: deps compiled
	$(VPY) bench/run.py --jobs all --runs 15 --update-readme

bench-check: deps compiled
	$(VPY) bench/run.py --check-only

clean:
	-$(VPY) tools/build_mypyc.py --clean
	rm -rf $(VENV) .stamp-* build examples/out bench/work
