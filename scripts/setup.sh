#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian machine: system packages, then a virtualenv in .venv.
# Usage: scripts/setup.sh [--dev]   (--dev adds test tools and the browser)
set -euo pipefail
cd "$(dirname "$0")/.."
dev=0; [ "${1:-}" = "--dev" ] && dev=1

apt_pkgs=(mediainfo libarchive13 libarchive-tools catdoc unar fonts-noto-cjk nginx)   # nginx: ./dev serve
[ $dev = 1 ] && apt_pkgs+=(chromium fonts-noto-color-emoji)   # emoji so screenshots show ✅ as teachers see it
[ $dev = 1 ] && apt_pkgs+=(libreoffice-writer-nogui)          # real .doc/.wps and PDF samples for the document tests
[ $dev = 1 ] && apt_pkgs+=(mediaconch)                        # the MediaConch peer of bench/bench_mediaconch.py
# node/npm only to install the browser's MediaInfo (package-lock.json); skipped where already present
command -v node >/dev/null 2>&1 || apt_pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || apt_pkgs+=(npm)
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

# Bytecode at set-up: where Python may not write it (PYTHONDONTWRITEBYTECODE, a read-only checkout)
# every `python -m checks` would recompile ~25 modules (13-17% of a one-shot check).
.venv/bin/python -m compileall -q -j 0 app.py accounts checks demo pages samplegen scoring ui >/dev/null

# The browser-side video check's WebAssembly (served by the app itself, never from a CDN).
npm_stamp=node_modules/.installed-$(sha1sum package-lock.json | cut -c1-12)
if [ ! -f "$npm_stamp" ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  touch "$npm_stamp"
fi
