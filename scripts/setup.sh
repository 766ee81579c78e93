#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian machine: system packages, then a virtualenv in .venv.
# Usage: scripts/setup.sh [--dev]   (--dev adds test tools and the browser)
set -euo pipefail
cd "$(dirname "$0")/.."
dev=0; [ "${1:-}" = "--dev" ] && dev=1

apt_pkgs=(mediainfo libarchive13 libarchive-tools catdoc unar fonts-noto-cjk nginx)   # nginx: ./dev serve
[ $dev = 1 ] && apt_pkgs+=(chromium fonts-noto-color-emoji)   # emoji so screenshots show ✅ as teachers see it
missing=()
for p in "${apt_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_=""; [ "$(id -u)" != 0 ] && sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
req=requirements.txt; [ $dev = 1 ] && req=requirements-dev.txt
stamp=.venv/.installed-$(sha1sum requirements*.txt | sha1sum | cut -c1-12)-$dev
if [ ! -f "$stamp" ]; then
  err=$(mktemp)
  # This machine's pip config lists local mirrors that may be absent; drop that noise, keep real errors.
  if ! .venv/bin/pip install -q --disable-pip-version-check -r "$req" 2>"$err"; then
    cat "$err" >&2; rm -f "$err"; exit 1
  fi
  grep -v "^WARNING: Location" "$err" >&2 || true; rm -f "$err"
  touch "$stamp"
fi
