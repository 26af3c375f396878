"""Two Rasa 3.6 hot spots, made cheap without changing what Rasa does (docs/scaling.md).

Measured with py-spy on the Rasa server under load ("Where the time goes"):

- ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which checks the
  (large) events schema against the meta-schema on every call before validating: about half
  of the Rasa server's CPU per message. ``cache_action_reply_validator`` uses the same
  schema with a validator that is built and checked once: same verdicts, same errors.
- ``Event.resolve_by_type`` walks all ``Event`` subclasses (with ``inspect.isabstract`` on
  each) for every event it deserialises: ~5 % of the CPU per message, as every turn
  rebuilds the tracker from its stored events. ``cache_event_classes`` remembers the class
  found for each type name; unknown names still go to Rasa's own lookup.

``install()`` applies both; ``rasa_project/addons/channel.py`` calls it when Rasa loads the
channel, so every Rasa server of this project has them.
"""

from __future__ import annotations

from typing import Any, Dict, Optional


def cache_action_reply_validator() -> None:
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


def cache_event_classes() -> None:
    """Patch ``Event.resolve_by_type`` with a cache of found classes (idempotent)."""
    from rasa.shared.core.events import Event

    if getattr(Event, "_cached_resolve", False):
        return
    original = Event.resolve_by_type
    found: Dict[str, Any] = {}

    def resolve_by_type(type_name: str, default: Optional[Any] = None) -> Optional[Any]:
        cls = found.get(type_name)
        if cls is None:
            cls = original(type_name, default)
            if cls is not None and cls is not default:
                found[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)
    Event._cached_resolve = True


def install() -> None:
    """Apply both (idempotent)."""
    cache_action_reply_validator()
    cache_event_classes()
