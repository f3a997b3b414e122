# Benchmarks (bench/README.md): `make bench` prints ours against OpenSSL;
# `make bench-smoke` runs every benchmark a few times and prints
# "N passed, N failed" (for CI: it checks they run, not how fast).
DEBIAN_PACKAGES += libssl-dev

BENCH_DIR   := build/bench
BENCH_CERTS := $(BENCH_DIR)/certs/ed.pem

.PHONY: bench bench-smoke bench-tools
bench-tools: $(MOD54) $(BENCH_DIR)/ossl_bench bench/mallinfo.so $(BENCH_CERTS)

$(BENCH_DIR)/ossl_bench: bench/ossl_bench.c
	@mkdir -p $(@D)
	$(CC) -O2 -g -std=gnu99 -Wall -Wextra -o $@ $< -lssl -lcrypto -lsodium

bench/mallinfo.so: bench/mallinfo.c
	$(CC) -O2 -g -std=gnu99 -Wall -Wextra -fPIC -shared -I$(LUA_INC) -o $@ $<

$(BENCH_CERTS): bench/make_certs.sh
	sh bench/make_certs.sh $(BENCH_DIR)/certs

bench: bench-tools
	$(LUA) bench/run.lua

bench-smoke: bench-tools
	$(LUA) bench/run.lua --smoke
