"""The one custom action: hands each user message to the dialogue state machine."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.logic import handover
from actions.logic.content import get_content
from actions.logic.dialogue import Say, State, Turn, respond

logger = logging.getLogger(__name__)


def _preload_redactor() -> None:
    """Load deduce (about 1 GB, 10-30 s) in the background, so a first handover need not wait."""
    try:
        from handover.redact import get_redactor

        get_redactor().load()
    except Exception as exc:  # the handover falls back to patterns-only redaction
        logger.warning("redactor preload failed: %s", type(exc).__name__)


if os.environ.get("PRELOAD_REDACTOR", "1") == "1":
    threading.Thread(target=_preload_redactor, name="redactor-preload", daemon=True).start()

HANDOVER_KINDS = ("municipal_debt_help", "wijkteam", "volunteer")


class HandoverServices:
    """Looks up organisations that take handovers (handover/store.py)."""

    def handover_organisation(self, municipality_code: Optional[str]) -> Optional[Dict[str, str]]:
        try:
            from handover.store import get_store

            organisation = get_store().organisation_for(municipality_code, HANDOVER_KINDS)
        except Exception as exc:  # a broken handover store must not break the conversation
            logger.error("handover store unavailable: %s", type(exc).__name__)
            return None
        return {"id": organisation.id, "name": organisation.name} if organisation else None


def transcript_of(tracker: Tracker) -> List[Dict[str, str]]:
    """User and bot texts of the current conversation, in order."""
    turns = []
    for event in tracker.events:
        if event.get("event") in ("user", "bot") and event.get("text"):
            text = event["text"]
            if event["event"] == "user" and text.startswith("/"):
                continue
            turns.append({"speaker": event["event"], "text": text})
    return turns


def create_handover(state: State, tracker: Tracker) -> bool:
    """Redact the conversation and store the handover; False when that failed."""
    try:
        from handover.redact import redact_transcript
        from handover.store import get_store

        organisation = state.handover["organisation"]
        keep = handover.contact_values(state)
        turns = redact_transcript(transcript_of(tracker), keep=keep)
        labels = {n.id: n.label for n in get_content().needs.values()}
        get_store().create_handover(
            person_id=tracker.sender_id,
            organisation_id=organisation["id"],
            municipality_code=state.municipality,
            scope="summary+transcript",
            summary=handover.summary(state, labels),
            transcript=turns,
            contact=state.handover.get("contact") or {},
        )
        return True
    except Exception as exc:
        logger.error("creating a handover failed: %s", type(exc).__name__)
        return False


class ActionAssistant(Action):
    """Reads the latest message, runs ``dialogue.respond`` and sends its replies."""

    def name(self) -> str:
        return "action_assistant"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name") or "nlu_fallback"
        turn = Turn(
            text=message.get("text") or "",
            intent=intent,
            confidence=float((message.get("intent") or {}).get("confidence") or 0.0),
        )
        state = State.from_slot(tracker.get_slot("dialogue_state"))
        says = respond(state, turn, services=HandoverServices())
        for say in says:
            if say.effect == "create_handover" and not create_handover(state, tracker):
                state.handover["failed"] = True
                say = Say("utter_handover_failed")
            dispatcher.utter_message(response=say.response, **say.values)
            if say.custom is not None:
                dispatcher.utter_message(json_message=say.custom)
        return [SlotSet("dialogue_state", state.to_slot())]
