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

# Until delivery exists (issue 4), the main job is: a fresh demo workspace from the
# built-in defaults, the sample list imported, the sample release checked and composed.
DEMO = demo
demo: build
	@rm -rf $(DEMO)
	@echo "$$ herald init $(DEMO)"
	@$(HERALD) init $(DEMO) >/dev/null
	@echo "$$ herald lists create press-en --title \"Press releases (English)\""
	@$(HERALD) lists create press-en --title "Press releases (English)" --workspace $(DEMO)
	@echo "$$ herald lists import press-en Lists/press-en.csv"
	@cd $(DEMO) && ../$(HERALD) lists import press-en Lists/press-en.csv
	@echo
	@echo "$$ herald check $(SAMPLE)"
	@cd $(DEMO) && ../$(HERALD) check $(SAMPLE)
	@echo
	@echo "$$ herald preview $(SAMPLE) --to \"Anna Schmidt <anna.schmidt@example.org>\""
	@cd $(DEMO) && ../$(HERALD) preview $(SAMPLE) --to "Anna Schmidt <anna.schmidt@example.org>" --organization "Example Daily"
	@echo
	@echo "Open $(DEMO)/preview/2020-03-31-water-report/message.html in a browser, or message.eml in a mail client."

test: bootstrap
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: bootstrap
	$(SWIFT) build -c release --product herald-bench
	$(SWIFT) build -c release --product herald
	python3 Benchmarks/compose.py
	python3 Benchmarks/store.py

clean:
	rm -rf .build preview $(DEMO)
