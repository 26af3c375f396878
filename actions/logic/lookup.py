"""Find the funds and help routes that really fit a need, an age and who is asking.

Plain functions over the validated content (``content/funds.yml``, ``content/routes.yml``).
They return codes and data, never user-facing sentences: the Rasa domain holds the templates,
fund-specific texts (``gives``, ``how``, ``intermediaries``) come from the content.

Rules of :func:`find_funds`:

- A fund whose *verified* age range excludes a *known* age is never returned; it is listed
  in ``excluded`` with the reason, so the bot can say honestly that it does not fit. An
  *unverified* range (``age.verified: false``) never excludes: the fund stays in with
  ``age_verified=False`` (the card then says "check this") and, when the known age lies
  outside that range, ``age_outside=True``, which only ranks it lower. With an unknown age,
  age-limited funds stay in and carry ``age_checked=False`` plus their range.
- A fund limited to a school level (Jeugdeducatiefonds: primary) is excluded for another
  known level; with an unknown level it stays in with ``school_level_checked=False``.
- A fund that needs the food bank is excluded when the asker is known not to be on it, and
  kept with ``needs_foodbank=True`` when that is unknown.
- ``role`` is ``"parent"`` or ``"youth"`` (anything else counts as unknown and is treated
  like a parent). Every result says how the asker gets there, as an :class:`ApplyPath`,
  derived from the fund's ``applies`` list: ``self`` (parent: ``parent``; youth: ``youth``,
  or ``parent`` from 18), ``via_school`` (``school``), ``via_intermediary`` (``professional``:
  a hulpverlener applies for the family), ``via_parent`` (a young person's parent or carer
  applies), ``via_foodbank`` (``foodbank``), ``via_professional``
  (``registered_intermediary_only``: only a professional registered with the fund) or
  ``via_organisation`` (``organisations_only``: the fund supports organisations; nobody
  applies for one family).

Order: the path (applying yourself first, then school/intermediary, then parent or food
bank, then registered professional, then organisations), then whether the known age lies
outside an unverified range, then how central the need is to the fund (its place in the
fund's ``needs`` list), then national before local-only, then the order in funds.yml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from actions.logic.content import Applicant, Content, Fund, Route, SchoolLevel, get_content

ADULT_AGE = 18

ROLE_PARENT = "parent"
ROLE_YOUTH = "youth"


class ApplyPath(str, Enum):
    """How the asker can reach a fund."""

    self = "self"
    via_school = "via_school"
    via_intermediary = "via_intermediary"
    via_parent = "via_parent"
    via_foodbank = "via_foodbank"
    via_professional = "via_professional"  # only a professional registered with the fund
    via_organisation = "via_organisation"  # the fund supports organisations, not families


class ExcludeReason(str, Enum):
    """Why a fund for the need was left out."""

    too_young = "too_young"
    too_old = "too_old"
    school_level = "school_level"
    not_on_foodbank = "not_on_foodbank"
    no_path = "no_path"  # nobody the asker can reach may apply


_PATH_RANK = {
    ApplyPath.self: 0,
    ApplyPath.via_school: 1,
    ApplyPath.via_intermediary: 1,
    ApplyPath.via_parent: 2,
    ApplyPath.via_foodbank: 2,
    ApplyPath.via_professional: 3,
    ApplyPath.via_organisation: 4,
}


@dataclass(frozen=True)
class FundMatch:
    """A fund that fits, with how the asker can get it."""

    fund: Fund
    path: ApplyPath
    other_paths: tuple[ApplyPath, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    age_checked: bool = True  # False: age unknown and the fund has an age limit
    age_verified: bool = True  # False: the fund's age range is not confirmed (say "check")
    age_outside: bool = False  # the known age lies outside the unverified range
    school_levels: tuple[str, ...] = ()
    school_level_checked: bool = True  # False: level unknown and the fund is level-limited
    needs_foodbank: bool = False  # the fund needs the food bank and that is unknown

    @property
    def id(self) -> str:
        """The fund id."""
        return self.fund.id

    @property
    def name(self) -> str:
        """The fund name."""
        return self.fund.name

    @property
    def can_apply_self(self) -> bool:
        """True when the asker can apply without anyone else."""
        return self.path is ApplyPath.self

    @property
    def intermediaries(self) -> str | None:
        """Who could apply for the asker (B1 Dutch text from funds.yml)."""
        return self.fund.intermediaries

    @property
    def local_only(self) -> bool:
        """True when the fund exists only where a local branch exists."""
        return self.fund.local_only

    @property
    def age_limited(self) -> bool:
        """True when the fund has a lower or upper age limit."""
        return self.age_min is not None or self.age_max is not None

    @property
    def needs_check(self) -> bool:
        """True when a fact on this card is unverified and the card must say "check"."""
        return not self.age_verified or bool(self.fund.unverified) or self.fund.applies_varies


@dataclass(frozen=True)
class Exclusion:
    """A fund for the need that does not fit, and why."""

    fund: Fund
    reason: ExcludeReason
    age_min: int | None = None
    age_max: int | None = None
    school_levels: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The fund id."""
        return self.fund.id

    @property
    def name(self) -> str:
        """The fund name."""
        return self.fund.name


