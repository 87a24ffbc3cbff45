# Makefile - builds Nexus from a fresh clone.
#
#   make            guest module, libraries, CLI          (build/)
#   make demo       installs, builds, runs examples/counter.js (CLI and Node)
#   make test       every test: unit, engine conformance, CLI, sanitizers,
#                   install, layers, fuzz, Node
#   make bench      performance report (stdout and build/bench.json)
#   make fuzz       longer fuzzing runs
#   make install    headers, libnexus.a, libnexus.so.0, nexus.pc, nexus
#                   (PREFIX=/usr/local, DESTDIR); make uninstall removes them
#   make clean      removes build/ and node/build/
#   make SEGUE=0 ...  the same targets on the plain build (below)
#
# CC, CFLAGS (default -O2 -g), CPPFLAGS and LDFLAGS are honoured; the flags
# Nexus needs are added to them.
#
# The guest (QuickJS + guest/, compiled to wasm32 and translated to C by
# wasm2c) is built once and kept out of the edit-compile loop of host code.
# Third-party and generated files live only under build/.

.DEFAULT_GOAL := all
# pipefail: a recipe that pipes a command's output fails when the command does
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

B        := build
QJS      := $(B)/quickjs
ifeq ($(origin CC),default)
CC       := gcc
endif
CFLAGS   ?= -O2 -g
WASM_CC  := clang-14
WASM2C   := wasm2c
NODE     := node

# ---- build variants ----------------------------------------------------------------
#
# SEGUE=1: the guest's linear memory is addressed through the GS segment
# base (x86-64 Linux only; docs/architecture.md, "Segue"). SEGUE=0: the
# plain build, where the generated code adds the memory base itself: for
# other machines, for valgrind (which emulates neither wrgsbase nor GS
# bases), and for CPUs where a load through a non-zero segment base is
# slower, which makes QuickJS's interpreter slower (docs/performance.md).
# On x86-64 Linux the default is measured once by scripts/segue-probe.sh
# into build/segue-probe.mk. The default variant builds into build/, the
# other into build/plain or build/segue (`make SEGUE=1 bench`). The guest
# module and its C are shared. `make test` tests both variants.

SEGUE_CAPABLE := $(if $(and $(filter x86_64,$(shell uname -m)),$(filter Linux,$(shell uname -s))),1,0)
ifeq ($(SEGUE_CAPABLE),1)
ifeq ($(wildcard $(B)/segue-probe.mk),)
$(shell bash scripts/segue-probe.sh $(B)/segue-probe.mk)
endif
include $(B)/segue-probe.mk
else
SEGUE_DEFAULT := 0
endif
SEGUE ?= $(SEGUE_DEFAULT)
ifneq ($(filter-out 0 1,$(SEGUE)),)
$(error SEGUE must be 0 or 1)
endif
ifeq ($(SEGUE)$(SEGUE_CAPABLE),10)
$(error SEGUE=1 needs x86-64 Linux)
endif
ifeq ($(SEGUE),$(SEGUE_DEFAULT))
VB := $(B)
else ifeq ($(SEGUE),1)
VB := $(B)/segue
else
VB := $(B)/plain
endif
OTHER_SEGUE := $(if $(filter 1,$(SEGUE)),0,1)
# host objects of a tree rebuild when its variant changes (a new default)
VARIANT_STAMP := $(VB)/.variant-segue$(SEGUE)
$(VARIANT_STAMP):
	@mkdir -p $(@D)
	rm -f $(VB)/.variant-segue*
	touch $@

# ---- guest: QuickJS + glue -> wasm32-wasi -> wasm2c -> native object --------

