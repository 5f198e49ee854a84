#!/usr/bin/env bash
# Install Nesta's SOCMapper (PyPI nlp-link 0.1.5) into the project venv: the third peer of `soc-coder evaluate`.
#
# Why a script and not a pip extra: nlp-link 0.1.5 pins torch<2, numpy<2 and sentence-transformers<3, which
# conflict with soc-coder's own pins, so nlp-link itself goes in with --no-deps. Of its dependencies it imports
# only wasabi, boto3 and pyyaml beyond what soc-coder already has; those install normally (boto3 cannot be
# imported without botocore, so `--no-deps boto3` alone would leave SOCMapper unable to load).
# evaluation/peers/socmapper.py then patches its S3 index loader and its hub model loader to run offline.
# Idempotent: does nothing when a working nlp-link 0.1.5 is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
installed() {
    "$PYTHON" - <<'PY' >/dev/null 2>&1
from importlib.metadata import version
assert version("nlp-link") == "0.1.5"
import nlp_link.soc_mapper.soc_map  # noqa: F401  (imports wasabi, boto3, yaml)
PY
}
if installed; then
    echo "SOCMapper (nlp-link 0.1.5) already installed"
    exit 0
fi
"$PYTHON" -m pip install --quiet --no-deps "nlp-link==0.1.5"
"$PYTHON" -m pip install --quiet wasabi boto3 pyyaml
installed || { echo "nlp-link 0.1.5 installed but SOCMapper does not import" >&2; exit 1; }
echo "SOCMapper (nlp-link 0.1.5) installed"
