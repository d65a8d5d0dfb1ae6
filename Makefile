# Herald: `make demo` runs the main job on the built-in defaults, `make test` runs the
# tests, `make bench` the benchmarks. Each installs what it needs first (scripts/bootstrap,
# quick when everything is there).

SWIFT ?= swift
HERALD = .build/debug/herald
SAMPLE = Releases/2020-03-31-water-report.md

.PHONY: all bootstrap build demo test bench clean

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build --product herald

# Until delivery exists, the main job is composing the sample release: the repository is
# itself a workspace (herald init adds its private secret), and preview writes the email.
demo: build
	@$(HERALD) init . >/dev/null
	@echo "$$ herald check $(SAMPLE)"
	@$(HERALD) check $(SAMPLE)
	@echo
	@echo "$$ herald preview $(SAMPLE)"
	@$(HERALD) preview $(SAMPLE)

test: bootstrap
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: bootstrap
	$(SWIFT) build -c release --product herald-bench
	$(SWIFT) build -c release --product herald
	python3 Benchmarks/compose.py
	python3 Benchmarks/store.py

clean:
	rm -rf .build preview
