#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 needs Python < 3.11), or fail clearly.
# Order: python3.10 on PATH, pyenv's 3.10.x, `uv python find 3.10` (installing it with uv if needed).
set -u
works() { "$1" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; }
if command -v python3.10 >/dev/null 2>&1 && works "$(command -v python3.10)"; then
  command -v python3.10; exit 0
fi
if command -v pyenv >/dev/null 2>&1; then
  for v in $(ls "$(pyenv root)/versions" 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -V -r); do
    p="$(pyenv root)/versions/$v/bin/python"
    if works "$p"; then echo "$p"; exit 0; fi
  done
fi
if command -v uv >/dev/null 2>&1; then
  p=$(uv python find 3.10 2>/dev/null || (uv python install 3.10 >/dev/null 2>&1 && uv python find 3.10))
  if [ -n "${p:-}" ] && works "$p"; then echo "$p"; exit 0; fi
fi
echo "Python 3.10 is needed (Rasa 3.6 does not run on 3.11+), but none was found." >&2
echo "Install it, e.g. 'pyenv install 3.10' or 'uv python install 3.10', then run make again." >&2
exit 1