WASI_FLAGS  := --target=wasm32-wasi --sysroot=/usr -O2
WASI_LINK   := -mexec-model=reactor
QJS_DEFS    := -DCONFIG_VERSION=\"2021-03-27\" -DCONFIG_BIGNUM -D_GNU_SOURCE
QJS_UNITS   := quickjs libregexp libunicode cutils libbf
GUEST_UNITS := $(basename $(notdir $(wildcard guest/*.c)))
GUEST_HDRS  := $(wildcard guest/*.h guest/compat/*.h)
# 1 MiB shadow stack placed first: overflowing it leaves linear memory and traps
GUEST_LDFLAGS := -Wl,-z,stack-size=1048576 -Wl,--stack-first

GUEST_WASM := $(B)/guest/guest.wasm
GUEST_C    := $(B)/guest/guest_w2c.c
GUEST_H    := $(B)/guest/guest_w2c.h
GUEST_PLAIN_C := $(B)/guest/guest_w2c_plain.c
GUEST_SEGUE_C := $(B)/guest/guest_w2c_segue.c
ifeq ($(SEGUE),1)
GUEST_OBJ  := $(B)/guest/guest_w2c_segue.o
else
GUEST_OBJ  := $(B)/guest/guest_w2c_plain.o
endif

$(QJS)/.verified: scripts/fetch-quickjs.sh patches/series $(wildcard patches/*.patch)
	bash scripts/fetch-quickjs.sh $(QJS)

$(B)/guest/qjs/%.o: $(QJS)/.verified guest/compat/engine_compat.h guest/compat/pthread.h
	@mkdir -p $(@D)
	$(WASM_CC) $(WASI_FLAGS) -w -Iguest/compat -include guest/compat/engine_compat.h \
	  -I$(QJS) $(QJS_DEFS) -c $(QJS)/$*.c -o $@

$(B)/guest/obj/%.o: guest/%.c $(GUEST_HDRS) $(QJS)/.verified
	@mkdir -p $(@D)
	$(WASM_CC) $(WASI_FLAGS) -std=gnu11 -Wall -Wextra -Werror -Iguest -isystem $(QJS) $(QJS_DEFS) -c $< -o $@

$(B)/guest/prelude.c: guest/prelude.js scripts/embed.sh
	@mkdir -p $(@D)
	bash scripts/embed.sh nx_prelude $< > $@

$(B)/guest/obj/prelude.o: $(B)/guest/prelude.c
	@mkdir -p $(@D)
	$(WASM_CC) $(WASI_FLAGS) -c $< -o $@

GUEST_WASM_OBJS := $(QJS_UNITS:%=$(B)/guest/qjs/%.o) $(GUEST_UNITS:%=$(B)/guest/obj/%.o) \
                   $(B)/guest/obj/prelude.o

# Linked at -O0 so clang does not run wasm-opt on its own (it does when
# binaryen is on the PATH, with flags we do not choose); wasm-opt then runs
# here, always, keeping function names for profiles and crash reports
# (-O3 measured faster than -O2 on the interpreter loop).
$(B)/guest/guest-linked.wasm: $(GUEST_WASM_OBJS)
	$(WASM_CC) --target=wasm32-wasi --sysroot=/usr -O0 $(WASI_LINK) $(GUEST_WASM_OBJS) -o $@ $(GUEST_LDFLAGS)

$(GUEST_WASM): $(B)/guest/guest-linked.wasm scripts/check-imports.sh
	wasm-opt -O3 --debuginfo $< -o $@
	bash scripts/check-imports.sh $@

$(GUEST_C) $(GUEST_H) &: $(GUEST_WASM)
	$(WASM2C) $< -n guest -o $(GUEST_C)

# generated code: no -Werror, no sanitizers (its memory is the sandbox's);
# -O3 measured faster than -O2 on it (docs/performance.md)
GUEST_CFLAGS := -O3 -fPIC -fvisibility=hidden -w

# rewritten only when the flags change, so that a change recompiles
$(B)/guest/guest_cflags: FORCE
	@mkdir -p $(@D)
	@echo '$(GUEST_CFLAGS)' | cmp -s - $@ || echo '$(GUEST_CFLAGS)' > $@
FORCE:
.PHONY: FORCE

# The C both builds compile: wasm2c's, with the interpreter's loops aligned
# (scripts/align-interpreter.sh says why)
$(GUEST_PLAIN_C): $(GUEST_C) scripts/align-interpreter.sh
	bash scripts/align-interpreter.sh $< $@

$(B)/guest/guest_w2c_plain.o: $(GUEST_PLAIN_C) $(B)/guest/guest_cflags
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

# Segue: wasm2c's accessors replaced by %gs:-relative ones, after checking
# they are the ones segue_access.h expects (never by editing generated code)
$(GUEST_SEGUE_C): $(GUEST_PLAIN_C) scripts/segue-accessors.sh
	bash scripts/segue-accessors.sh $< $@

$(B)/guest/guest_w2c_segue.o: $(GUEST_SEGUE_C) src/sandbox/segue_access.h $(B)/guest/guest_cflags
	$(CC) $(GUEST_CFLAGS) -Isrc -c $< -o $@

guest: $(GUEST_OBJ)
.PHONY: guest

# ---- host library ----------------------------------------------------------------
#
# Every object is compiled with -fvisibility=hidden; nexus.h marks what the
# library exports (NX_API). The objects and the guest are linked into one
# relocatable object whose hidden symbols are then made local, so that
# libnexus.a, like libnexus.so, offers the API and nothing else (no
# internal nx_*, no wasm_rt_* to clash with another wasm2c user). Tests,
# fuzz targets and benchmarks, which call internals, link the objects.

VERSION_MAJOR := $(shell sed -n 's/^\#define NX_VERSION_MAJOR \([0-9]*\)/\1/p' include/nexus.h)
VERSION       := $(shell sed -n 's/^\#define NX_VERSION_STRING "\(.*\)"/\1/p' include/nexus.h)

NX_CFLAGS   := -std=gnu11 -fPIC -D_GNU_SOURCE -Wall -Wextra -Werror -fvisibility=hidden \
               -DNX_BUILDING_LIBRARY -DNX_SEGUE=$(SEGUE) -MMD -MP
HOST_CFLAGS := $(NX_CFLAGS) $(CPPFLAGS) $(CFLAGS) -Iinclude -Isrc -Iguest -I$(B)/guest
HOST_LIBS   := -lmsgpackc -ljansson -lcrypto -lzstd -lhiredis -lpthread -lm
HOST_SRCS   := $(shell find src -name '*.c' | sort)
HOST_OBJS   := $(HOST_SRCS:src/%.c=$(VB)/obj/%.o)
LIB         := $(VB)/libnexus.a
SHLIB_NAME  := libnexus.so.$(VERSION_MAJOR)
SHLIB       := $(VB)/libnexus.so.$(VERSION)
INTERNAL_LIB := $(VB)/internal/libnexus-internal.a

# The build id names this exact guest: bytecode cached on disk by another
# guest build is never loaded.
$(B)/guest/guest_id.h: $(GUEST_WASM)
	echo "#define NX_GUEST_BUILD_ID \"$$(sha256sum $< | cut -c1-16)\"" > $@

# Objects depend on the headers they include (-MMD -MP writes the lists);
# the generated guest header and build id come first; a tree's objects
# rebuild when its variant changes.
$(VB)/obj/%.o: src/%.c $(VARIANT_STAMP) | $(GUEST_H) $(B)/guest/guest_id.h
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

-include $(HOST_OBJS:.o=.d)

$(INTERNAL_LIB): $(HOST_OBJS) $(GUEST_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(VB)/nexus.o: $(HOST_OBJS) $(GUEST_OBJ)
	$(CC) -r -nostdlib $(LDFLAGS) $^ -o $@
	objcopy --localize-hidden $@

$(LIB): $(VB)/nexus.o
	rm -f $@
	ar rcs $@ $<

# -z nodelete: the signal handlers and the watchdog thread point into the
# library, so it stays mapped after dlclose (nexus.h, "What the library
# does to the process").
$(SHLIB): $(VB)/nexus.o
	$(CC) -shared -Wl,-soname,$(SHLIB_NAME) -Wl,-z,nodelete -Wl,--no-undefined $(LDFLAGS) \
	  $< $(HOST_LIBS) -o $@
	ln -sf $(notdir $(SHLIB)) $(VB)/$(SHLIB_NAME)
	ln -sf $(SHLIB_NAME) $(VB)/libnexus.so

$(VB)/nexus.pc: scripts/nexus.pc.in include/nexus.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@LIBS_PRIVATE@|$(HOST_LIBS)|' $< > $@

libs: $(LIB) $(SHLIB)
.PHONY: libs

# ---- CLI ---------------------------------------------------------------------------
#
# Built as a user's program would be: include/ and the static library only.

NEXUS := $(VB)/nexus
CLI_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -MMD -MP $(CPPFLAGS) $(CFLAGS) -Iinclude
CLI_SRCS := $(wildcard cli/*.c)
CLI_OBJS := $(CLI_SRCS:cli/%.c=$(VB)/cli/%.o)

$(VB)/cli/%.o: cli/%.c
	@mkdir -p $(@D)
	$(CC) $(CLI_CFLAGS) -c $< -o $@

-include $(CLI_OBJS:.o=.d)

$(NEXUS): $(CLI_OBJS) $(LIB)
	$(CC) $(LDFLAGS) $(CLI_OBJS) $(LIB) $(HOST_LIBS) -o $@

all: $(NEXUS) $(SHLIB) $(VB)/nexus.pc
.PHONY: all

# ---- install ------------------------------------------------------------------------

PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin
PCDIR      ?= $(LIBDIR)/pkgconfig

# nexus.pc names the prefix: rebuild it when PREFIX changes
$(VB)/nexus.pc: FORCE

install: all
	install -d $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PCDIR) $(DESTDIR)$(BINDIR)
	install -m 644 include/nexus.h $(DESTDIR)$(INCLUDEDIR)/nexus.h
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libnexus.a
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/$(notdir $(SHLIB))
	ln -sf $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SHLIB_NAME)
	ln -sf $(SHLIB_NAME) $(DESTDIR)$(LIBDIR)/libnexus.so
	install -m 644 $(VB)/nexus.pc $(DESTDIR)$(PCDIR)/nexus.pc
	install -m 755 $(NEXUS) $(DESTDIR)$(BINDIR)/nexus

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/nexus.h $(DESTDIR)$(LIBDIR)/libnexus.a \
	  $(DESTDIR)$(LIBDIR)/$(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SHLIB_NAME) \
	  $(DESTDIR)$(LIBDIR)/libnexus.so $(DESTDIR)$(PCDIR)/nexus.pc $(DESTDIR)$(BINDIR)/nexus

clean:
	rm -rf $(B) node/build
.PHONY: install uninstall clean

# ---- getting started -------------------------------------------------------------

deps:
	bash scripts/install-deps.sh

demo: deps
	$(MAKE) all node
	$(NEXUS) run examples/counter.js --state '{"count":41}' --args '{"step":1}' \
	  --cap state:read:count --cap state:write:count --cap 'events:emit:*'
	$(NODE) examples/node-demo.js
.PHONY: deps demo

# ---- tests -------------------------------------------------------------------------
#
# Every tests/test_*.c is a cmocka program. They run twice: against the
# optimised library, and against one built with AddressSanitizer, UBSan and
# LeakSanitizer (the generated guest code is not instrumented: its memory
# accesses are the sandbox's own, bounds-checked by guard pages).

TEST_SRCS  := $(wildcard tests/test_*.c)
TESTS      := $(TEST_SRCS:tests/%.c=$(VB)/tests/%)
TEST_FLAGS := -DQUICKJS_TESTS_DIR=\"$(abspath $(QJS))/tests\" -DEXAMPLES_DIR=\"$(abspath examples)\" \
              -DNEXUS_BIN=\"$(abspath $(NEXUS))\" -DHOSTILE_DIR=\"$(abspath tests/hostile)\"
TEST_LIBS  := $(HOST_LIBS) -lcmocka

$(VB)/tests/%: tests/%.c $(INTERNAL_LIB)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(TEST_FLAGS) -Itests $< $(INTERNAL_LIB) $(TEST_LIBS) -o $@

-include $(TESTS:=.d)

SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ASAN_OBJS := $(HOST_SRCS:src/%.c=$(VB)/asan/obj/%.o)
ASAN_LIB  := $(VB)/asan/libnexus.a
ASAN_TESTS := $(TEST_SRCS:tests/%.c=$(VB)/asan/tests/%)

$(VB)/asan/obj/%.o: src/%.c $(VARIANT_STAMP) | $(GUEST_H) $(B)/guest/guest_id.h
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) -c $< -o $@

-include $(ASAN_OBJS:.o=.d)

$(ASAN_LIB): $(ASAN_OBJS) $(GUEST_OBJ)
	rm -f $@
	ar rcs $@ $^

# The CLI built the same way: under test-asan, the CLI tests (hostile
# sources, tokens and recordings included) run it instead of $(NEXUS).
ASAN_NEXUS    := $(VB)/asan/nexus
ASAN_CLI_OBJS := $(CLI_SRCS:cli/%.c=$(VB)/asan/cli/%.o)

$(VB)/asan/cli/%.o: cli/%.c
	@mkdir -p $(@D)
	$(CC) $(CLI_CFLAGS) $(SAN_FLAGS) -c $< -o $@

-include $(ASAN_CLI_OBJS:.o=.d)

$(ASAN_NEXUS): $(ASAN_CLI_OBJS) $(ASAN_LIB)
	$(CC) $(LDFLAGS) $(SAN_FLAGS) $(ASAN_CLI_OBJS) $(ASAN_LIB) $(HOST_LIBS) -o $@

$(VB)/asan/tests/%: tests/%.c $(ASAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(SAN_FLAGS) $(subst $(abspath $(NEXUS)),$(abspath $(ASAN_NEXUS)),$(TEST_FLAGS)) \
	  -Itests $< $(ASAN_LIB) $(TEST_LIBS) -o $@

-include $(ASAN_TESTS:=.d)

export ASAN_OPTIONS := detect_leaks=1:abort_on_error=1:handle_segv=1:allow_user_segv_handler=1:use_sigaltstack=1
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1

test-unit: $(TESTS) $(NEXUS)
	@set -e; for t in $(TESTS); do echo "== $$t"; $$t; done

test-asan: $(ASAN_TESTS) $(ASAN_NEXUS)
	@set -e; for t in $(ASAN_TESTS); do echo "== $$t (ASan+UBSan)"; $$t; done

# The CLI tests once more with every nexus command under valgrind: on the
# plain build, since valgrind runs no Segue code (it emulates neither
# wrgsbase nor a GS base).
VALGRIND := valgrind --error-exitcode=99 -q --leak-check=full --errors-for-leak-kinds=definite
ifeq ($(SEGUE),0)
test-valgrind: $(VB)/tests/test_cli $(NEXUS)
	@echo "== $(VB)/tests/test_cli (nexus under valgrind)"
	@NEXUS_CLI_WRAPPER="$(VALGRIND)" NEXUS_CLI_SLOWDOWN=40 $(VB)/tests/test_cli
else
test-valgrind: $(GUEST_C) $(B)/guest/guest_id.h
	$(MAKE) SEGUE=0 test-valgrind
endif

# The hostile corpus once more with every restore a full copy of the snapshot
# (the fallback when userfaultfd write-protection is unavailable).
test-hostile-full-restore: $(VB)/tests/test_hostile
	@echo "== $< (NEXUS_RESTORE=full)"
	@NEXUS_RESTORE=full $<

# The Segue tests and the limits (traps, deadline stops) with GS written
# by arch_prctl, as on kernels without FSGSBASE: on the Segue build.
ifeq ($(SEGUE),1)
test-segue-syscall: $(VB)/tests/test_segue $(VB)/tests/test_limits
	@set -e; for t in $^; do echo "== $$t (NEXUS_SEGUE=syscall)"; NEXUS_SEGUE=syscall $$t; done
else
test-segue-syscall: $(GUEST_C) $(B)/guest/guest_id.h
	$(if $(filter 1,$(SEGUE_CAPABLE)),$(MAKE) SEGUE=1 test-segue-syscall,@echo "== no Segue build on this machine")
endif

# make test: this variant's tests, then the other variant's unit and
# sanitizer tests and its own one (valgrind or arch_prctl) in one make of
# that variant (the shared guest C is made here first, not by two makes at
# once).
THIS_VARIANT_TEST := $(if $(filter 1,$(SEGUE)),test-segue-syscall,test-valgrind)
OTHER_VARIANT_TEST := $(if $(filter 1,$(SEGUE)),test-valgrind,test-segue-syscall)
test-other-variant: $(GUEST_C) $(B)/guest/guest_id.h
	$(if $(filter 1,$(SEGUE_CAPABLE)),$(MAKE) SEGUE=$(OTHER_SEGUE) test-unit test-asan $(OTHER_VARIANT_TEST),@echo "== no Segue build on this machine")

# ---- fuzzing ---------------------------------------------------------------------
#
# libFuzzer needs clang, so the fuzz targets link a clang-built copy of the
# library (instrumented for coverage, ASan and UBSan). `make test` runs each
# target briefly; `make fuzz` runs each for FUZZ_SECONDS on a kept corpus.

FUZZ_CC      := clang-14
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -D_GNU_SOURCE -Iinclude -Isrc -Iguest -I$(B)/guest -DNX_SEGUE=$(SEGUE) \
                -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_OBJS    := $(HOST_SRCS:src/%.c=$(VB)/fuzz/obj/%.o)
FUZZ_LIB     := $(VB)/fuzz/libnexus.a
FUZZ_TARGETS := $(patsubst tests/%.c,$(VB)/fuzz/%,$(wildcard tests/fuzz_*.c))
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?= 3000

$(VB)/fuzz/obj/%.o: src/%.c $(VARIANT_STAMP) | $(GUEST_H) $(B)/guest/guest_id.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -fsanitize=fuzzer-no-link -c $< -o $@

-include $(FUZZ_OBJS:.o=.d)

$(FUZZ_LIB): $(FUZZ_OBJS) $(GUEST_OBJ)
	rm -f $@
	ar rcs $@ $^

# gcc checks each target with our warnings first: clang-14 alone would let
# some through.
$(VB)/fuzz/fuzz_%: tests/fuzz_%.c $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude -Isrc -Iguest -I$(B)/guest -fsyntax-only $<
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -fsanitize=fuzzer $< $(FUZZ_LIB) $(HOST_LIBS) -o $@

-include $(FUZZ_TARGETS:=.d)

# Each target starts from the inputs that once found a bug
# (tests/fuzz-seeds/TARGET/, copied: libFuzzer adds to its corpus
# directory). Its output goes to a log; the last line is printed when it
# passes, the last 60 lines and a failure when it does not.
test-fuzz: $(FUZZ_TARGETS)
	@set -e; for f in $(FUZZ_TARGETS); do n=$$(basename $$f); seeds=$(VB)/fuzz/seeds-$$n; \
	  rm -rf $$seeds; mkdir -p $$seeds; \
	  if [ -d tests/fuzz-seeds/$$n ]; then cp tests/fuzz-seeds/$$n/* $$seeds/; fi; \
	  echo "== $$f ($(FUZZ_RUNS) runs, $$(ls $$seeds | wc -l) seeds)"; \
	  if $$f -runs=$(FUZZ_RUNS) -artifact_prefix=$(VB)/fuzz/ $$seeds > $$f.log 2>&1; then tail -1 $$f.log; \
	  else tail -60 $$f.log; echo "FAILED: $$f (log: $$f.log)"; exit 1; fi; done

fuzz: $(FUZZ_TARGETS)
	@set -e; for f in $(FUZZ_TARGETS); do n=$$(basename $$f); mkdir -p $(VB)/fuzz/corpus/$$n; \
	  echo "== $$n ($(FUZZ_SECONDS) s)"; $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	  -artifact_prefix=$(VB)/fuzz/$$n- $(VB)/fuzz/corpus/$$n; done

# ---- Node.js package -------------------------------------------------------------
#
# node/ compiles the library's sources (globbed by node/scripts/native.js)
# with the addon's, links the plain guest object (never Segue: a prebuilt
# addon runs on CPUs the probe never measured) and the static archives of
# msgpack-c, jansson, libcrypto, zstd and hiredis into one N-API addon that
# needs only the C runtime; its npm dependencies are pinned by
# node/package-lock.json.

node: $(B)/guest/guest_w2c_plain.o $(B)/guest/guest_id.h
	cd node && (test -d node_modules || npm ci --ignore-scripts) && $(NODE) scripts/build.js
test-node: node
	$(NODE) --test node/test/
bench-node: node
	$(NODE) node/bench/compare.js

# The library as a user installs it: make install into a temporary prefix,
# a program built outside the repository with pkg-config (shared, then
# static), make uninstall. And its shape: only the API exported, layers
# that point one way.
test-install: all
	bash tests/install/install-test.sh

test-layers: all
	bash scripts/check-exports.sh $(SHLIB) include/nexus.h
	bash scripts/check-layers.sh $(VB)/obj $(GUEST_OBJ)

# The npm tarball: npm pack runs node/scripts/prepack.js, which adds the
# prebuilt addon (prebuilds/linux-x64/) and the sources to build it
# elsewhere (native/: the library's C, the translated guest). Neither is
# committed. test-node-pack installs it as a new user would.
NODE_TGZ := $(B)/nexus-runtime-$(shell sed -n 's/^  "version": "\(.*\)",$$/\1/p' node/package.json).tgz

node-pack: node
	cd node && npm pack --pack-destination $(abspath $(B))
	@test -f $(NODE_TGZ)
test-node-pack: node-pack
	bash node/test-install/run.sh $(NODE_TGZ)
# the same, building the addon from the tarball's sources (about a minute)
test-node-pack-source: node-pack
	NEXUS_BUILD_FROM_SOURCE=1 bash node/test-install/run.sh $(NODE_TGZ)

test: test-unit test-asan $(THIS_VARIANT_TEST) test-hostile-full-restore test-layers \
      test-install test-fuzz test-node test-node-pack test-other-variant
.PHONY: test test-unit test-asan test-valgrind test-hostile-full-restore test-layers \
        test-install test-fuzz fuzz node test-node bench-node node-pack test-node-pack \
        test-node-pack-source test-segue-syscall test-other-variant

# ---- benchmarks ----------------------------------------------------------------------
#
# The native QuickJS the sandbox is compared with: the same sources and
# defines, compiled by the host compiler at -O2, loop heads aligned as in
# the guest: unaligned, its interpreter too ran 5% slower or faster with
# the link's layout (docs/performance.md).

NATIVE_QJS_OBJS := $(QJS_UNITS:%=$(B)/native/%.o)
NATIVE_CFLAGS := -O2 -fPIC -w -falign-loops=64

$(B)/native/cflags: FORCE
	@mkdir -p $(@D)
	@echo '$(NATIVE_CFLAGS)' | cmp -s - $@ || echo '$(NATIVE_CFLAGS)' > $@

$(B)/native/%.o: $(QJS)/.verified $(B)/native/cflags
	@mkdir -p $(@D)
	$(CC) $(NATIVE_CFLAGS) -I$(QJS) $(QJS_DEFS) -c $(QJS)/$*.c -o $@

BENCH_SRCS := $(wildcard bench/*.c)

$(VB)/bench/report: $(BENCH_SRCS) bench/report.h $(INTERNAL_LIB) $(NATIVE_QJS_OBJS)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -Itests -isystem $(QJS) $(BENCH_SRCS) $(NATIVE_QJS_OBJS) $(INTERNAL_LIB) $(HOST_LIBS) \
	  -Wl,--wrap=nx_instance_restore -o $@

# The performance report: a table on stdout and build/bench.json
# (build/plain/bench.json for `make SEGUE=0 bench`).
bench: $(VB)/bench/report
	$(VB)/bench/report $(VB)/bench.json
.PHONY: bench
