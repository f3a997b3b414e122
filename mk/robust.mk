# Robustness (issue 8): libFuzzer targets, the sanitizer and leak runs of the
# spec suite, and the constant-time check of the CBC record code.
#
#   make fuzz            every target for FUZZ_SECONDS (default 30) each
#   make fuzz-ci         every target ~10 s each; non-zero exit on a finding
#   make fuzz-build      just build them (build/fuzz/<target>)
#   make test-asan       the spec suite on a module built with ASan+UBSan
#   make test-leaks      the spec suite under valgrind, definite leaks fatal
#   make test-hostile    the hostile-peer spec at full size (10,000 handshakes)
#   make test-ctgrind    the CBC open path, secret bytes marked undefined,
#                        under valgrind (bench/ctgrind_cbc.c)

DEBIAN_PACKAGES += clang libclang-rt-14-dev valgrind

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := $(sort $(patsubst fuzz/targets/%.c,%,$(wildcard fuzz/targets/*.c)))
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=gnu99 -g -O1 -Wall -Wextra -Wno-unused-parameter -DGMP_DESC -Icore/include -Icore/src $(FUZZ_SAN)
FUZZ_OBJ     := $(CORE_SRC:core/src/%.c=build/fuzz/core/%.o)

.PHONY: fuzz fuzz-ci fuzz-build test-asan test-leaks test-hostile test-ctgrind

build/fuzz/core/%.o: core/src/%.c $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CC    $@"; $(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/%: fuzz/targets/%.c fuzz/targets/fuzz_common.h $(FUZZ_OBJ)
	@mkdir -p $(@D)
	@echo "  FUZZ  $@"; $(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(LIBS)

fuzz-build: $(FUZZ_TARGETS:%=build/fuzz/%)

.SECONDARY: $(FUZZ_OBJ) $(ASAN_OBJ)

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh fuzz/run.sh $(FUZZ_TARGETS)

fuzz-ci: fuzz-build
	FUZZ_SECONDS=10 sh fuzz/run.sh $(FUZZ_TARGETS)

# ---- the module under ASan + UBSan (gcc), the suite run by lua5.4 --------
ASAN_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ASAN_DIR   := build/asan
ASAN_MOD   := $(ASAN_DIR)/tlshs/core.so
ASAN_OBJ   := $(CORE_SRC:core/src/%.c=$(ASAN_DIR)/core/%.o) $(BIND_SRC:lua/%.c=$(ASAN_DIR)/lua/%.o)
ASAN_CFLAGS = -std=gnu99 -g -O1 -Wall -Wextra -Wno-unused-parameter -fPIC -DGMP_DESC -Icore/include -Icore/src $(ASAN_SAN)

$(ASAN_DIR)/core/%.o: core/src/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) -c -o $@ $<

$(ASAN_DIR)/lua/%.o: lua/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ASAN_CFLAGS) -I$(LUA_INC) -c -o $@ $<

$(ASAN_MOD): $(ASAN_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared $(ASAN_SAN) -o $@ $^ $(LIBS)

# The interpreter is not instrumented: the runtime is preloaded.  Leaks are
# checked by test-leaks (lua5.4 itself does not free everything at exit).
test-asan: $(ASAN_MOD) $(MOD54) $(MODJIT)
	LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	LUA_PATH="$(TEST_PATH)" LUA_CPATH="$(CURDIR)/$(ASAN_DIR)/?.so;/usr/lib/$(MULTIARCH)/lua/5.4/?.so;;" \
	  $(LUA) $(BUSTED) $(BUSTED_ARGS)

# ---- valgrind over the suite (the normal -O2 module) --------------------
# Left out by default: the specs that start external peers (client/server/
# record interop: slow under valgrind, no tlshs code path of their own) and
# the Wycheproof spec (2.5 of ~5 minutes under valgrind, libtomcrypt RSA
# arithmetic; its error paths are covered for leaks by the sig/keys fuzz
# targets, which run LeakSanitizer).  LEAK_EXCLUDE="interop" runs it too.
LEAK_EXCLUDE ?= interop wycheproof
build/nodlclose.so: fuzz/nodlclose.c
	@mkdir -p $(@D)
	$(CC) -shared -fPIC -O2 -o $@ $<

test-leaks: $(MOD54) $(MODJIT) build/nodlclose.so
	TLSHS_HOSTILE_N=200 LD_PRELOAD=$(CURDIR)/build/nodlclose.so \
	LUA_PATH="$(TEST_PATH)" LUA_CPATH="$(TEST_CPATH54)" \
	  valgrind -q --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
	    --error-exitcode=99 --suppressions=fuzz/valgrind.supp --num-callers=30 \
	  $(LUA) $(BUSTED) -o spec/support/summary_output.lua --exclude-tags=rockspec $(LEAK_EXCLUDE:%=--exclude-pattern=%) $(SPEC_ARGS) $(call spec_targets,spec)

test-hostile: $(MOD54)
	TLSHS_HOSTILE_N=10000 \
	LUA_PATH="$(TEST_PATH)" LUA_CPATH="$(TEST_CPATH54)" \
	  $(LUA) $(BUSTED) -o spec/support/summary_output.lua --pattern=hostile spec

build/ctgrind_cbc: bench/ctgrind_cbc.c $(CORE_OBJ)
	$(CC) -O2 -g -std=gnu99 -DGMP_DESC -Icore/include -Icore/src bench/ctgrind_cbc.c \
	  $(filter-out build/lua5.4/core/rec_cbc.o,$(CORE_OBJ)) -o $@ $(LIBS)

test-ctgrind: build/ctgrind_cbc
	sh fuzz/ctgrind.sh build/ctgrind_cbc
