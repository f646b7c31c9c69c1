# Two commands set everything up on a fresh machine:
#   make run   - virtual environment, install, extract the bundled corpus into out/
#   make test  - the same install, then the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out

.PHONY: run test install eval clean model

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/extractor extract corpora/seeds --out $(OUT)
	@$(BIN)/python -c "import extractor; t = extractor.read_tables('$(OUT)'); \
	print(t.documents[['doc_id','status','published','n_mentions','n_records','title']].to_string(index=False))"

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Scores on the dev gold (needs ../shared beside the clone).
eval: run
	$(BIN)/extractor eval $(OUT) --gold ../shared/gold/dev

# Retrain the shipped model (extractor/model/trained/) from corpora/train/;
# about half an hour on 2 cores. Figures: python benchmarks/methods.py.
model: $(STAMP)
	$(BIN)/extractor train

clean:
	rm -rf $(OUT) .pytest_cache