@dataclass
class FundAdvice:
    """The funds for one need: what fits (best first) and what was left out."""

    need: str
    age: int | None
    role: str | None
    matches: list[FundMatch] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)

    @property
    def fund_ids(self) -> list[str]:
        """Ids of the matching funds, best first."""
        return [m.id for m in self.matches]

    @property
    def excluded_ids(self) -> list[str]:
        """Ids of the funds that were left out."""
        return [e.id for e in self.excluded]

    def match(self, fund_id: str) -> FundMatch | None:
        """The match for ``fund_id``, or None."""
        return next((m for m in self.matches if m.id == fund_id), None)

    def exclusion(self, fund_id: str) -> Exclusion | None:
        """The exclusion for ``fund_id``, or None."""
        return next((e for e in self.excluded if e.id == fund_id), None)


def normalise_role(role: str | None) -> str | None:
    """``"parent"``, ``"youth"`` or None for anything else."""
    if role is None:
        return None
    value = str(role).strip().lower()
    return value if value in (ROLE_PARENT, ROLE_YOUTH) else None


def _school_level(value: str | None) -> SchoolLevel | None:
    """The school level as enum; ValueError for an unknown value."""
    if value is None or isinstance(value, SchoolLevel):
        return value
    try:
        return SchoolLevel(str(value).strip().lower())
    except ValueError as exc:
        raise ValueError(f"unknown school level {value!r}") from exc


def apply_paths(fund: Fund, role: str | None, age: int | None = None) -> list[ApplyPath]:
    """Every way the asker can reach ``fund``, best first (empty when there is none)."""
    role = normalise_role(role)
    applies = set(fund.applies)
    paths: list[ApplyPath] = []
    if role == ROLE_YOUTH:
        adult = age is not None and age >= ADULT_AGE
        if Applicant.youth in applies or (adult and Applicant.parent in applies):
            paths.append(ApplyPath.self)
    elif Applicant.parent in applies:
        paths.append(ApplyPath.self)
    if Applicant.school in applies:
        paths.append(ApplyPath.via_school)
    if Applicant.professional in applies:
        paths.append(ApplyPath.via_intermediary)
    if role == ROLE_YOUTH and Applicant.parent in applies and ApplyPath.self not in paths:
        paths.append(ApplyPath.via_parent)
    if Applicant.foodbank in applies:
        paths.append(ApplyPath.via_foodbank)
    if Applicant.registered_intermediary_only in applies:
        paths.append(ApplyPath.via_professional)
    if Applicant.organisations_only in applies:
        paths.append(ApplyPath.via_organisation)
    return paths


def _age_exclusion(fund: Fund, age: int | None) -> ExcludeReason | None:
    """The age reason to leave ``fund`` out, or None (an unverified range never excludes)."""
    if age is None or fund.age.contains(age) or not fund.age.verified:
        return None
    if fund.age.min is not None and age < fund.age.min:
        return ExcludeReason.too_young
    return ExcludeReason.too_old


