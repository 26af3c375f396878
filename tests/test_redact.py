"""Tests for handover/redact.py: recall per kind in both modes, what must survive, keep, safety.

The recall figures per kind are printed for deduce mode and patterns-only mode (also without
``-s``). ``tests/data/redaction_messages.yaml`` is the set the rules were tuned on;
``tests/data/redaction_holdout.yaml`` was written before the rules and never tuned on.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import handover.redact as redact_module
from handover.redact import (
    DEDUCE_CONFIG,
    PLACEHOLDERS,
    Redactor,
    _eleven_test,
    _iban_valid,
    redact,
    redact_transcript,
)

DATA = Path(__file__).resolve().parent / "data"
DEV = DATA / "redaction_messages.yaml"
HOLDOUT = DATA / "redaction_holdout.yaml"
STRICT_KINDS = ("phone", "email", "iban", "bsn", "postcode")


def load_messages(path: Path) -> List[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]


@pytest.fixture(scope="module")
def deduce_redactor() -> Redactor:
    """The redactor with deduce; fails loudly when deduce is not set up."""
    if not DEDUCE_CONFIG.exists():
        pytest.fail(
            f"deduce's base_config.json is missing at {DEDUCE_CONFIG}: run `make setup` "
            "(it runs scripts/setup_deduce.py)"
        )
    redactor = Redactor()
    if not redactor.load():
        pytest.fail(f"deduce did not load ({redactor.load_error}): run `make setup`")
    return redactor


@pytest.fixture(scope="module")
def patterns_redactor() -> Redactor:
    return Redactor(use_deduce=False)


@pytest.fixture(params=["deduce", "patterns"])
def redactor(request: pytest.FixtureRequest) -> Redactor:
    return request.getfixturevalue(f"{request.param}_redactor")


def recall(redactor: Redactor, messages: List[dict]) -> Tuple[Dict[str, List[int]], List[str]]:
    """Per kind [caught, total] (caught = no longer in the output) and the misses."""
    stats: Dict[str, List[int]] = {}
    misses: List[str] = []
    for message in messages:
        out = redactor.redact(message["text"])
        for kind, secrets in (message.get("secrets") or {}).items():
            for secret in secrets:
                entry = stats.setdefault(kind, [0, 0])
                entry[1] += 1
                if secret in out:
                    misses.append(f"{kind}: {secret!r} in {out!r}")
                else:
                    entry[0] += 1
    return stats, misses


def table(title: str, stats: Dict[str, List[int]], ms: float) -> str:
    lines = [f"{title} ({ms:.1f} ms per message)"]
    caught = total = 0
    for kind in sorted(stats):
        hit, count = stats[kind]
        caught, total = caught + hit, total + count
        lines.append(f"    {kind:10s} {hit:3d}/{count:<3d} {100 * hit / count:5.1f} %")
    lines.append(f"    {'all':10s} {caught:3d}/{total:<3d} {100 * caught / max(total, 1):5.1f} %")
    return "\n".join(lines)


def timed_recall(redactor: Redactor, messages: List[dict]) -> Tuple[dict, List[str], float]:
    start = time.perf_counter()
    stats, misses = recall(redactor, messages)
    return stats, misses, (time.perf_counter() - start) * 1000 / len(messages)


# --- deduce really works here ----------------------------------------------------------------


def test_deduce_loads_after_setup(deduce_redactor: Redactor) -> None:
    assert deduce_redactor.mode == "deduce"
    out = deduce_redactor.redact("Gisteren sprak ik Willemijn Hoogendoorn op de markt.")
    assert "Willemijn" not in out and "Hoogendoorn" not in out


def test_fallback_to_patterns_when_deduce_cannot_load(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = Redactor(config_path=tmp_path / "missing.json", cache_dir=tmp_path)
    with caplog.at_level(logging.WARNING, logger="handover.redact"):
        assert broken.mode == "patterns"
    assert "make setup" in caplog.text
    out = broken.redact("Ik ben Fatima, bel 06-12345678 of mail fatima@example.nl")
    assert out == "Ik ben [naam], bel [telefoon] of mail [e-mail]"


def test_deduce_is_loaded_once_under_concurrency(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: List[int] = []

    class FakeDeduce:
        def deidentify(self, text: str) -> object:
            return type("Doc", (), {"annotations": []})()

    def slow_load(*args: object) -> FakeDeduce:
        calls.append(1)
        time.sleep(0.2)
        return FakeDeduce()

    monkeypatch.setattr(redact_module, "load_deduce", slow_load)
    shared = Redactor()
    results: List[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(shared.redact("bel 06-12345678")))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert results == ["bel [telefoon]"] * 8


# --- recall per kind -------------------------------------------------------------------------


def test_recall_per_kind(
    deduce_redactor: Redactor, patterns_redactor: Redactor, capsys: pytest.CaptureFixture
) -> None:
    """Prints the figures for both modes and both sets; asserts on the development set."""
    report: List[str] = []
    results = {}
    for mode, redactor in (("deduce", deduce_redactor), ("patterns", patterns_redactor)):
        for name, path in (("development", DEV), ("held-out", HOLDOUT)):
            stats, misses, ms = timed_recall(redactor, load_messages(path))
            results[(mode, name)] = (stats, misses)
            report.append(table(f"redaction recall, {mode} mode, {name} set", stats, ms))
            report.extend(f"    miss {miss}" for miss in misses)
    with capsys.disabled():
        print("\n" + "\n".join(report))

    for mode in ("deduce", "patterns"):
        stats, misses = results[(mode, "development")]
        for kind in STRICT_KINDS:
            hit, count = stats[kind]
            assert hit == count, f"{mode}: {kind} recall {hit}/{count}; misses: {misses}"
    stats, misses = results[("deduce", "development")]
    hit, count = stats["name"]
    assert hit / count >= 0.90, f"deduce: name recall {hit}/{count}; misses: {misses}"
    # the held-out set: every structured detail in both modes, names >= 90 % with deduce
    for mode in ("deduce", "patterns"):
        stats, misses = results[(mode, "held-out")]
        for kind in STRICT_KINDS:
            hit, count = stats[kind]
            assert hit == count, f"{mode} held-out: {kind} {hit}/{count}; {misses}"
    stats, misses = results[("deduce", "held-out")]
    assert stats["name"][0] / stats["name"][1] >= 0.90, misses


def test_recall_other_kinds_dev(redactor: Redactor) -> None:
    stats, misses = recall(redactor, load_messages(DEV))
    for kind in ("address", "birthdate"):
        assert stats[kind][0] == stats[kind][1], misses


# --- what the professional needs survives -----------------------------------------------------


@pytest.mark.parametrize("path", [DEV, HOLDOUT], ids=["dev", "holdout"])
def test_what_matters_survives(redactor: Redactor, path: Path) -> None:
    lost = []
    for message in load_messages(path):
        out = redactor.redact(message["text"])
        lost += [f"{item!r} in {out!r}" for item in message.get("must_stay") or []
                 if item not in out]
    assert not lost, lost


@pytest.mark.parametrize("path", [DEV, HOLDOUT], ids=["dev", "holdout"])
def test_messages_without_secrets_are_unchanged(redactor: Redactor, path: Path) -> None:
    clean = [m["text"] for m in load_messages(path) if not m.get("secrets")]
    assert len(clean) >= (20 if path == DEV else 5)
    changed = [(text, redactor.redact(text)) for text in clean if redactor.redact(text) != text]
    assert not changed, changed


@pytest.mark.parametrize(
    "text",
    [
        "Mijn dochter van 9 wil op dansles, dat kost 250 euro",
        "ik heb 1250 euro schuld en 2 kinderen van 3 en 5",
        "de energierekening is 189,50 per maand, de huur 812 euro",
        "Kan Jarige Job helpen? En Leergeld, Sam& of Home-Start?",
        "Ik heb de Kindertelefoon gebeld en Veilig Thuis",
        "Ik woon in Ede, mijn zus in 's-Hertogenbosch en mijn moeder in Súdwest-Fryslân",
        "ze zijn 2, 4 en 7 jaar oud en zitten in groep 1, 3 en 6",
        "Om 14:30 heb ik een afspraak, de deurwaarder komt op 12 maart",
        "max 300 euro kan ik betalen, we hebben 2000 km gereden",
        "Ik verdien 1800 en mijn vriend 950 euro",
    ],
)
def test_ages_amounts_funds_places_stay(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == text


# --- specific formats ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "06-12345678", "06 1234 5678", "0612345678", "06 12 34 56 78", "+31 6 12345678",
        "+31612345678", "0031 6 12345678", "0031612345678", "+31 (0)6 1234 5678",
        "020-1234567", "(020) 123 45 67", "010 412 3456", "0318-654321", "0800-1234567",
        "0900-1234567", "085 123 4567", "+32 470 12 34 56", "+44 7911 123456",
    ],
)
def test_phone_formats(redactor: Redactor, phone: str) -> None:
    assert redactor.redact(f"bel me op {phone} graag") == "bel me op [telefoon] graag"


@pytest.mark.parametrize("number", ["113", "112", "0800-0113", "0800-0432", "0800-2000",
                                    "0800 0113", "0800-8115", "0900-8020"])
def test_help_lines_stay(redactor: Redactor, number: str) -> None:
    bot = f"Bel gratis {number}, dag en nacht."
    assert redactor.redact(bot, speaker="bot") == bot
    user = f"ik heb {number} gebeld"
    assert redactor.redact(user) == user


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mijn bsn is 628194821", "mijn bsn is [BSN]"),
        ("BSN: 3537.99.075", "BSN: [BSN]"),
        ("bsn 252.760.189, klopt dat", "bsn [BSN], klopt dat"),
        ("nummer 805 888 718", "nummer [BSN]"),
        ("sofi 79401995", "sofi [BSN]"),  # 8 digits, leading 0 lost, after a cue
        ("mijn BSN is 123456789", "mijn BSN is [BSN]"),  # fails the 11-proef, after "BSN"
        ("ik heb 123456789 kinderen", "ik heb [nummer] kinderen"),  # no BSN, still a number
        ("€ 1.250,00 achterstand, 628.194.821,50 is geen bsn",
         "€ 1.250,00 achterstand, 628.194.821,50 is geen bsn"),  # amounts
    ],
)
def test_bsn(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact(text) == expected


def test_eleven_test() -> None:
    assert _eleven_test("628194821")
    assert _eleven_test("079401995")
    assert not _eleven_test("123456789")
    assert not _eleven_test("000000000")


@pytest.mark.parametrize(
    "iban",
    [
        "NL91ABNA0417164300", "NL91 ABNA 0417 1643 00", "nl91abna0417164300",
        "NL91-ABNA-0417-1643-00", "NL91ABNA041716430", "BE77 0154 0486 8443",
        "DE64 1802 4332 5365 9368 77", "PL31 0995 2260 1858 4528 5184 0563",
    ],
)
def test_iban(redactor: Redactor, iban: str) -> None:
    assert redactor.redact(f"rekening {iban} graag") == "rekening [IBAN] graag"


def test_iban_check_digits() -> None:
    assert _iban_valid("NL91ABNA0417164300")
    assert not _iban_valid("NL92ABNA0417164300")


@pytest.mark.parametrize("postcode", ["1234 AB", "1234AB", "1234ab", "3511 LP"])
def test_postcodes(redactor: Redactor, postcode: str) -> None:
    assert redactor.redact(f"postcode {postcode}, Utrecht") == "postcode [postcode], Utrecht"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("geboren op 14-03-2015", "geboren op [geboortedatum]"),
        ("geb. 21/08/1979", "geb. [geboortedatum]"),
        ("geboortedatum 1985-04-23", "geboortedatum [geboortedatum]"),
        ("ze is jarig op 12 mei", "ze is jarig op [geboortedatum]"),
        ("Mila (23-04-2018) en Finn", "[naam] ([datum]) en [naam]"),
        ("de deurwaarder komt op 12 maart", "de deurwaarder komt op 12 maart"),
    ],
)
def test_dates(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact(text) == expected


# --- keep ------------------------------------------------------------------------------------


def test_keep_from_the_data(redactor: Redactor) -> None:
    problems = []
    for message in load_messages(DEV) + load_messages(HOLDOUT):
        keep = message.get("keep")
        if not keep:
            continue
        out = redactor.redact(message["text"], keep=keep)
        problems += [f"kept {item!r} lost: {out!r}" for item in keep if item not in out]
        for secrets in (message.get("secrets") or {}).values():
            problems += [f"{secret!r} leaked: {out!r}" for secret in secrets
                         if secret not in keep and secret in out]
    assert not problems, problems


def test_keep_matches_other_notations(redactor: Redactor) -> None:
    text = "Bel 0612398745 of 06-11122233, mail Sanne.Kok@Ziggo.nl"
    out = redactor.redact(text, keep=["06-12398745", "sanne.kok@ziggo.nl"])
    assert out == "Bel 0612398745 of [telefoon], mail Sanne.Kok@Ziggo.nl"


def test_keep_ignores_empty_and_short_items(redactor: Redactor) -> None:
    assert redactor.redact("bel 06-12345678", keep=["", "0", "06"]) == "bel [telefoon]"


# --- transcripts -----------------------------------------------------------------------------


@pytest.fixture
def shared_deduce(deduce_redactor: Redactor, monkeypatch: pytest.MonkeyPatch) -> Redactor:
    """The module-level functions use the already loaded redactor (deduce takes ~1 GB)."""
    monkeypatch.setattr(redact_module, "_default", deduce_redactor)
    return deduce_redactor


def test_redact_transcript(shared_deduce: Redactor) -> None:
    turns = [
        {"speaker": "user", "text": "Ik ben Fatima, mijn nummer is 06-12345678", "ts": 1},
        {"speaker": "bot", "text": "Bel de Kindertelefoon: 0800-0432. Of 113."},
        {"speaker": "bot", "text": "Ik heb je nummer 06-12345678 genoteerd."},
        {"speaker": "user", "text": "mail: fatima@example.nl", "entities": [{"value": "Fatima"}]},
    ]
    original = [dict(turn) for turn in turns]
    out = redact_transcript(turns, keep=["fatima@example.nl"])
    assert turns == original  # the input is not changed
    assert out[0] == {"speaker": "user", "text": "Ik ben [naam], mijn nummer is [telefoon]",
                      "ts": 1}
    assert out[1]["text"] == "Bel de Kindertelefoon: 0800-0432. Of 113."
    assert out[2]["text"] == "Ik heb je nummer [telefoon] genoteerd."
    assert out[3]["text"] == "mail: fatima@example.nl"
    assert out[3]["entities"] == [{"value": "[naam]"}]


def test_bot_texts_are_left_alone(redactor: Redactor) -> None:
    texts = [
        "Via Sam& vraag je op één plek hulp aan voor school, sport, cultuur of een fiets.",
        "Met Actie Pepernoot krijg je een cadeaubon. Steffie legt het stap voor stap uit.",
        "Tip: Leergeld, Jarige Job en het Jeugdfonds Sport & Cultuur. Kijk op www.leergeld.nl",
    ]
    for text in texts:
        assert redactor.redact(text, speaker="bot") == text


def test_module_level_redact(shared_deduce: Redactor) -> None:
    assert redact_module.get_redactor() is shared_deduce
    assert redact("Ik ben Fatima, bel 06-12345678", keep=()) == "Ik ben [naam], bel [telefoon]"


def test_placeholders_are_dutch() -> None:
    assert PLACEHOLDERS["name"] == "[naam]" and PLACEHOLDERS["birthdate"] == "[geboortedatum]"


def test_redaction_is_idempotent(redactor: Redactor) -> None:
    for message in load_messages(DEV):
        once = redactor.redact(message["text"])
        assert redactor.redact(once) == once


def test_speed(deduce_redactor: Redactor, capsys: pytest.CaptureFixture) -> None:
    texts = [m["text"] for m in load_messages(DEV)]
    start = time.perf_counter()
    for text in texts:
        deduce_redactor.redact(text)
    ms = (time.perf_counter() - start) * 1000 / len(texts)
    with capsys.disabled():
        print(f"\nredaction speed, deduce mode: {ms:.1f} ms per message")
    assert ms < 100


def test_long_messages_go_to_deduce_in_pieces(deduce_redactor: Redactor) -> None:
    long_text = ("Gisteren sprak ik Willemijn Hoogendoorn. " + "Het gaat wel. " * 40) * 4
    assert len(long_text) > 4 * 400
    spans = deduce_redactor._deduce_spans(long_text)
    names = {long_text[span.start:span.end] for span in spans if span.kind == "name"}
    assert names == {"Willemijn Hoogendoorn"}
    assert "Willemijn" not in deduce_redactor.redact(long_text)
    start = time.perf_counter()
    deduce_redactor.redact("Jan van " * 500)  # deduce alone: minutes on this
    assert time.perf_counter() - start < 20


# --- never crashes ---------------------------------------------------------------------------


def _texts() -> Iterator[st.SearchStrategy]:
    pieces = st.sampled_from(
        ["06-12345678", " ", "NL91ABNA0417164300", "1234 AB", "@", ".", "geboren ",
         "Fatima", "van der", "straat 12", "bsn 628194821", "\n", "(", "0800-0432"]
    )
    yield st.text()
    yield st.lists(st.one_of(pieces, st.text(max_size=5)), max_size=12).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(*_texts()), keep=st.lists(st.text(max_size=12), max_size=3))
def test_never_crashes_patterns(text: str, keep: List[str]) -> None:
    out = Redactor(use_deduce=False).redact(text, keep=keep)
    assert isinstance(out, str)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=st.one_of(*_texts()))
def test_never_crashes_deduce(deduce_redactor: Redactor, text: str) -> None:
    assert isinstance(deduce_redactor.redact(text), str)
    turns = deduce_redactor.redact_transcript([{"speaker": "user", "text": text}])
    assert isinstance(turns[0]["text"], str)


# --- issue #17 point 12: more kinds, and patterns-only is never silent -----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me: jan punt jansen at gmail punt com", "mail me: [e-mail]"),
        ("jan.jansen apenstaartje hotmail punt nl graag", "[e-mail] graag"),
        ("Mail naar jan.jansen at gmail.com graag", "Mail naar [e-mail] graag"),
        ("fatima_b dot 2010 at live dot nl", "[e-mail]"),
        ("volg me op @jan_jansen99 of @mariam.b", "volg me op [account] of [account]"),
        ("mijn insta is mariam.b2010.", "mijn insta is [account]."),
        ("snap: lisa_xx", "snap: [account]"),
        ("Kenteken 12-ABC-3 en de bus AB-123-C", "Kenteken [kenteken] en de bus [kenteken]"),
        ("onze auto 12-abc-3 is weg", "onze auto [kenteken] is weg"),
        ("XX-99-99, 99-XX-99, 9-XXX-99 en X-99-XXX",
         "[kenteken], [kenteken], [kenteken] en [kenteken]"),
        ("dossier SHV-2023-4411 bij de gemeente", "dossier [nummer] bij de gemeente"),
        ("zaak ZK-123456 en DOS/2024/0012", "zaak [nummer] en [nummer]"),
        ("het kenmerk is shv-2023-4411.", "het kenmerk is [nummer]."),
    ],
)
def test_emails_in_words_handles_plates_and_case_numbers(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ik at gisteren pizza en daarna nog wat",
        "op tiktok is veel te zien over geld",
        "De AOW-2024 is hoger, zegt de SVB.",
        "Hij zit in groep 8 en zij doet MBO-4.",
        "We wonen in gemeente GM0363 (Amsterdam) sinds COVID-19.",
        "De afspraak is van 10-12 uur, op ma-di-wo.",
        "Bel de Kindertelefoon: 0800-0432.",
    ],
)
def test_new_rules_leave_ordinary_text(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == text


def test_transcript_says_patterns_only_when_deduce_cannot_load(tmp_path: Path) -> None:
    broken = Redactor(config_path=tmp_path / "missing.json", cache_dir=tmp_path)
    turns = [{"speaker": "user", "text": "Ik ben Fatima, bel 06-12345678"}]
    out = broken.redact_transcript(turns)
    assert out.redaction_mode == "patterns"
    assert out == [{"speaker": "user", "text": "Ik ben [naam], bel [telefoon]"}]
    assert Redactor(use_deduce=False).redact_transcript(turns).redaction_mode == "patterns"


def test_transcript_says_deduce_or_patterns(
    deduce_redactor: Redactor, monkeypatch: pytest.MonkeyPatch
) -> None:
    turns = [{"speaker": "user", "text": "Gisteren sprak ik Willemijn Hoogendoorn."},
             {"speaker": "bot", "text": "Dank je."}]
    assert deduce_redactor.redact_transcript(turns).redaction_mode == "deduce"

    def broken(_text: str) -> None:
        raise RuntimeError("deduce bug")

    monkeypatch.setattr(deduce_redactor._deduce, "deidentify", broken)
    out = deduce_redactor.redact_transcript(turns)
    assert out.redaction_mode == "patterns"  # deduce failed on a message: not silent
