"""NLU component that lets the safety decision overrule the models.

It runs last in the NLU pipeline, on every user message. When
:func:`actions.logic.safety.assess` (rules plus the learned detector) decides ``line`` or
``check``, the message's intent becomes ``crisis_<kind>``, ``crisis_other_<kind>`` or
``crisis_check_<kind>`` with confidence 1.0, whatever DIET or the FallbackClassifier said;
the rules then send the matching text first (from the domain, without the action server).
The decision, not the text, is what the logs may show.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.logic.safety import assess
from actions.logic.safety_model import get_model


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisOverride(GraphComponent):
    """Sets the crisis intent of the safety decision (line, other or check)."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisOverride:
        get_model()  # load (or train once) the learned detector before the first message
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Overrule the intent of every message in which a crisis is detected."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/"):
                continue
            name = assess(text).intent
            if name is None:
                continue
            intent = {"name": name, "confidence": 1.0}
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
