"""The secretariat's work: countries, people and the assessments opened for each cycle."""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..db import begin_write
from ..models import Country, Membership, Role, User
from . import audit
from .accounts import create_user, find_user, normalise_email
from .errors import N_, UserError

# ISO 3166 codes reserved for users (AA, QM-QZ, XA-XZ, ZZ): demos and trainings use them.
USER_ASSIGNED = (
    {"AA", "ZZ"}
    | {f"Q{c}" for c in "MNOPQRSTUVWXYZ"}
    | {f"X{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
)


class AdminError(UserError):
    pass


def country_choices(lang: str) -> list[tuple[str, str]]:
    """Every ISO 3166 country Babel knows, named in `lang`, sorted by name."""
    territories = Locale.parse(lang).territories
    return sorted(
        (
            (code, name)
            for code, name in territories.items()
            if len(code) == 2 and code.isalpha() and code not in USER_ASSIGNED
        ),
        key=lambda item: item[1],
    )


def add_country(session: Session, actor: User, iso_code: str, name: str | None = None) -> Country:
    code = iso_code.strip().upper()
    known = Locale.parse("en").territories
    if not (len(code) == 2 and code.isalpha()) or (code not in known and code not in USER_ASSIGNED):
        raise AdminError(N_("give an ISO 3166 alpha-2 country code"))
    begin_write(session)
    if session.scalar(select(Country).where(Country.iso_code == code)) is not None:
        raise AdminError(N_("this country is already registered"))
    label = (name or "").strip()[:200] or known.get(code)
    if not label:
        raise AdminError(N_("a user-assigned code needs a name"))
    country = Country(iso_code=code, name=label)
    session.add(country)
    session.flush()
    audit.record(session, actor, "create", "country", code, new={"name": label})
    session.commit()
    return country


def add_user(
    session: Session,
    actor: User,
    email: str,
    name: str,
    password: str,
    country: Country | None,
    role: Role | None,
    is_admin: bool = False,
) -> User:
    email = normalise_email(email)
    if "@" not in email:
        raise AdminError(N_("give a valid e-mail address"))
    if len(password) < 10:
        raise AdminError(N_("the password needs at least 10 characters"))
    if not is_admin and (country is None or role is None):
        raise AdminError(N_("a person who is not an administrator needs a country and a role"))
    begin_write(session)
    if find_user(session, email) is not None:
        raise AdminError(N_("someone already has this e-mail address"))
    user = create_user(
        session,
        email,
        name.strip()[:200] or email,
        password,
        is_admin=is_admin,
        country=country,
        role=role,
        actor=actor,
    )
    session.commit()
    return user


def set_membership(
    session: Session,
    actor: User,
    user: User,
    country: Country | None,
    role: Role | None,
    area: str = "",
) -> None:
    """A person works for one country in one role (or none: their access ends), in the whole
    country or limited to one named area of it."""
    begin_write(session)
    old = [(m.country.iso_code, m.role, m.area) for m in user.memberships]
    user.memberships.clear()
    session.flush()
    limited = area.replace("\x00", "").strip()[:200] or None
    if country is not None and role is not None:
        user.memberships.append(Membership(country_id=country.id, role=role.value, area=limited))
    audit.record(
        session,
        actor,
        "membership",
        "user",
        user.id,
        old={"memberships": old},
        new={"memberships": [(country.iso_code, role.value, limited)] if country and role else []},
    )
    session.commit()


def set_active(session: Session, actor: User, user: User, active: bool) -> None:
    if user.id == actor.id and not active:
        raise AdminError(N_("you cannot deactivate your own account"))
    begin_write(session)
    user.active = active
    audit.record(session, actor, "activate" if active else "deactivate", "user", user.id)
    session.commit()


PEOPLE_PAGE_SIZE = 50


@dataclass
class PeoplePage:
    items: list[User]
    page: int
    pages: int
    total: int
    search: str


def people(
    session: Session, page: int = 1, search: str = "", per_page: int = PEOPLE_PAGE_SIZE
) -> PeoplePage:
    """One page of the accounts, by name, found by part of a name or an e-mail address: a
    secretariat serving many countries has thousands."""
    query = select(User)
    search = search.strip()[:254]
    if search:
        query = query.where(
            or_(
                User.name.icontains(search, autoescape=True),
                User.email.icontains(search, autoescape=True),
            )
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    items = session.scalars(
        query.options(selectinload(User.memberships).selectinload(Membership.country))
        .order_by(User.name, User.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return PeoplePage(list(items), page, pages, total, search)


def countries(session: Session) -> list[Country]:
    return list(session.scalars(select(Country).order_by(Country.name)))


def set_sharing(session: Session, actor: User, country: Country, share: bool) -> None:
    """Record the country's consent to appear in regional overviews and open data."""
    begin_write(session)
    if country.shares_results != share:
        audit.record(
            session,
            actor,
            "sharing",
            "country",
            country.iso_code,
            old={"shares_results": country.shares_results},
            new={"shares_results": share},
        )
        country.shares_results = share
    session.commit()


def record_reset(session: Session, actor: User, user: User) -> None:
    begin_write(session)
    audit.record(session, actor, "password_reset_link", "user", user.id)
    session.commit()
