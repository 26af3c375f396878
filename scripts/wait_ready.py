"""Wait until the Rasa server (and optionally the action server) answer, with progress."""

from __future__ import annotations

import sys
import time
import urllib.request


def is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


def main(rasa_url: str, action_url: str | None = None, timeout: float = 180) -> int:
    start = time.time()
    checks = [rasa_url + "/webhooks/rest/"] + ([action_url + "/health"] if action_url else [])
    while time.time() - start < timeout:
        if all(is_up(url) for url in checks):
            print(f"==> Servers ready after {time.time() - start:.0f} s")
            return 0
        print(".", end="", flush=True)
        time.sleep(1)
    print(f"\nServers did not start within {timeout:.0f} s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
