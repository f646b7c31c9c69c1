# Two commands set everything up on a fresh machine:
#   make run   - virtual environment, install what running needs, extract the bundled corpus into out/
#   make test  - the same plus the test extras, then the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
OUT    ?= out

.PHONY: run test install eval clean model

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

# pytest, hypothesis, notebooks and Dask: for the tests only
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(TEST_STAMP)

install: $(TEST_STAMP)

run: $(STAMP)
	$(BIN)/extractor extract corpora/seeds --out $(OUT) --overwrite
	@$(BIN)/python -c "import extractor; t = extractor.read_tables('$(OUT)'); \
	print(t.documents[['doc_id','status','published','n_mentions','n_records','title']].to_string(index=False))"

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

# Scores per field, P/R/F1: on dev-external (56 articles of xwlb-2020 and
# hkcnews-2020 with the project's own gold, in corpora/, so a clone scores it
# too), then, where the project's ../shared is beside the clone, on the seeds'
# gold and on dev-wide (all, even half, odd half).
SHARED ?= ../shared
eval: $(STAMP)
	$(BIN)/extractor extract corpora/dev-external/input.jsonl --out $(OUT)/dev-external --quiet --overwrite
	@echo "== dev-external (corpora/dev-external/gold)"; $(BIN)/extractor eval $(OUT)/dev-external --gold corpora/dev-external/gold --halves
	@test -d $(SHARED)/gold/dev || { echo "The seeds' gold and dev-wide are in the project's $(SHARED) (beside a developer's clone), which is not here."; echo "To score your own gold files (docs/annotation.md), or the example in tests/example:"; echo "  $(BIN)/extractor extract tests/example/input --out $(OUT)/example && $(BIN)/extractor eval $(OUT)/example --gold tests/example/gold"; exit 0; }
	$(BIN)/extractor extract corpora/seeds --out $(OUT)/seeds --quiet --overwrite
	$(BIN)/extractor extract $(SHARED)/corpus/dev-wide/input.jsonl --out $(OUT)/dev-wide --quiet --overwrite
	@echo "== seeds ($(SHARED)/gold/dev)"; $(BIN)/extractor eval $(OUT)/seeds --gold $(SHARED)/gold/dev
	@echo "== dev-wide ($(SHARED)/gold/dev-wide)"; $(BIN)/extractor eval $(OUT)/dev-wide --gold $(SHARED)/gold/dev-wide --halves

# Retrain the shipped model (extractor/model/trained/) from corpora/train/;
# about half an hour on 2 cores. Figures: python benchmarks/methods.py.
model: $(STAMP)
	$(BIN)/extractor train

clean:
	rm -rf $(OUT) .pytest_cache
