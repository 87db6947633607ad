# OnnxOll: `make run` runs the main job on a built-in default, `make test` runs the test suite.
DOTNET ?= dotnet
CONFIG ?= Release
CLI = $(DOTNET) run --project src/OnnxOll.Cli -c $(CONFIG) --

.PHONY: build test run bench format clean eval-cifar100 eval-cifar100-quick fixtures pack

build:
	$(DOTNET) build OnnxOll.sln -c $(CONFIG)

# The style check first: one field naming convention (.editorconfig), formatting as `dotnet format` leaves it.
test:
	$(DOTNET) format OnnxOll.sln --verify-no-changes
	$(DOTNET) test OnnxOll.sln -c $(CONFIG) --logger "console;verbosity=minimal"

run:
	$(CLI) demo --out runs/demo

# The onnxoll command as a .NET tool package: dotnet tool install --global OnnxOll.Cli --add-source ./artifacts/nupkg
pack:
	rm -rf artifacts/nupkg
	$(DOTNET) pack src/OnnxOll.Cli -c $(CONFIG) -o artifacts/nupkg

# Builds the libtorch peer outside the repository (when ../shared/peer exists) and runs every case against it.
bench:
	PEER="$$(bash scripts/build-peer.sh || true)"; $(CLI) bench --out runs/bench.json $${PEER:+--peer "$$PEER"} --readme README.md

eval-cifar100:
	bash scripts/eval-cifar100.sh

eval-cifar100-quick:
	bash scripts/eval-cifar100.sh --quick

format:
	$(DOTNET) format OnnxOll.sln --verify-no-changes

clean:
	rm -rf artifacts runs

# Regenerates tests/fixtures/torch and tests/fixtures/onnx (needs Debian's python3-torch and python3-onnx:
# apt-get install -y python3-torch python3-onnx); CI reads the committed files.
fixtures:
	/usr/bin/python3 tests/fixtures/generate.py
