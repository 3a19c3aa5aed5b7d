# Developer entry points for armorsmith; see README.md. Requires GNU make.
# Everything is installed into .venv and .cache inside the checkout, never into $HOME.

PY := .venv/bin/python
SHARED := ../shared

# The tree-sitter CLI: from PATH when there is one, else the copy `make tree-sitter-cli` installs.
TREE_SITTER := $(or $(shell command -v tree-sitter 2>/dev/null),$(CURDIR)/.cache/tree-sitter-cli/bin/tree-sitter)
# Keep the CLI's compiled parsers and caches inside the checkout.
export TREE_SITTER_LIBDIR := $(CURDIR)/.cache/tree-sitter/lib
export XDG_CACHE_HOME := $(CURDIR)/.cache/xdg

# Re-install when anything the build compiles or reads changes.
INSTALL_INPUTS := pyproject.toml setup.py grammar/bindings/python/tree_sitter_apparmor/binding.c \
	$(wildcard grammar/src/*.c grammar/src/*.h grammar/src/tree_sitter/*.h)

# The VS Code extension (editors/vscode) and its end-to-end test's code-server (see README, "VS Code").
VSCODE := editors/vscode
VSCODE_INPUTS := $(wildcard $(VSCODE)/src/*.ts) $(addprefix $(VSCODE)/,package.json tsconfig.json .vscodeignore \
	README.md language-configuration.json syntaxes/apparmor.tmLanguage.json)
CODE_SERVER_DIR := .cache/code-server

.PHONY: venv install demo test docs grammar grammar-check tree-sitter-cli conformance bench fuzz clean vscode vscode-e2e-deps

venv: .venv/.installed

install: venv

.venv/.installed: $(INSTALL_INPUTS)
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

demo: venv
	.venv/bin/armorsmith lint examples/apparmor.d/
	.venv/bin/armorsmith explain --policy examples/apparmor.d examples/denials/audit.log
	.venv/bin/armorsmith suggest --policy examples/apparmor.d --diff examples/denials/audit.log

test: venv vscode vscode-e2e-deps
	@if [ -x "$(TREE_SITTER)" ] && [ -d grammar/test/corpus ]; then \
		echo "cd grammar && tree-sitter test"; cd grammar && "$(TREE_SITTER)" test; \
	else \
		echo "note: skipping 'tree-sitter test' (no tree-sitter CLI or no grammar/test/corpus; see 'make tree-sitter-cli')"; \
	fi
	$(PY) -m pytest

docs: venv
	$(PY) -m armorsmith.diagnostics.docgen docs/diagnostics.md

tree-sitter-cli:
	@if [ -x "$(TREE_SITTER)" ]; then \
		echo "tree-sitter CLI: $(TREE_SITTER) ($$("$(TREE_SITTER)" --version))"; \
	else \
		sh $(SHARED)/tools/get-tree-sitter-cli .cache/tree-sitter-cli; \
	fi

grammar: tree-sitter-cli
	cd grammar && "$(TREE_SITTER)" generate

# Regenerate the parser in a temporary copy of grammar/ and compare it with the committed
# grammar/src. Output differs between CLI versions, so a different version skips the check.
grammar-check: tree-sitter-cli
	@want=$$(cat grammar/TREE_SITTER_CLI_VERSION); \
	have=$$("$(TREE_SITTER)" --version | awk '{print $$2}'); \
	if [ "$$want" != "$$have" ]; then \
		echo "grammar-check: SKIPPED: the tree-sitter CLI here is $$have, but grammar/src was generated"; \
		echo "grammar-check: with $$want (grammar/TREE_SITTER_CLI_VERSION); install $$want to compare."; \
		exit 0; \
	fi; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp -R grammar/. "$$tmp"; \
	rm -rf "$$tmp/src/parser.c" "$$tmp/src/grammar.json" "$$tmp/src/node-types.json" "$$tmp/src/tree_sitter"; \
	(cd "$$tmp" && "$(TREE_SITTER)" generate) || exit 1; \
	if diff -r grammar/src "$$tmp/src" > "$$tmp.diff"; then \
		rm -f "$$tmp.diff"; echo "grammar-check: grammar/src matches grammar.js (tree-sitter $$have)"; \
	else \
		head -n 40 "$$tmp.diff"; rm -f "$$tmp.diff"; \
		echo "grammar-check: FAILED: grammar/src is stale; run 'make grammar' and commit grammar/src"; exit 1; \
	fi

# The extension's packages come from the npm registry (package-lock.json); `npm ci` runs when the lock changes.
$(VSCODE)/node_modules/.installed: $(VSCODE)/package.json $(VSCODE)/package-lock.json
	cd $(VSCODE) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Type-check, bundle and package: editors/vscode/armorsmith.vsix.
$(VSCODE)/armorsmith.vsix: $(VSCODE)/node_modules/.installed $(VSCODE_INPUTS)
	cd $(VSCODE) && npm run --silent typecheck && npm run --silent build && npm run --silent package

vscode: $(VSCODE)/armorsmith.vsix

# What the end-to-end test needs beyond the extension: Debian's chromium, and code-server 4.100.3
# built from the npm registry into .cache/code-server (a few minutes, once; needs ripgrep and libkrb5-dev).
vscode-e2e-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v rg >/dev/null 2>&1 || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then \
		echo "installing chromium, ripgrep and libkrb5-dev from Debian"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium ripgrep libkrb5-dev; \
	fi
	@mkdir -p .cache && sh $(SHARED)/tools/build-code-server $(CODE_SERVER_DIR) >$(CODE_SERVER_DIR).log 2>&1 || { tail -n 40 $(CODE_SERVER_DIR).log; exit 1; }
	@echo "code-server: $$(tail -n 1 $(CODE_SERVER_DIR).log)"

conformance: venv
	$(PY) -m conformance

bench: venv
	$(PY) -m bench

# A bounded fuzzing campaign (about a minute per target; not part of `make test`): atheris
# from PyPI when it installs, else hypothesis.  See fuzz/__main__.py.
fuzz: venv
	$(PY) -m pip install --quiet atheris || echo "fuzz: atheris did not install; hypothesis runs the campaign"
	$(PY) -m fuzz

clean:
	rm -rf .venv .cache build server/*.egg-info *.egg-info $(VSCODE)/node_modules $(VSCODE)/dist $(VSCODE)/out $(VSCODE)/*.vsix
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find grammar/bindings -name '*.so' -delete
