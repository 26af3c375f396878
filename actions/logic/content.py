"""Schema and loader for the validated content in ``content/``.

Every fact the assistant gives (funds, help routes, municipalities, need tags) is data in
``content/*.yml``. This module checks it with pydantic when it is loaded; a broken entry
raises :class:`ContentError` naming the file, the entry and the field.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import yaml
from pydantic import BaseModel, Field, ValidationError, root_validator, validator

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


class ContentError(ValueError):
    """A content file is missing, unreadable or has an invalid entry."""


class Applicant(str, Enum):
    """Who may submit an application to a fund (``applies`` in funds.yml).

    The card text for each audience (parent, youth, professional) is derived from this list
    in ``actions/logic/advice.py``; the fund's own ``how`` text never says who applies.
    """

    parent = "parent"  # the parent or carer applies for the child
    youth = "youth"  # a young person applies for themselves (also under 18)
    professional = "professional"  # any hulpverlener (wijkteam, school staff, social work)
    school = "school"  # only the (connected) school applies
    foodbank = "foodbank"  # only the food bank, for families registered there
    registered_intermediary_only = "registered_intermediary_only"  # only professionals
    #   registered with (or connected to) the fund, e.g. by a code or a convenant
    organisations_only = "organisations_only"  # supports organisations; no application
    #   for one family, not even by a professional


EXCLUSIVE_APPLICANTS = (Applicant.organisations_only, Applicant.school, Applicant.foodbank)


class SchoolLevel(str, Enum):
    """School level a fund is limited to."""

    primary = "primary"
    secondary = "secondary"


class Audience(str, Enum):
    """Who a help route is meant for."""

    parent = "parent"
    youth = "youth"
    all = "all"


class Strict(BaseModel):
    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True


class AgeRange(Strict):
    """Inclusive age range in years; ``None`` means no limit on that side.

    ``verified: false`` marks a range that no current source confirms (or that differs per
    local branch). Such a range may rank a fund and adds a "check this" sentence to the card,
    but it never excludes a child (``actions/logic/lookup.py``). ``verified: false`` without
    bounds means: the age range is not known.
    """

    min: Optional[int] = Field(None, ge=0, le=30)
    max: Optional[int] = Field(None, ge=0, le=30)
    verified: bool = True

    @validator("max")
    def max_not_below_min(cls, value: Optional[int], values: dict) -> Optional[int]:
        low = values.get("min")
        if value is not None and low is not None and value < low:
            raise ValueError("max is below min")
        return value

    def contains(self, age: int) -> bool:
        """True when ``age`` lies inside the range."""
        return (self.min is None or age >= self.min) and (self.max is None or age <= self.max)

    @property
    def limited(self) -> bool:
        """True when the range has a lower or an upper bound."""
        return self.min is not None or self.max is not None


class Sourced(Strict):
    """Fields every fact carries: where it came from and when it was checked.

    ``unverified`` lists, in a few words each, the facts of the entry that no current source
    confirms; the card must then tell the person to check (tests/test_content_check.py).
    ``stable: true`` marks an entry whose facts do not go out of date (a law, 112), so the
    twelve-month re-check rule does not apply to it.
    """

    source: str = Field(..., min_length=3)
    last_checked: dt.date
    stable: bool = False
    unverified: List[str] = Field(default_factory=list)


class NeedTag(Strict):
    """A kind of need the assistant understands (``content/needs.yml``)."""

    id: str = Field(..., regex=r"^[a-z][a-z0-9_]*$")
    label: str  # short Dutch label used in answers, e.g. "sport of cultuur"
    keywords: List[str] = Field(..., min_items=1)  # lower-case words/phrases that signal it
    urgent: bool = False  # a Wgs "bedreigende situatie": first talk within 3 working days


class Fund(Sourced):
    """A national fund or scheme (``content/funds.yml``)."""

    id: str = Field(..., regex=r"^[a-z][a-z0-9_]*$")
    name: str
    needs: List[str] = Field(..., min_items=1)
    age: AgeRange
    applies: List[Applicant] = Field(..., min_items=1)
    applies_varies: bool = False  # who may apply differs per local branch (say "check")
    gives: str = Field(..., min_length=10)  # what it gives, one B1 sentence
    how: str = Field(..., min_length=10)  # how to start, B1 Dutch, never who applies
    intermediaries: Optional[str] = None  # noun phrase: who can apply for the family
    register_with: Optional[str] = None  # where intermediaries register, if not the fund
    school_levels: Optional[List[SchoolLevel]] = None
    requires_foodbank: bool = False
    url: Optional[str] = Field(None, regex=r"^https://")
    phone: Optional[str] = None
    local_only: bool = False  # only where a local branch exists

    @validator("applies")
    def applies_consistent(cls, value: List[Applicant]) -> List[Applicant]:
        if len(set(value)) != len(value):
            raise ValueError("an applicant is listed twice")
        for only in EXCLUSIVE_APPLICANTS:
            if only in value and len(value) > 1:
                raise ValueError(f"'{only.value}' cannot be combined with other applicants")
        both = {Applicant.professional, Applicant.registered_intermediary_only}
        if both <= set(value):
            raise ValueError(
                "'professional' already includes registered intermediaries; list one of them"
            )
        return value


class Route(Sourced):
    """A help route: Geldfit tier, volunteer help, information site, help line."""

    id: str = Field(..., regex=r"^[a-z][a-z0-9_]*$")
    name: str
    kind: str = Field(
        ...,
        regex=r"^(geldfit|selfhelp|online_volunteer|local_volunteer|"
        r"municipal|legal|helpline|crisis|youth|info)$",
    )
    tier: Optional[int] = Field(None, ge=1, le=4)
    needs: List[str] = Field(default_factory=list)
    audience: Audience = Audience.all
    gives: str = Field(..., min_length=10)
    how: str = Field(..., min_length=10)
    url: Optional[str] = Field(None, regex=r"^https://")
    phone: Optional[str] = None
    free: Optional[bool] = None
    anonymous: bool = False
    age: Optional[AgeRange] = None  # who the route is for (a verified range may filter)


class LocalLinks(Sourced):
    """Known local entry points of one municipality.

    ``debt_help``, ``wijkteam`` and ``minima`` are pages about that topic; the municipality's
    general home page belongs in ``website`` (shown as "search for ..."), never in them.
    """

    website: Optional[str] = Field(None, regex=r"^https://")  # the municipal home page
    debt_help: Optional[str] = Field(None, regex=r"^https://")
    wijkteam: Optional[str] = Field(None, regex=r"^https://")
    minima: Optional[str] = Field(None, regex=r"^https://")  # stadspas / kindpakket page
    minima_name: Optional[str] = None  # e.g. "Stadspas", "Kindpakket"
    phone: Optional[str] = None

    @root_validator(skip_on_failure=True)
    def topic_pages_are_not_the_home_page(cls, values: dict) -> dict:
        home = values.get("website")
        for key in ("debt_help", "wijkteam", "minima"):
            if home and values.get(key) and values[key].rstrip("/") == home.rstrip("/"):
                raise ValueError(f"{key} is the municipal home page; keep it in 'website'")
        return values


class Municipality(Strict):
    """A Dutch municipality of the current CBS list (``content/municipalities.yml``)."""

    code: str = Field(..., regex=r"^GM\d{4}$")
    name: str
    province: str
    aliases: List[str] = Field(default_factory=list)
    local: Optional[LocalLinks] = None


class Content(BaseModel):
    """All content, loaded and cross-checked."""

    needs: Dict[str, NeedTag]
    funds: List[Fund]
    routes: Dict[str, Route]
    municipalities: List[Municipality]


def _load_list(path: Path, key: str, model: type) -> list:
    """Load ``key:`` from a YAML file as a list of ``model``; errors name file, entry, field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ContentError(f"{path.name}: file not found") from exc
    except yaml.YAMLError as exc:
        raise ContentError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get(key), list):
        raise ContentError(f"{path.name}: expected a top-level key '{key}:' holding a list")
    items = []
    for index, entry in enumerate(raw[key]):
        name = entry.get("id") or entry.get("code") if isinstance(entry, dict) else None
        label = f"entry {index + 1}" + (f" ({name})" if name else "")
        try:
            items.append(model.parse_obj(entry))
        except ValidationError as exc:
            fields = "; ".join(
                f"field '{'.'.join(str(p) for p in err['loc'])}': {err['msg']}"
                for err in exc.errors()
            )
            raise ContentError(f"{path.name}: {label}: {fields}") from exc
    return items


