"""rasa_project/addons/speedups.py gives the same results as the Rasa code it replaces.

- The cached validator for action-server replies against Rasa's per-call
  ``jsonschema.validate``: what Rasa accepts passes, what Rasa rejects fails with the same
  error.
- The cached event-class lookup against Rasa's walk over all ``Event`` subclasses.
"""

from __future__ import annotations

from typing import Any, Dict, List

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from rasa_project.addons import speedups

SCHEMA = RemoteAction.action_response_format_spec()

VALID: List[Dict[str, Any]] = [
    {},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "dialogue_state", "value": {"phase": "needs"}}],
     "responses": [{"text": "Hoe oud is je kind?", "buttons": []}]},
    {"events": [{"event": "slot", "name": "x", "value": None, "timestamp": 1.5}]},
    {"events": [{"event": "followup", "name": "action_listen"}], "responses": [{}]},
    {"responses": [{"response": "utter_crisis_suicide"}]},
]
INVALID: List[Dict[str, Any]] = [
    {"events": "slot"},
    {"events": [{"name": "x"}]},
    {"events": [{"event": "slot"}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "name": 3, "value": 1}]},
    {"responses": "Hallo"},
    {"responses": ["Hallo"]},
    {"events": [{"event": "slot", "name": "x", "value": 1, "timestamp": "gisteren"}]},
]


def rasa_verdict(reply: Dict[str, Any]) -> str:
    """What Rasa 3.6's own check says: '' when valid, else the error message."""
    try:
        jsonschema.validate(reply, SCHEMA)
        return ""
    except jsonschema.ValidationError as error:
        return error.message


def cached_verdict(reply: Dict[str, Any]) -> str:
    speedups.install()
    try:
        assert RemoteAction("action_assistant", None)._validate_action_result(reply) is True
        return ""
    except jsonschema.ValidationError as error:
        return error.message


@pytest.mark.parametrize("reply", VALID)
def test_what_rasa_accepts_passes(reply: Dict[str, Any]) -> None:
    assert rasa_verdict(reply) == ""
    assert cached_verdict(reply) == ""


@pytest.mark.parametrize("reply", INVALID)
def test_what_rasa_rejects_fails_with_the_same_error(reply: Dict[str, Any]) -> None:
    expected = rasa_verdict(reply)
    assert expected, "this sample should be invalid for Rasa too"
    message = cached_verdict(reply)
    assert message.startswith(expected)
    assert "Failed to validate Action server response" in message
    assert "/custom-actions" in message


def test_install_is_idempotent_and_happens_when_the_channel_loads() -> None:
    import rasa_project.addons.channel  # noqa: F401  (Rasa imports it for credentials.yml)

    patched = RemoteAction._validate_action_result
    assert getattr(RemoteAction, "_fast_validation", False)
    speedups.install()
    assert RemoteAction._validate_action_result is patched


def test_the_schema_is_not_rechecked_per_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    speedups.install()
    checks = []
    validator_class = jsonschema.validators.validator_for(SCHEMA)
    monkeypatch.setattr(validator_class, "check_schema",
                        classmethod(lambda cls, schema, *a, **k: checks.append(1)))
    for reply in VALID * 5:
        RemoteAction("action_assistant", None)._validate_action_result(reply)
    assert checks == []
    jsonschema.validate({}, SCHEMA)  # Rasa's own way checks the schema on every call
    assert checks == [1]


def test_event_classes_resolve_as_in_rasa() -> None:
    from rasa.shared.core import events
    from rasa.shared.utils.common import all_subclasses

    speedups.install()
    names = {cls.type_name for cls in all_subclasses(events.Event)}
    assert {"user", "bot", "slot", "action", "session_started"} <= names
    for _ in range(2):  # the second round comes from the cache
        for cls in all_subclasses(events.Event):
            resolved = events.Event.resolve_by_type(cls.type_name)
            assert resolved.type_name == cls.type_name
            assert resolved is next(c for c in all_subclasses(events.Event)
                                    if c.type_name == cls.type_name)
    with pytest.raises(ValueError):
        events.Event.resolve_by_type("geen_event")
    assert events.Event.resolve_by_type("geen_event", events.UserUttered) is events.UserUttered
    assert events.Event.resolve_by_type("topic") is None
    restored = events.deserialise_events([
        {"event": "user", "text": "hoi", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "slot", "name": "dialogue_state", "value": {"phase": "needs"}},
    ])
    assert [type(e) for e in restored] == [events.UserUttered, events.SlotSet]
    assert getattr(events.Event, "_cached_resolve", False)
