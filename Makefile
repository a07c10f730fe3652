# dyplab: two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Use the course mirror next to the checkout when there is one (CI sets DYPLAB_DATA_MIRROR itself).
MIRROR_DEFAULT := $(abspath $(wildcard ../shared/data))
ifneq ($(MIRROR_DEFAULT),)
export DYPLAB_DATA_MIRROR ?= $(MIRROR_DEFAULT)
endif

.PHONY: demo test test-fast lint bench check-class install lab clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml requirements-torch.txt
	$(BIN)/python -m pip install -r requirements-torch.txt
	$(BIN)/python -m pip install -e ".[dev,lab,app]"
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/dyplab run core

test: $(STAMP)
	DYPLAB_PROFILE=smoke $(BIN)/python -m pytest

test-fast: $(STAMP)
	DYPLAB_PROFILE=smoke $(BIN)/python -m pytest -m "not notebook and not slow"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks

bench: $(STAMP)
	$(BIN)/python benchmarks/mnist_cnn.py
	$(BIN)/python benchmarks/ecg_intra_patient.py
	$(BIN)/python benchmarks/threads.py
	$(BIN)/python benchmarks/ecg_recipe_selection.py
	$(BIN)/python benchmarks/flowers_cnn.py --original-epochs 2
	$(BIN)/python benchmarks/fer_cnn.py
	$(BIN)/python benchmarks/grade_20.py
	# Recipe selection: each script reads training and validation data only and prints candidates and choice.
	$(BIN)/python benchmarks/mnist_recipe_selection.py
	$(BIN)/python benchmarks/heart_recipe_selection.py
	$(BIN)/python benchmarks/flowers_recipe_selection.py
	$(BIN)/python benchmarks/medmnist_recipe_selection.py
	$(BIN)/python benchmarks/mri_recipe_selection.py
	$(BIN)/python benchmarks/fer_recipe_selection.py
	# PFN: the 2-10-class run starts from the shipped binary network (8000 steps, 42 min on one thread here).
	$(BIN)/python benchmarks/pfn_prior_ceiling.py
	mkdir -p results/pfn_candidates && git show 95dfb5f:src/dyplab/pfn/weights/tabular_pfn.pt > results/pfn_candidates/binary_v1.pt
	$(BIN)/python scripts/train_pfn.py --steps 8000 --lr 5e-4 --init results/pfn_candidates/binary_v1.pt --out results/pfn_pretrain_v2/tabular_pfn.pt --snapshots 2000,4000
	$(BIN)/python benchmarks/pfn_selection.py --also results/pfn_candidates/binary_v1.pt

# JupyterLab on notebooks/ with .venv's Python as the kernel (dyplab lab).
lab: $(STAMP)
	$(BIN)/dyplab lab notebooks

# Every notebook in the class profile, checked against its issue's targets (not in CI: about an hour).
check-class: $(STAMP)
	$(BIN)/python scripts/check_class.py

clean:
	rm -rf $(VENV) reports results .pytest_cache
