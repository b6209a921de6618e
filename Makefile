# opcat — common tasks. `make zoo` is the main job; `make test` is what CI runs.
SWIFT ?= swift
RELEASE_BIN := .build/release/opcat

.PHONY: all build zoo site charts test lint format docs golden bench fuzz regenerate-zoo clean

FUZZ_SECONDS ?= 600

all: build

build:
	$(SWIFT) build -c release --product opcat

# Every bundled zoo: the seed's (data/zoo) and the real zoos under data/zoos/.
ZOOS := data/zoo $(sort $(wildcard data/zoos/*/))
BUDGETS := 0.5G 1G 2G 5G 10G

# Ingest every bundled zoo into the default catalog (./opcat.sqlite, or $OPCAT_DB; a progress
# line on a terminal) and print from it: the seed table (mxop convention), the Pareto front of
# top-1 against MACs (chart beside the catalog), and the best checkpoint under each budget, full
# model and backbone. A second run is a fast no-op ingest.
zoo: build
	$(RELEASE_BIN) ingest $(ZOOS)
	$(RELEASE_BIN) table --convention mxop --zoo seed --file-format mxnet-symbol --exclude-quantized --format markdown
	@echo
	$(RELEASE_BIN) pareto --svg $(basename $(or $(OPCAT_DB),opcat.sqlite))-pareto.svg --log-x
	@echo
	@for budget in $(BUDGETS); do \
	  $(RELEASE_BIN) best --max-macs $$budget --limit 1; \
	  $(RELEASE_BIN) best --max-macs $$budget --backbone --limit 1; \
	done

# The whole bundled catalog as a static site in .build/site (open .build/site/index.html): about
# 40 MB for its 1,107 models, too large to commit; docs/site/ is the seed zoo's (`make docs`).
site: build
	$(RELEASE_BIN) ingest $(ZOOS)
	$(RELEASE_BIN) export html .build/site

# The Pareto chart as people see it, as PNG (rendered by headless Chromium): the seed zoo's
# (docs/zoo-pareto.svg) and the whole bundled catalog's, in docs/.
CHROMIUM ?= chromium
SHOT = $(CHROMIUM) --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1140,660
charts: build
	rm -f .build/charts.sqlite .build/charts.sqlite-wal .build/charts.sqlite-shm
	$(RELEASE_BIN) ingest $(ZOOS) --db .build/charts.sqlite
	$(RELEASE_BIN) pareto --db .build/charts.sqlite --log-x --svg .build/catalog-pareto.svg > /dev/null
	$(SHOT) --screenshot=docs/catalog-pareto.png file://$(CURDIR)/.build/catalog-pareto.svg
	$(SHOT) --screenshot=docs/zoo-pareto.png file://$(CURDIR)/docs/zoo-pareto.svg

# The tests build optimized (-O, still with @testable) in their own scratch directory: counting
# the real zoos' thousand graphs is most of their time, about 5× faster than in a plain debug
# build, while the build takes a few minutes longer. A plain `swift test` runs the same tests.
TEST_FLAGS := --scratch-path .build-opt -Xswiftc -O

test:
	$(SWIFT) test $(TEST_FLAGS)

# The Swift sources follow .swift-format (swift-format ships with the toolchain); generated
# protobuf code is left as generated. `make format` rewrites them, `make lint` (run by CI) checks.
SWIFT_SOURCES = Package.swift $(shell find Sources Tests -name '*.swift' ! -name '*.pb.swift' | sort)

lint:
	$(SWIFT) format lint --strict --configuration .swift-format $(SWIFT_SOURCES)

format:
	$(SWIFT) format format --in-place --configuration .swift-format $(SWIFT_SOURCES)

# Regenerate generated docs: the ops table from the registry, the zoo page and chart and its
# static site (docs/site/) from a fresh catalog of the bundled zoo, the cross-check of the real zoos against their published
# figures (docs/cross-check.md, written by its test), and the charts of measured speed against
# MACs in docs/speed.md from a catalog of the timm zoo (a few minutes).
docs:
	$(SWIFT) build --product opcat
	.build/debug/opcat ops --format markdown > docs/ops.md
	rm -f .build/docs.sqlite .build/docs.sqlite-wal .build/docs.sqlite-shm
	.build/debug/opcat ingest data/zoo --db .build/docs.sqlite
	.build/debug/opcat export markdown --db .build/docs.sqlite --out docs/zoo.md
	.build/debug/opcat export html docs/site --db .build/docs.sqlite
	OPCAT_UPDATE_GOLDEN=1 $(SWIFT) test $(TEST_FLAGS) --filter CrossCheckTests
	$(SWIFT) build $(TEST_FLAGS) --product opcat
	rm -f .build/speed.sqlite .build/speed.sqlite-wal .build/speed.sqlite-shm
	.build-opt/debug/opcat ingest data/zoos/timm --db .build/speed.sqlite
	.build-opt/debug/opcat speed --db .build/speed.sqlite --device 'RTX 4090' --svg docs/speed-rtx4090.svg > /dev/null
	.build-opt/debug/opcat speed --db .build/speed.sqlite --device 'Core i9-10940X' --svg docs/speed-cpu.svg > /dev/null

# Rewrite the CLI golden files after an intended output change (review the diff!).
golden:
	OPCAT_UPDATE_GOLDEN=1 $(SWIFT) test $(TEST_FLAGS) --filter CLITests

# Speed against mxop 0.2.0 (needs Python; sets up .venv-mxnet on first use) and hyperfine.
bench: build
	bash tools/bench.sh

# Run the libFuzzer targets (MXNet reader, ONNX reader, zoo manifest, shape/budget syntax)
# for FUZZ_SECONDS each, two at a time; crashes land in .build-fuzz/crashes/.
fuzz:
	bash tools/fuzz.sh $(FUZZ_SECONDS)

# Rebuild data/zoo and data/reference from the pinned PyPI packages.
regenerate-zoo:
	bash tools/regenerate_zoo.sh

clean:
	rm -rf .build
