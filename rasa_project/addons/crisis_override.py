"""NLU component that lets the deterministic crisis detector overrule the models.

It runs last in the NLU pipeline, on every user message. When
:func:`actions.logic.crisis.detect_crisis` fires, the message's intent becomes
``crisis_<kind>`` with confidence 1.0, whatever DIET or the FallbackClassifier said; the
rules then send the matching crisis line first (from the domain, without the action
server). The detected kind, not the text, is what the logs may show.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.logic.crisis import detect_crisis

CRISIS_INTENT_PREFIX = "crisis_"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisOverride(GraphComponent):
    """Sets ``crisis_<kind>`` as the intent when the crisis detector fires."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisOverride:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Overrule the intent of every message in which a crisis is detected."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/"):
                continue
            result = detect_crisis(text)
            if result is None:
                continue
            intent = {"name": CRISIS_INTENT_PREFIX + result.kinds[0].value, "confidence": 1.0}
            ranking = [intent] + [
                r
                for r in (message.get(INTENT_RANKING_KEY) or [])
                if r.get("name") != intent["name"]
            ]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: Any) -> Any:
        return training_data
