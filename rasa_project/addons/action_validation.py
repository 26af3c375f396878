"""Validate the action server's replies with a JSON-schema validator built once.

Rasa 3.6 ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which checks
the (large) events schema against the meta-schema on every call before validating: about
half of the Rasa server's CPU per message here (docs/scaling.md, "Where the time goes").
``install()`` replaces it by the same validation with a validator that is built and checked
once. Same schema, same errors, same message; ``rasa_project/addons/channel.py`` calls it
when Rasa loads the channel, so every Rasa server of this project has it.
"""

from __future__ import annotations

from typing import Any, Dict


def install() -> None:
    """Patch ``RemoteAction._validate_action_result`` (idempotent)."""
    from jsonschema import validators
    from jsonschema.exceptions import best_match
    from rasa.core.actions import action as rasa_action
    from rasa.shared.constants import DOCS_BASE_URL

    if getattr(rasa_action.RemoteAction, "_fast_validation", False):
        return
    schema = rasa_action.RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is not None:
            error.message += (
                ". Failed to validate Action server response from API, make sure your "
                "response from the Action endpoint is valid. For more information about "
                f"the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise error
        return True

    rasa_action.RemoteAction._validate_action_result = _validate_action_result
    rasa_action.RemoteAction._fast_validation = True
