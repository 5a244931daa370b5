#!/usr/bin/env bash
# Provisions the real LiteLLM proxy the test suite runs (Tests/LiteLLM/harness.py) into a virtualenv under .build/,
# reused across runs. Pinned: litellm[proxy] and prometheus_client (which `callbacks: ["prometheus"]` needs and the
# extra does not pull). When PyPI cannot be reached this fails loudly: the LiteLLM tests never pass without the proxy.
# Usage: scripts/ensure-litellm.sh            (prints nothing when the pinned versions are already there)
set -euo pipefail
cd "$(dirname "$0")/.."

LITELLM_VERSION=1.108.5
PROMETHEUS_CLIENT_VERSION=0.26.0
venv=.build/litellm-venv
stamp="$venv/.lookout-litellm-$LITELLM_VERSION-prometheus-$PROMETHEUS_CLIENT_VERSION"

[ -f "$stamp" ] && [ -x "$venv/bin/litellm" ] && exit 0

python=$(command -v python3 || true)
if [ -z "$python" ]; then
  echo "lookout: python3 is required to run the real LiteLLM proxy in the tests (apt-get install python3 python3-venv)" >&2
  exit 1
fi
if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "lookout: installing python3-venv" >&2
  as_root=(); [ "$(id -u)" -ne 0 ] && as_root=(sudo)
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi

echo "lookout: provisioning LiteLLM $LITELLM_VERSION into $venv (once; reused by later runs)" >&2
rm -rf "$venv"
mkdir -p .build
"$python" -m venv "$venv"
if ! "$venv/bin/pip" install --quiet --disable-pip-version-check \
      "litellm[proxy]==$LITELLM_VERSION" "prometheus_client==$PROMETHEUS_CLIENT_VERSION"; then
  echo "lookout: ERROR: could not install litellm[proxy]==$LITELLM_VERSION from PyPI." >&2
  echo "lookout: the real-LiteLLM tests cannot run without it; failing instead of skipping them." >&2
  rm -rf "$venv"
  exit 1
fi
"$venv/bin/litellm" --version >/dev/null 2>&1 || { echo "lookout: ERROR: litellm installed but does not start" >&2; exit 1; }
touch "$stamp"
