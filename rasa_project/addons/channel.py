"""The REST channel of this assistant (replaces Rasa's built-in ``rest``; same URL).

What it adds to Rasa's REST channel:
- the sender id is replaced by a pseudonym (HMAC) before anything reaches Rasa, and replies
  go back under the caller's own id, so the tracker store never holds a raw id;
- metadata from callers is dropped except a short allow-list (no ids, no phone numbers);
- text is normalised: missing or non-text messages become empty text, very long texts are
  cut, ``/command`` words map to intents (``/vergeetmij``), unknown ``/words`` become text;
- when the assistant produces no reply (e.g. the action server is down), the caller gets
  the domain response ``utter_technical_problem`` instead of silence;
- a confirmed ``/vergeetmij`` (the action sends the custom marker ``ERASE_MARKER``) erases
  the whole conversation from the tracker store after the turn; the marker never reaches
  the caller;
- nothing is logged with message text;
- importing it installs ``speedups`` (a cached validator for action-server replies and a
  cache of event classes: more than half of Rasa's CPU per message).
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.logic.commands import ERASE_MARKER, normalise_incoming
from rasa_project.addons import speedups
from rasa_project.addons.pseudonym import pseudonymise
from rasa_project.addons.storage import erase_sender

logger = logging.getLogger(__name__)
# Rasa imports this module for credentials.yml before it loads the model: the one hook
# where every Rasa server of this project gets the speed-ups.
speedups.install()

MAX_BODY_BYTES = 64 * 1024
ALLOWED_METADATA = ("channel", "locale")


def _render_response(agent: Any, name: str) -> List[Dict[str, Any]]:
    """Texts of a domain response (first variation), for messages sent without Rasa's NLG."""
    variations = agent.domain.responses.get(name) or []
    if not variations:
        return [{"text": "Sorry, er ging iets mis. Probeer het zo nog eens."}]
    first = variations[0]
    message: Dict[str, Any] = {"text": first.get("text", "")}
    if first.get("buttons"):
        message["buttons"] = first["buttons"]
    return [message]


class PseudonymousRestInput(InputChannel):
    """REST channel at /webhooks/rest/webhook that pseudonymises senders."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The health and webhook routes."""
        webhook = Blueprint("pseudonymous_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json({"error": "Het bericht is te groot."}, status=413)
            try:
                payload = request.json
            except Exception:  # sanic raises InvalidUsage on broken JSON
                payload = None
            if not isinstance(payload, dict):
                return response.json(
                    {"error": 'Stuur JSON zoals {"sender": "...", "message": "..."}.'},
                    status=400,
                )
            raw_sender = str(payload.get("sender") or "default")[:200]
            sender_id = pseudonymise(raw_sender)
            known_intents = set(request.app.ctx.agent.domain.intents)
            text = normalise_incoming(payload.get("message"), known_intents)
            metadata = _allowed_metadata(payload.get("metadata"))
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender_id, input_channel="rest", metadata=metadata)
                )
            except CancelledError:
                logger.error("REST message timed out (sender %s)", sender_id[:10])
            except Exception as exc:  # never leak a stack trace with text to the caller
                logger.error(
                    "REST message failed (sender %s): %s", sender_id[:10], type(exc).__name__
                )
            agent = request.app.ctx.agent
            messages = [m for m in collector.messages if not _is_erase_marker(m)]
            erase_requested = len(messages) != len(collector.messages)
            if erase_requested:
                erased = erase_sender(agent.tracker_store, sender_id)
                erased += erase_handovers(sender_id)
                logger.info("Erased conversation %s (%d rows)", sender_id[:10], erased)
            if not messages:
                messages = _render_response(agent, "utter_technical_problem")
            if erase_requested:
                # Reached only when the erasure above did not raise: the caller's explicit
                # confirmation that everything is gone (the web chat forgets its id on it).
                messages.append({"custom": {ERASE_MARKER: True}})
            for message in messages:
                message["recipient_id"] = raw_sender
            return response.json(messages)

        return webhook


def erase_handovers(sender_id: str) -> int:
    """Withdraw every handover of this person (handover/store.py)."""
    from handover.store import get_store

    return get_store().delete_for_person(sender_id)


def _is_erase_marker(message: Dict[str, Any]) -> bool:
    custom = message.get("custom")
    return isinstance(custom, dict) and custom.get(ERASE_MARKER) is True


def _allowed_metadata(metadata: Any) -> Optional[Dict[str, Any]]:
    if not isinstance(metadata, dict):
        return None
    kept = {k: str(metadata[k])[:40] for k in ALLOWED_METADATA if k in metadata}
    return kept or None
