"""Turn stored handovers into Dutch text for the review pages (dates, needs, places).

Need labels and municipality names come from ``content/needs.yml`` and
``content/municipalities.yml``; when a file or an entry is missing the raw value is shown.
The summary is a free dict written by the action server; known keys get a Dutch label
and a fixed order, other keys are shown after them with their key as label.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

import yaml

from handover.store import ALL_MUNICIPALITIES, Handover

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CONTENT = Path(__file__).resolve().parents[2] / "content"
LOCAL_TZ = ZoneInfo("Europe/Amsterdam")

TIER_LABELS: Dict[int, str] = {
    1: "1 - zelf aan de slag (zelfhulp)",
    2: "2 - hulp van een digitale vrijwilliger",
    3: "3 - hulp van een lokale (vrijwilligers)organisatie",
    4: "4 - schuldhulp van de gemeente",
}
SPEAKERS: Dict[str, str] = {
    "user": "Persoon",
    "person": "Persoon",
    "bot": "Assistent",
    "assistant": "Assistent",
}
# Known summary keys, in display order, with their Dutch label.
SUMMARY_LABELS: Tuple[Tuple[str, str], ...] = (
    ("text", "Samenvatting"),
    ("needs", "Hulpvragen"),
    ("role", "Wie vraagt hulp"),
    ("child_ages", "Leeftijd van de kinderen"),
    ("tier", "Passende hulp (Geldfit-trede)"),
    ("triage_tier", "Passende hulp (Geldfit-trede)"),
    ("reason", "Reden"),
    ("suggested", "Al genoemd in de chat"),
    ("household", "Huishouden"),
    ("bills_behind", "Rekeningen achter"),
    ("bailiff", "Deurwaarder"),
    ("wants_in_person", "Wil hulp in persoon"),
    ("language", "Taal"),
)
ROLE_LABELS: Dict[str, str] = {
    "parent": "een ouder of verzorger",
    "youth": "een jongere",
    "professional": "een hulpverlener of iemand die helpt",
}
SCOPE_LABELS: Dict[str, str] = {
    "summary": "alleen de samenvatting",
    "summary_transcript": "samenvatting en gesprek (zonder persoonsgegevens)",
    "summary+transcript": "samenvatting en gesprek (zonder persoonsgegevens)",
}


def _load_yaml(name: str) -> Dict[str, Any]:
    try:
        data = yaml.load((CONTENT / name).read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=1)
def need_labels() -> Dict[str, str]:
    """Need id -> Dutch label."""
    needs = _load_yaml("needs.yml").get("needs") or []
    return {str(n["id"]): str(n["label"]) for n in needs if "id" in n and "label" in n}


@lru_cache(maxsize=1)
def municipality_names() -> Dict[str, str]:
    """CBS code -> municipality name."""
    items = _load_yaml("municipalities.yml").get("municipalities") or []
    return {str(m["code"]): str(m["name"]) for m in items if "code" in m and "name" in m}


def municipality(code: Optional[str]) -> str:
    """``GM0363`` -> ``Amsterdam``; None -> ``onbekend``."""
    if code is None:
        return "onbekend"
    if code == ALL_MUNICIPALITIES:
        return "alle gemeenten"
    return municipality_names().get(code, code)


def when(moment: Optional[datetime], with_time: bool = True) -> str:
    """A stored naive-UTC time as Dutch local time, ``05-03-2026 14:07``."""
    if moment is None:
        return ""
    local = moment.replace(tzinfo=timezone.utc).astimezone(LOCAL_TZ)
    return local.strftime("%d-%m-%Y %H:%M" if with_time else "%d-%m-%Y")


def needs(handover: Handover) -> List[str]:
    """The needs of a handover as Dutch labels."""
    raw = handover.summary.get("needs") or []
    if isinstance(raw, str):
        raw = [raw]
    labels = need_labels()
    return [labels.get(str(n), str(n)) for n in raw] if isinstance(raw, list) else [str(raw)]


def is_urgent(handover: Handover) -> bool:
    """True when the summary marks the situation as urgent (cut-off, eviction)."""
    summary = handover.summary
    if "urgent" in summary:
        return bool(summary["urgent"])
    urgency = str(summary.get("urgency", "")).strip().lower()
    return urgency in {"high", "hoog", "urgent", "spoed", "true", "ja"}


def urgency(handover: Handover) -> str:
    """``Spoed`` or ``Geen spoed``."""
    return "Spoed" if is_urgent(handover) else "Geen spoed"


def urgency_text(handover: Handover) -> str:
    """The urgency for the detail page, with what it means."""
    if is_urgent(handover):
        return "Ja. Bij dreigende afsluiting of uitzetting: eerste gesprek binnen 3 werkdagen."
    return "Nee"


def _value(key: str, value: Any) -> str:
    if key == "needs":
        labels = need_labels()
        items = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in items)
    if key in ("tier", "triage_tier") and isinstance(value, int):
        return TIER_LABELS.get(value, str(value))
    if key == "role" and isinstance(value, str):
        return ROLE_LABELS.get(value, value)
    if key == "child_ages" and isinstance(value, list):
        return ", ".join(f"{v} jaar" for v in value) if value else "onbekend"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if value is None:
        return "onbekend"
    if isinstance(value, list):
        return ", ".join(_value("", v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(str(k), v)}" for k, v in value.items())
    return str(value)


def summary_rows(handover: Handover) -> List[Tuple[str, str]]:
    """(label, text) rows of the summary: known keys first, then the rest."""
    summary = handover.summary
    rows: List[Tuple[str, str]] = []
    # Shown on their own: urgency (urgency_text) and the municipality (from the handover).
    done = {"urgent", "urgency", "municipality"}
    for key, label in SUMMARY_LABELS:
        if key in summary:
            rows.append((label, _value(key, summary[key])))
        done.add(key)
    for key in sorted(k for k in summary if k not in done):
        rows.append((key.replace("_", " ").capitalize(), _value(key, summary[key])))
    return rows


def transcript(handover: Handover) -> List[Tuple[str, str, str]]:
    """(css class, speaker label, text) per turn."""
    turns = []
    for turn in handover.transcript:
        speaker = str(turn.get("speaker", ""))
        label = SPEAKERS.get(speaker.lower(), speaker or "Onbekend")
        css = "bot" if label == "Assistent" else "person"
        turns.append((css, label, str(turn.get("text", ""))))
    return turns


def contact(handover: Handover) -> List[Tuple[str, str]]:
    """(label, value) rows of the contact wishes."""
    rows = []
    if handover.contact.get("phone"):
        rows.append(("Telefoon", str(handover.contact["phone"])))
    if handover.contact.get("email"):
        rows.append(("E-mail", str(handover.contact["email"])))
    if handover.contact.get("via_chat"):
        rows.append(("Via de chat", "Ja, de persoon wil contact via de chat"))
    return rows


def scope(value: str) -> str:
    """A consent scope in Dutch (unknown scopes as they are)."""
    return SCOPE_LABELS.get(value, value)
