"""Demo of the action plan: the real 2021-2022 plan, its events linked, and their attendance.

The figures are chosen so the dashboard shows a realistic mix: some indicators achieved,
some behind, and (as of a date inside the period, e.g. 31 January 2022) some on track.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from decimal import Decimal
from importlib import resources

import sqlalchemy as sa

from coopnet.auth.models import User
from coopnet.demo import data
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.members.models import Person
from coopnet.plan.importer import parse_rows, rows_from_text
from coopnet.plan.models import Action, Indicator, ManualValue, Plan, event_actions
from coopnet.plan.services import import_plan
from coopnet.registrations.models import Registration, short_code_from
from coopnet.timezones import brussels

SOURCE = "actieplan-2021-2022.txt"

# event title -> (attended, no-shows, cancelled, walk-ins among the attended)
ATTENDANCE: dict[str, tuple[int, int, int, int]] = {
    "Webinar: kapitaal ophalen bij je coöperanten": (28, 6, 2, 0),
    "Webinar: GDPR voor coöperaties": (31, 8, 1, 0),
    "Lezing: de coöperatieve ondernemingsvorm na het nieuwe WVV": (22, 5, 2, 2),
    "Webinar: coöperaties en de SDG's": (19, 4, 0, 0),
    "Seminarie: samenwerken met lokale besturen": (18, 3, 1, 1),
    "Debat: coöperatief ondernemen en de transitie": (25, 7, 3, 2),
    "Coopborrel Antwerpen": (14, 4, 1, 3),
    "Coopborrel Brussel": (11, 3, 2, 2),
    "Coopborrel Gent": (12, 5, 0, 4),
    "Dag van de Coöperatie 2022": (212, 18, 6, 9),
    "Rondleiding: een dag bij een energiecoöperatie": (16, 2, 1, 0),
    "Thematische groep HR in coöperaties (1)": (9, 1, 0, 0),
    "Thematische groep energiegemeenschappen (1)": (8, 2, 1, 0),
    "Thematische groep coöperatief bestuur (1)": (11, 1, 0, 1),
    "Infosessie voor nieuwe werknemers: wat is een coöperatie?": (14, 3, 1, 0),
    "Workshop: de ICA-principes in je eigen coöperatie": (17, 2, 0, 0),
    "Algemene vergadering 2021": (34, 6, 0, 0),
}
# a past event whose attendance was never recorded: the dashboard warns about it
# (registrations but nobody checked in), and its thematic-groups figure stays behind
UNRECORDED = "Thematische groep coöperatief bestuur (1)"

# indicator text -> [(value, date, note)] entered by hand
MANUAL_VALUES: dict[str, list[tuple[int, str, str]]] = {
    "leesbereik nieuwsbrief uitbreiden naar 2000": [
        (1450, "2021-06-30", "Mailchimp: unieke lezers"), (1720, "2021-12-31", "Mailchimp"),
        (1880, "2022-04-30", "Mailchimp")],
    "7 nieuwsbrieven (6 weken)": [(3, "2021-06-30", ""), (6, "2021-12-31", ""), (7, "2022-04-15", "")],
    "2 nieuwsflashes": [(1, "2021-09-01", "")],
    "3 nieuwsflashes voor gebruikers": [(3, "2021-11-30", "")],
    "minimaal 3 nieuwsberichten": [(4, "2022-03-31", "")],
    "10 sprekers": [(7, "2022-01-31", "inschrijvingen Vlajo")],
    "Arbeidsreglement is opgemaakt": [(1, "2021-11-15", "goedgekeurd door het bestuursorgaan")],
    "elke personeelslid heeft een functioneringsgesprek gehad": [(1, "2022-03-31", "")],
    "Ledennota werd gedeeld": [(1, "2021-05-10", "")],
}


def _link_events(plan: Plan, events: list[Event]) -> int:
    """Link each past event to the first action whose events indicator names its kind;
    an event whose title shares a word such as "SDG" with an indicator goes there instead."""
    rows = db.session.execute(
        sa.select(Indicator.action_id, Indicator.text, Indicator.params)
        .join(Action, Action.id == Indicator.action_id)
        .where(Indicator.measure == "events_held",
               Action.goal.has(plan_id=plan.id))
        .order_by(Indicator.id)).all()
    links = []
    for event in events:
        if not plan.starts_on.isoformat() <= event.starts_on.isoformat() \
                <= plan.ends_on.isoformat():
            continue
        candidates = [(action_id, text) for action_id, text, params in rows
                      if event.kind.slug in (params or {}).get("kinds", [])]
        if not candidates:
            continue
        special = [c for c in candidates if "SDG" in c[1] and "SDG" in event.title]
        action_id = (special or candidates)[0][0]
        links.append({"event_id": event.id, "action_id": action_id})
    if links:
        db.session.execute(sa.insert(event_actions), links)
    return len(links)


def _visitors(rng: random.Random, count: int) -> list[Person]:
    people = []
    for n in range(count):
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        people.append(Person(first_name=first, last_name=last,
                             email=f"bezoeker{n + 1}@voorbeeld.test"))
    db.session.add_all(people)
    return people


def _registrations(rng: random.Random, events: list[Event], members: list[Person],
                   visitors: list[Person]) -> int:
    total = 0
    for event in events:
        plan_figures = ATTENDANCE.get(event.title)
        if plan_figures is None:
            continue
        attended, no_shows, cancelled, walkins = plan_figures
        pool = members + visitors if event.visibility == "public" else list(members)
        people = rng.sample(pool, min(len(pool), attended + no_shows + cancelled))
        registered_at = event.starts_at - timedelta(days=10)
        rows = []
        for index, person in enumerate(people):
            if index < attended:
                status, source = "confirmed", "walkin" if index < walkins else "online"
                checked_in = None if event.title == UNRECORDED else (
                    event.starts_at + timedelta(minutes=rng.randrange(-15, 30)))
            elif index < attended + no_shows:
                status, source, checked_in = "confirmed", "online", None
            else:
                status, source, checked_in = "cancelled", "online", None
            ticket_code = f"demo{rng.getrandbits(156):039x}"
            rows.append(Registration(
                event_id=event.id, person=person, organization_id=person.organization_id,
                # as the registration service does: the co-op's name travels with the link
                organization_name=person.organization.name if person.organization else "",
                status=status, source=source,
                ticket_code=ticket_code, short_code=short_code_from(ticket_code.encode()),
                registered_at=registered_at if source != "walkin" else event.starts_at,
                confirmed_at=registered_at if status == "confirmed" else None,
                cancelled_at=registered_at + timedelta(days=2) if status == "cancelled" else None,
                consent_at=registered_at, checked_in_at=checked_in))
        held = sum(1 for r in rows if r.holds_seat)
        event.seats_taken = held
        if event.capacity is not None and held > event.capacity:
            event.capacity = held
        db.session.add_all(rows)
        total += len(rows)
    return total


def _manual_values(plan: Plan) -> None:
    indicators = db.session.execute(
        sa.select(Indicator).join(Action).where(Action.goal.has(plan_id=plan.id))).scalars()
    by_text = {i.text: i for i in indicators}
    for text, values in MANUAL_VALUES.items():
        indicator = by_text.get(text)
        if indicator is None:
            continue
        for value, day, note in values:
            db.session.add(ManualValue(indicator=indicator, value=Decimal(value),
                                       recorded_on=date.fromisoformat(day), note=note))


VACANCY_TITLES = ["Medewerker klantendienst", "Projectleider energie", "Boekhouder (deeltijds)",
                  "Stagiair communicatie", "Vrijwilliger onthaal", "Coördinator vrijwilligers",
                  "Bakker", "Fietskoerier", "Zorgkundige", "Webontwikkelaar"]


def _member_network(rng: random.Random, plan: Plan) -> tuple[int, int]:
    """Contacts (personal ones for most members, intros for most new members) and vacancies."""
    from coopnet.members.models import MemberContact, Membership, Organization
    from coopnet.vacancies.models import Vacancy

    rows = db.session.execute(
        sa.select(Organization, Membership.starts_on)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.ends_on.is_(None))
        .order_by(Organization.id)).all()
    contacts = []
    for org, since in rows:
        if since >= plan.starts_on:
            # most new members get their intro conversation within three weeks
            if rng.random() < 0.75:
                contacts.append(MemberContact(organization=org, kind="intro",
                                              contacted_on=since + timedelta(days=rng.randrange(3, 21)),
                                              notes="Kennismaking"))
        elif rng.random() < 0.78:
            day = plan.starts_on + timedelta(days=rng.randrange(0, 440))
            contacts.append(MemberContact(organization=org,
                                          kind=rng.choice(("conversation", "visit", "phone")),
                                          contacted_on=day, notes="Ledengesprek"))
        if rng.random() < 0.3:
            day = plan.starts_on + timedelta(days=rng.randrange(0, 440))
            contacts.append(MemberContact(organization=org, kind="email", contacted_on=day,
                                          notes="Nieuwsbrief beantwoord"))
    db.session.add_all(contacts)
    vacancies = []
    for n in range(34):
        org = rows[rng.randrange(len(rows))][0]
        published = plan.starts_on + timedelta(days=rng.randrange(20, 470))
        status = "withdrawn" if n % 11 == 10 else "published"
        vacancies.append(Vacancy(
            organization=org, kind=rng.choice(("job", "job", "internship", "volunteer")),
            title=rng.choice(VACANCY_TITLES), description="Wij zoeken een nieuwe collega.",
            closes_on=published + timedelta(days=45), status=status,
            published_at=brussels(published, time(10))))
    db.session.add_all(vacancies)
    return len(contacts), len(vacancies)


# (meeting day, held?) of the demo micro-meetings: four held, one waiting to be marked held
PAIRING_DAYS = ((date(2021, 4, 22), True), (date(2021, 9, 30), True), (date(2022, 2, 17), True),
                (date(2022, 4, 7), True), (date(2022, 4, 26), False))


def _pairings(rng: random.Random) -> int:
    """Opt-ins for micro-meetings and a few duos and trios, formed by the pairing service."""
    from coopnet.members.models import Membership, Organization
    from coopnet.pairings.models import THEMES
    from coopnet.pairings.services import ProfileInput, accept_pairing, mark_held, save_profile

    coordinator = db.session.execute(
        sa.select(User).where(User.role == "coordinator").order_by(User.id)).scalars().first()
    if coordinator is None:
        return 0
    orgs = list(db.session.execute(
        sa.select(Organization).join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.ends_on.is_(None), Membership.starts_on < date(2021, 1, 1))
        .order_by(Organization.id)).scalars())
    chosen = rng.sample(orgs, 24)
    for org in chosen:
        offers, needs = rng.sample(THEMES, 2), rng.sample(THEMES, 2)
        save_profile(org, ProfileInput(offers=offers, needs=[t for t in needs if t not in offers]),
                     actor=coordinator, now=brussels(date(2021, 2, 1), time(9)))
    for n, (day, held) in enumerate(PAIRING_DAYS):
        group = chosen[3 * n: 3 * n + (3 if n % 2 else 2)]
        meeting = brussels(day, time(10))
        pairing = accept_pairing(group, starts_at=meeting, actor=coordinator,
                                 now=meeting - timedelta(days=14))
        if held:
            mark_held(pairing, day, actor=coordinator, now=meeting + timedelta(days=1))
    return len(PAIRING_DAYS)


def load_plan_demo(rng: random.Random, events: list[Event], people: list[Person],
                   actor: User | None = None) -> tuple[Plan, int]:
    """Import the 2021-2022 plan (every proposal confirmed), link events, add attendance."""
    text = resources.files("coopnet.demo").joinpath(SOURCE).read_text(encoding="utf-8")
    plan = import_plan(parse_rows(rows_from_text(text)), accept=True, actor=actor)
    _link_events(plan, events)
    members = [p for p in people if p.organization_id is not None]
    registrations = _registrations(rng, events, members, _visitors(rng, 160))
    _manual_values(plan)
    _member_network(rng, plan)
    db.session.flush()
    _pairings(rng)
    db.session.flush()
    return plan, registrations
