"""The cached validator for action-server replies gives the same verdicts as Rasa's own.

``rasa_project/addons/action_validation.py`` replaces Rasa's per-call ``jsonschema.validate``
(which re-checks the whole events schema every time) by a validator built once. These tests
run both on the same replies: what Rasa accepts passes, what Rasa rejects fails with the
same error.
"""

from __future__ import annotations

from typing import Any, Dict, List

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from rasa_project.addons import action_validation

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
    action_validation.install()
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
    action_validation.install()
    assert RemoteAction._validate_action_result is patched


def test_the_schema_is_not_rechecked_per_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    action_validation.install()
    checks = []
    validator_class = jsonschema.validators.validator_for(SCHEMA)
    monkeypatch.setattr(validator_class, "check_schema",
                        classmethod(lambda cls, schema, *a, **k: checks.append(1)))
    for reply in VALID * 5:
        RemoteAction("action_assistant", None)._validate_action_result(reply)
    assert checks == []
    jsonschema.validate({}, SCHEMA)  # Rasa's own way checks the schema on every call
    assert checks == [1]
