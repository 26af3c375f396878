"""A terminal chat with the assistant over its REST channel (the same path as every user)."""

from __future__ import annotations

import argparse
import json
import urllib.request
import uuid


def send(url: str, sender: str, text: str) -> list:
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    request = urllib.request.Request(
        url + "/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.loads(reply.read().decode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    args = parser.parse_args()
    sender = "terminal-" + uuid.uuid4().hex[:8]
    print("Chat met de assistent. Typ /stop om te stoppen, /vergeetmij om alles te wissen.\n")
    while True:
        try:
            text = input("jij > ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if text.strip() in ("/stop", "/quit", "/exit"):
            return
        try:
            messages = send(args.url, sender, text)
        except OSError as exc:
            print(f"(de server antwoordt niet: {exc})")
            continue
        for message in messages:
            if message.get("text"):
                print("bot > " + message["text"])
            for number, button in enumerate(message.get("buttons") or [], start=1):
                print(f"      [{number}] {button.get('title')}")
        print()


if __name__ == "__main__":
    main()
