"""The one custom action: hands each user message to the dialogue state machine."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.logic.dialogue import State, Turn, respond

logger = logging.getLogger(__name__)


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
        for say in respond(state, turn):
            if say.custom is not None:
                dispatcher.utter_message(response=say.response, **say.values)
                dispatcher.utter_message(json_message=say.custom)
            else:
                dispatcher.utter_message(response=say.response, **say.values)
        logger.debug("intent=%s pending=%s needs=%s", intent, state.pending, state.needs_open)
        return [SlotSet("dialogue_state", state.to_slot())]