def load_content(directory: Path = CONTENT_DIR) -> Content:
    """Load and validate every content file, then check the references between them."""
    needs = _load_list(directory / "needs.yml", "needs", NeedTag)
    funds = _load_list(directory / "funds.yml", "funds", Fund)
    routes = _load_list(directory / "routes.yml", "routes", Route)
    municipalities = _load_list(directory / "municipalities.yml", "municipalities", Municipality)
    need_ids = {n.id for n in needs}
    for kind, entries in (("funds.yml", funds), ("routes.yml", routes)):
        seen: set = set()
        for entry in entries:
            if entry.id in seen:
                raise ContentError(f"{kind}: entry ({entry.id}): field 'id': duplicate id")
            seen.add(entry.id)
            unknown = sorted(set(entry.needs) - need_ids)
            if unknown:
                raise ContentError(
                    f"{kind}: entry ({entry.id}): field 'needs': unknown need tag(s) {unknown}"
                )
    codes = [m.code for m in municipalities]
    if len(codes) != len(set(codes)):
        raise ContentError("municipalities.yml: field 'code': duplicate municipality code")
    return Content(
        needs={n.id: n for n in needs},
        funds=funds,
        routes={r.id: r for r in routes},
        municipalities=municipalities,
    )


@lru_cache(maxsize=1)
def get_content() -> Content:
    """The content of ``content/``, loaded once per process."""
    return load_content()