def find_funds(
    need: str,
    age: int | None,
    role: str | None,
    school_level: str | None = None,
    on_foodbank: bool | None = None,
    content: Content | None = None,
) -> FundAdvice:
    """The funds that fit ``need`` for this age and asker, best first, plus the left-out ones.

    ``age`` is the age of the child the help is for (for a young person: their own age).
    Raises ValueError for an unknown need tag or school level.
    """
    content = content or get_content()
    if need not in content.needs:
        raise ValueError(f"unknown need tag {need!r}")
    level = _school_level(school_level)
    role = normalise_role(role)
    advice = FundAdvice(need=need, age=age, role=role)
    ranked = []
    for index, fund in enumerate(content.funds):
        if need not in fund.needs:
            continue
        levels = tuple(lv.value for lv in fund.school_levels or ())
        limits = {"age_min": fund.age.min, "age_max": fund.age.max, "school_levels": levels}
        reason = _age_exclusion(fund, age)
        if reason is None and level is not None and levels and level.value not in levels:
            reason = ExcludeReason.school_level
        if reason is None and fund.requires_foodbank and on_foodbank is False:
            reason = ExcludeReason.not_on_foodbank
        paths = apply_paths(fund, role, age)
        if reason is None and not paths:
            reason = ExcludeReason.no_path
        if reason is not None:
            advice.excluded.append(Exclusion(fund=fund, reason=reason, **limits))
            continue
        age_limited = fund.age.limited
        outside = age is not None and not fund.age.contains(age)
        match = FundMatch(
            fund=fund,
            path=paths[0],
            other_paths=tuple(paths[1:]),
            age_checked=age is not None or not age_limited,
            age_verified=fund.age.verified,
            age_outside=outside,
            school_level_checked=level is not None or not levels,
            needs_foodbank=fund.requires_foodbank and on_foodbank is None,
            **limits,
        )
        rank = _PATH_RANK[match.path]
        if match.path is ApplyPath.via_foodbank and on_foodbank:
            rank = 1
        key = (rank, outside, fund.needs.index(need), fund.local_only, index)
        ranked.append((key, match))
    advice.matches = [match for _, match in sorted(ranked, key=lambda item: item[0])]
    return advice


def _audiences(role: str | None) -> tuple[str, ...]:
    """The route audiences that suit ``role``."""
    role = normalise_role(role)
    if role == ROLE_YOUTH:
        return ("youth", "all")
    if role == ROLE_PARENT:
        return ("parent", "all")
    return ("parent", "youth", "all")


def route_fits(route: Route, role: str | None) -> bool:
    """True when ``route`` is meant for this kind of asker."""
    return route.audience.value in _audiences(role)


def route_age_fits(route: Route, age: int | None) -> bool:
    """False only when a *verified* age range of ``route`` excludes the known ``age``."""
    if age is None or route.age is None or not route.age.verified:
        return True
    return route.age.contains(age)


def find_routes(need: str, role: str | None, content: Content | None = None) -> list[Route]:
    """The help routes for ``need`` that suit ``role``, in routes.yml order.

    Routes made for the asker's own group (youth routes for a young person) come first.
    Crisis lines have no need tags; get them with :func:`crisis_routes`.
    Raises ValueError for an unknown need tag.
    """
    content = content or get_content()
    if need not in content.needs:
        raise ValueError(f"unknown need tag {need!r}")
    role = normalise_role(role)
    routes = [r for r in content.routes.values() if need in r.needs and route_fits(r, role)]
    return sorted(routes, key=lambda r: 0 if role and r.audience.value == role else 1)


def crisis_routes(role: str | None, content: Content | None = None) -> list[Route]:
    """Crisis lines and help lines that suit ``role``, in routes.yml order."""
    content = content or get_content()
    return [
        r
        for r in content.routes.values()
        if r.kind in ("crisis", "helpline") and route_fits(r, role)
    ]


def get_route(route_id: str, content: Content | None = None) -> Route:
    """The route with this id; KeyError when there is none."""
    content = content or get_content()
    return content.routes[route_id]
