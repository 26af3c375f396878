"""Handover end to end over the REST channel: consent → redacted handover for the right
organisation only → gone on /vergeetmij; without consent nothing appears."""

from __future__ import annotations

import pytest

from handover.store import get_store
from rasa_project.addons.pseudonym import pseudonymise
from tests.conftest import Chat, Servers, server_env

ZAANSTAD = "GM0479"


@pytest.fixture(scope="module")
def store(servers: Servers):
    store = get_store(servers.env["HANDOVER_DB_URL"])
    if not store.get_organisation("zaanstad-schuldhulp"):
        store.add_organisation("zaanstad-schuldhulp", "Schuldhulp Zaanstad",
                               "municipal_debt_help", [ZAANSTAD])
        store.add_account("reviewer.zaanstad", "zaanstad-schuldhulp", "reviewer",
                          "Een-Lang-Wachtwoord-42!")
    return store


def person(chat: Chat) -> str:
    return pseudonymise(chat.sender, key=server_env()["PSEUDONYM_KEY"].encode())


def reach_offer(chat: Chat) -> str:
    chat.say("Ik ben Fatima de Vries en ik woon in Zaanstad.")
    reply = chat.say("er komen steeds brieven van een deurwaarder en ik kan niks meer betalen")
    for _ in range(4):
        if "doorgeven" in reply:
            return reply
        reply = chat.say("nee")
    return reply


@pytest.mark.server
def test_consent_gives_a_redacted_handover_that_vergeetmij_removes(servers, store) -> None:
    chat = Chat(servers.url)
    offer = reach_offer(chat)
    assert "Schuldhulp Zaanstad" in offer and "/vergeetmij" in offer
    assert "contact" in chat.say("ja").lower()
    assert "doorgegeven" in chat.say("bel me maar op 06-12345678")
    handovers = store.handovers_for(person(chat))
    assert len(handovers) == 1
    item = handovers[0]
    assert item.organisation_id == "zaanstad-schuldhulp" and item.municipality_code == ZAANSTAD
    text = " ".join(t["text"] for t in item.transcript)
    assert "Fatima" not in text and "de Vries" not in text
    assert item.contact.get("phone") == "06-12345678"
    assert item.summary["municipality"] == ZAANSTAD and item.summary["triage_tier"] == 4
    chat.say("/vergeetmij")
    assert "gewist" in chat.say("ja")
    assert store.handovers_for(person(chat)) == []


@pytest.mark.server
def test_no_consent_shares_nothing(servers, store) -> None:
    chat = Chat(servers.url)
    assert "doorgeven" in reach_offer(chat)
    assert "niets door" in chat.say("nee")
    assert store.handovers_for(person(chat)) == []


@pytest.mark.server
def test_unclear_answer_to_consent_shares_nothing(servers, store) -> None:
    chat = Chat(servers.url)
    reach_offer(chat)
    chat.say("weet ik niet")
    assert store.handovers_for(person(chat)) == []


@pytest.mark.server
def test_no_handover_where_no_organisation_takes_them(servers, store) -> None:
    chat = Chat(servers.url)
    chat.say("ik woon in Utrecht")
    replies = [chat.say("er komen steeds brieven van een deurwaarder")]
    for _ in range(3):
        replies.append(chat.say("nee"))
    assert not any("doorgeven" in r for r in replies)


@pytest.mark.server
def test_youth_under_16_gets_no_handover_but_a_trusted_adult(servers, store) -> None:
    chat = Chat(servers.url)
    chat.say("ik ben 14 en woon in Zaanstad")
    reply = chat.say("kan iemand met me meekijken?")
    assert "Kindertelefoon" in reply and "doorgeven" not in reply
    assert store.handovers_for(person(chat)) == []
