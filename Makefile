# make           set up (fonts, .venv, packages) and convert every speech in inputs/ (.txt .docx .pdf .html …) into outputs/
# make test      run the tests
# make verify    typeset every labelled speech and check its pages (and LibreOffice's page count)
# make booklets  also impose each PDF as an A5 booklet: outputs/NAME.booklet.pdf
# make clean     remove the outputs
# make golden    re-record tests/golden/labelled.json, when a change is meant to change the outputs
# One rule per speech: only inputs newer than their outputs (or than the code,
# profile and promotion rules) are rebuilt, and `make -j2` converts two at once.

PY      := .venv/bin/python
STAMP   := .venv/.installed
TSTAMP  := .venv/.installed-test
COMPILED:= .venv/.compiled
CODE    := $(wildcard pipeline/*.py pipeline/*/*.py pipeline/*/*/*.py pipeline/data/*.toml pipeline/data/profiles/*.toml)

# The files a speech comes as (each read by its content, whatever its name says).
SUFFIXES:= txt docx doc pdf html htm mhtml mht TXT DOCX DOC PDF HTML HTM MHTML MHT
FOUND   := $(foreach s,$(SUFFIXES),$(wildcard inputs/*.$(s)))
# make splits names on spaces, so a file name with one cannot be a target.
SPACED  := $(shell find inputs -maxdepth 1 -type f -name '* *' 2>/dev/null)
INPUTS  := $(filter-out $(SPACED),$(FOUND))
STEMS   := $(basename $(notdir $(INPUTS)))
# Two inputs with one name (讲话.txt and 讲话.docx) would write the same outputs.
CLASHES := $(shell printf '%s\n' $(STEMS) | sort | uniq -d)
PDFS    := $(patsubst %,outputs/%.pdf,$(sort $(STEMS)))
DOCXS   := $(patsubst %,outputs/%.docx,$(sort $(STEMS)))
BOOKLETS:= $(patsubst %,outputs/%.booklet.pdf,$(sort $(STEMS)))

.PHONY: all setup test verify booklets clean golden
.DELETE_ON_ERROR:
# The converter writes each output whole or not at all (a temporary file, renamed), so make
# must not delete one when it is interrupted: it would delete complete, new outputs.
.PRECIOUS: outputs/%.pdf outputs/%.docx outputs/%.report.txt outputs/%.booklet.pdf

all: $(PDFS) $(DOCXS)
ifneq ($(SPACED),)
	@echo "make: cannot convert these files because their names contain spaces (rename them, or run" >&2
	@echo "      .venv/bin/python -m pipeline convert FILE -o outputs):" >&2
	@find inputs -maxdepth 1 -type f -name '* *' | sed 's/^/      /' >&2
	@exit 1
endif

ifneq ($(CLASHES),)
$(error inputs/ holds more than one file named $(CLASHES) (as .txt and .docx, say): their outputs would be the same files; rename one)
endif

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/setup.sh
	scripts/setup.sh
	@touch $@

$(TSTAMP): pyproject.toml scripts/setup.sh
	scripts/setup.sh --test
	@touch $(STAMP) $@

# One recipe writes all files of a speech (a grouped pattern rule): .pdf, .docx and
# .report.txt, the page to read before printing (what was removed and why); one rule per
# kind of input, the same recipe.
define SPEECH_RULE
outputs/%.pdf outputs/%.docx outputs/%.report.txt: inputs/%.$(1) $$(CODE) | $$(STAMP) $$(COMPILED) outputs
	$$(PY) -m pipeline convert "$$<" -o outputs
endef
$(foreach s,$(SUFFIXES),$(eval $(call SPEECH_RULE,$(s))))

# Byte-compile the package once, so that each speech's process does not compile it again
# (a third of a cold start where PYTHONDONTWRITEBYTECODE is set, as in CI containers).
$(COMPILED): $(wildcard pipeline/*.py pipeline/*/*.py pipeline/*/*/*.py) | $(STAMP)
	$(PY) -m compileall -q pipeline
	@touch $@

booklets: $(BOOKLETS)

outputs/%.booklet.pdf: outputs/%.pdf $(CODE) | $(STAMP)
	$(PY) -m pipeline impose --booklet "$<" -o "$@"

outputs:
	mkdir -p $@

test: $(TSTAMP)
	$(PY) -m pytest

golden: $(TSTAMP)
	$(PY) -m pytest tests/write/test_golden.py --update-golden -q

verify: $(TSTAMP)
	$(PY) scripts/verify.py

clean:
	find outputs -mindepth 1 ! -name .gitkeep -delete

# make bench     time 200 generated speeches against LibreOffice, pandoc and Typst: bench/results.md
.PHONY: bench profile
# Typst (PyPI `typst`) is a peer of the bench only, not a dependency of the tool: installed here,
# and when it cannot be, the bench says "not installed" in its column
bench: $(STAMP)
	$(PY) -c "import typst" 2>/dev/null || $(PY) -m pip install -q typst || echo "bench: typst not installed" >&2
	$(PY) bench/run.py

# pyinstrument is for this target only, not a dependency of the tool
profile: $(STAMP)
	$(PY) -c "import pyinstrument" 2>/dev/null || $(PY) -m pip install -q pyinstrument
	$(PY) bench/profile.py
