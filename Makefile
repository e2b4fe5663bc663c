# Shortcuts for the commands in README.md.
.PHONY: test demo bench fuzz

test:
	scripts/test.sh

demo:
	scripts/demo.sh

bench:
	bench/run.sh $(BENCH_ARGS)

# Every parser of outside bytes under libFuzzer with AddressSanitizer, 10 minutes each
# (scripts/fuzz.sh; FUZZ_SECONDS and FUZZ_JOBS to change it).
fuzz:
	scripts/fuzz.sh $(or $(FUZZ_SECONDS),600)
