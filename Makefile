# The front door: make, make check, make demo.  The real build is CMake.
BUILD   ?= build
ASAN    ?= build-asan
FUZZ    ?= build-fuzz
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
GEN     := $(shell command -v ninja >/dev/null 2>&1 && echo -G Ninja)
FUZZ_SECONDS ?= 10

.PHONY: all bootstrap check check-unit check-asan fuzz demo demo-captures clean conformance

all: bootstrap
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) $(GEN)
	cmake --build $(BUILD) -j $(JOBS)

bootstrap:
	@scripts/bootstrap

# Everything: the normal build and its tests (conformance against the
# kernel included), the sanitizer build and its tests (conformance against
# the golden files: the normal build's run compares with the live kernel,
# and the random scenarios are left to it), a short fuzz run.
check: all check-asan fuzz
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

check-asan: bootstrap
	@test -f $(ASAN)/CMakeCache.txt || cmake -S . -B $(ASAN) $(GEN) \
		-DCMAKE_BUILD_TYPE=Debug -DNFU_SANITIZE=ON -DCMAKE_C_COMPILER=clang
	cmake --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		NFU_CONFORM_GOLDEN=1 ctest --output-on-failure -j $(JOBS) -LE random

fuzz: bootstrap
	@test -f $(FUZZ)/CMakeCache.txt || cmake -S . -B $(FUZZ) $(GEN) \
		-DCMAKE_BUILD_TYPE=Debug -DNFU_FUZZ=ON -DCMAKE_C_COMPILER=clang
	cmake --build $(FUZZ) -j $(JOBS)
	@sh scripts/run-fuzz $(FUZZ) $(FUZZ_SECONDS) $(JOBS)

# The conformance tests; with SEEDS=N, the random scenarios of seeds 1 to N
# instead (tests/conformance/README.md), JOBS at a time, and those that fail;
# with NAT_SEEDS=N, the generator's NAT mode's seeds 1 to N (after SEEDS').
conformance: all
	@if [ -n "$(SEEDS)$(NAT_SEEDS)" ]; then \
		c=$(BUILD)/tests/conformance; \
		if [ -n "$(SEEDS)" ]; then \
		sh tests/conformance/run.sh --tool $$c/conform_tool \
			--nfu $$c/nfu_conform --replay $(BUILD)/tools/nfu \
			--gen $$c/conform_gen --gen-dir $$c/random \
			--jobs $(JOBS) 1-$(SEEDS) || rc=1; \
		fi; \
		if [ -n "$(NAT_SEEDS)" ]; then \
		sh tests/conformance/run.sh --tool $$c/conform_tool \
			--nfu $$c/nfu_conform --replay $(BUILD)/tools/nfu \
			--gen $$c/conform_gen --nat --gen-dir $$c/random-nat \
			--jobs $(JOBS) 1-$(NAT_SEEDS) || rc=1; \
		fi; \
		exit $${rc:-0}; \
	else \
		cd $(BUILD) && ctest --output-on-failure -L conformance; \
	fi

# The main job on a shipped scene (examples/demo/README.md says how to
# read what it prints): gw's ruleset over the traffic captured on its two
# interfaces, packet by packet, then the counters.
DEMO = examples/demo
demo: all
	@mkdir -p $(BUILD)/demo
	$(BUILD)/tools/nfu replay -r $(DEMO)/rules -t $(DEMO)/topology \
		-i lan0=$(DEMO)/capture/lan0.pcap -i wan0=$(DEMO)/capture/wan0.pcap \
		--trace -c -o $(BUILD)/demo --log $(BUILD)/demo/log
	@echo "(what left each interface: $(BUILD)/demo/*.pcap; LOG lines: $(BUILD)/demo/log)"

# The demo's captures, written again from examples/demo/packets.
demo-captures: all
	$(BUILD)/tests/conformance/conform_tool pcap $(DEMO) $(DEMO)/capture

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)
