# OnnxOll: `make run` runs the main job on a built-in default, `make test` runs the test suite.
DOTNET ?= dotnet
CONFIG ?= Release
CLI = $(DOTNET) run --project src/OnnxOll.Cli -c $(CONFIG) --

.PHONY: build test run bench format clean

build:
	$(DOTNET) build OnnxOll.sln -c $(CONFIG)

test:
	$(DOTNET) test OnnxOll.sln -c $(CONFIG) --logger "console;verbosity=minimal"

run:
	$(CLI) demo --out runs/demo

bench:
	$(CLI) bench --out runs/bench.json

format:
	$(DOTNET) format OnnxOll.sln --verify-no-changes

clean:
	rm -rf artifacts runs
