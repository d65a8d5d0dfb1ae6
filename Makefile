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

# The main job on the built-in defaults: a demo workspace, the sample list imported,
# Herald's capture sink started on 127.0.0.1, the sample release sent to it (scripts/demo).
DEMO = demo
demo: build
	@scripts/demo

test: bootstrap
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: bootstrap
	$(SWIFT) build -c release --product herald-bench
	$(SWIFT) build -c release --product herald
	python3 Benchmarks/compose.py
	python3 Benchmarks/store.py
	python3 Benchmarks/dkim.py
	python3 Benchmarks/deliver.py
	python3 Benchmarks/inbox.py
	python3 Benchmarks/web.py
	python3 Benchmarks/presskit_serve.py
	python3 Benchmarks/presskit_images.py
	python3 Benchmarks/desk.py

clean:
	rm -rf .build preview $(DEMO)
