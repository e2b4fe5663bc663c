# Shortcuts for the commands in README.md.
.PHONY: test demo bench

test:
	scripts/test.sh

demo:
	scripts/demo.sh

bench:
	bench/run.sh $(BENCH_ARGS)
