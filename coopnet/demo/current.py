"""The living part of the demo: a plan in progress around the day the demo is loaded.

Beside the historical 2021-2022 plan, `load_current_demo` adds a plan with the same goals,
actions and indicators (the real plan text with its dates moved) whose period runs from ten
months before the load date to five months after it, and fills it as a network would:
events in the past weeks with their attendance (two webinars through an imported attendee
report, the last workshop still waiting for its attendance), events in the coming weeks
(some nearly full, one full with a waiting list, one for members only, a webinar),
new member co-ops, recent contacts, open vacancies and micro-meetings. Every date is relative
to the load date and every choice comes from a seeded generator: the same date gives the
same demo.
"""

from __future__ import annotations

import calendar
import random
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from importlib import resources

import sqlalchemy as sa

from coopnet.auth.models import User
from coopnet.demo import data
from coopnet.demo.made_up import enterprise_number, slugify
from coopnet.events.models import Event, EventKind
from coopnet.extensions import db
from coopnet.members.models import MemberContact, Membership, Organization, Person
from coopnet.plan.importer import MONTHS, parse_rows, rows_from_text
from coopnet.plan.models import Action, Indicator, ManualValue, Plan
from coopnet.plan.services import import_plan
from coopnet.registrations.models import Registration
from coopnet.timezones import brussels

SEED = 20260101
SOURCE = "actieplan-2021-2022.txt"
# the day of the Dag van de Coöperatie, counted from the load date
DAY_OF_COOPERATION = 75


@dataclass(frozen=True)
class DemoEvent:
    """An event of the current plan; `days` counts from the load date (negative: past)."""

    days: int
    kind: str
    title: str
    at: str
    minutes: int
    city: str
    location: str
    capacity: int | None
    visibility: str
    # past: (attended, no-shows, cancelled, walk-ins); coming: (confirmed, waiting, cancelled)
    figures: tuple[int, ...] = ()
    # past webinars: attendance recorded by importing the platform's attendee report
    report: bool = False
    # past: registrations but nobody checked in yet (the dashboard asks for the attendance)
    unrecorded: bool = False


PAST: tuple[DemoEvent, ...] = (
    DemoEvent(-250, "webinar", "Webinar: coöperatief kapitaal in de praktijk", "12:00", 60, "", "",
              None, "public", (24, 5, 1, 0), report=True),
    DemoEvent(-230, "bestuursorgaan", "Bestuursorgaan", "19:00", 120, "", "", None, "internal"),
    DemoEvent(-205, "algemene-vergadering", "Algemene vergadering", "10:00", 180, "Brussel",
              "Coopkracht kantoor", None, "members", (31, 5, 0, 0)),
    DemoEvent(-200, "lezing", "Lezing: coöperaties en betaalbaar wonen", "19:30", 90, "Antwerpen",
              "De Studio", 60, "public", (27, 6, 2, 2)),
    DemoEvent(-180, "managementgroep", "Managementgroep", "14:00", 90, "", "", None, "internal"),
    DemoEvent(-160, "thematische-groep", "Thematische groep HR in coöperaties (2)", "14:00", 120,
              "", "", 20, "members", (8, 1, 0, 0)),
    DemoEvent(-150, "gebruikersgroep", "Gebruikersgroep DAR", "10:00", 120, "", "", None,
              "internal"),
    DemoEvent(-140, "bestuursorgaan", "Bestuursorgaan", "19:00", 120, "", "", None, "internal"),
    DemoEvent(-130, "coopborrel", "Coopborrel Antwerpen", "18:00", 150, "Antwerpen",
              "Café De Coöperatie", 40, "public", (17, 4, 1, 3)),
    DemoEvent(-120, "partneroverleg", "Partneroverleg Febecoop en Cera", "10:00", 90, "", "", None,
              "internal"),
    DemoEvent(-100, "stuurgroep", "Stuurgroep Coopfabrik", "14:00", 120, "Brussel",
              "Coopkracht kantoor", None, "internal"),
    DemoEvent(-95, "rondleiding", "Rondleiding: een wooncoöperatie van binnenuit", "14:00", 90,
              "Leuven", "Wooncoöperatie De Hoek", 20, "members", (15, 2, 1, 0)),
    DemoEvent(-70, "managementgroep", "Managementgroep", "14:00", 90, "", "", None, "internal"),
    DemoEvent(-60, "seminarie", "Seminarie: coöperatief ondernemen in de zorg", "09:30", 180,
              "Gent", "De Centrale", 40, "public", (21, 4, 2, 1)),
    DemoEvent(-50, "bestuursorgaan", "Bestuursorgaan", "19:00", 120, "", "", None, "internal"),
    DemoEvent(-40, "coopborrel", "Coopborrel Brussel", "18:00", 150, "Brussel",
              "Maison des Coopératives", 40, "public", (13, 3, 2, 2)),
    DemoEvent(-24, "webinar", "Webinar: de erkenning als coöperatieve vennootschap", "12:00", 60,
              "", "", None, "public", (30, 7, 1, 0), report=True),
    DemoEvent(-17, "thematische-groep", "Thematische groep energiegemeenschappen (2)", "14:00",
              120, "Leuven", "Coopkracht kantoor", 20, "members", (9, 2, 0, 0)),
    DemoEvent(-10, "infosessie", "Infosessie voor nieuwe werknemers: wat is een coöperatie?",
              "10:00", 120, "", "", 30, "members", (12, 3, 1, 0)),
    DemoEvent(-3, "workshop", "Workshop: een ledenbevraging opzetten", "13:30", 180, "Brussel",
              "Coopkracht kantoor", 25, "members", (18, 3, 1, 0), unrecorded=True),
)

COMING: tuple[DemoEvent, ...] = (
    DemoEvent(6, "webinar", "Webinar: coöperatief ondernemen voor starters", "12:00", 60, "", "",
              None, "public", (38, 0, 2)),
    DemoEvent(13, "coopborrel", "Coopborrel Gent", "18:00", 150, "Gent", "Bar Tuinwijk", 40,
              "public", (37, 0, 1)),
    DemoEvent(20, "rondleiding", "Rondleiding: de coöperatieve bakkerij", "14:00", 90, "Aalst",
              "Bakkerij De Korenaar", 15, "public", (15, 4, 1)),
    DemoEvent(27, "workshop", "Workshop: ledenparticipatie versterken", "13:30", 180, "Brussel",
              "Coopkracht kantoor", 25, "members", (22, 0, 0)),
    DemoEvent(34, "lezing", "Lezing: de toekomst van energiegemeenschappen", "19:30", 90,
              "Hasselt", "Cultuurcentrum", 80, "public", (31, 0, 2)),
    DemoEvent(48, "thematische-groep", "Thematische groep coöperatief bestuur (2)", "14:00", 120,
              "Brussel", "Coopkracht kantoor", 20, "members", (6, 0, 0)),
    DemoEvent(DAY_OF_COOPERATION, "dag-van-de-cooperatie", "Dag van de Coöperatie", "09:00", 480,
              "Brussel", "Tour & Taxis", 250, "public", (96, 0, 3)),
)

# co-ops that joined during the current plan: (days before the load date, had their intro?)
NEW_MEMBERS = ((205, True), (150, True), (88, True), (41, True), (9, False))

# indicator text -> [(value, days after the plan's start)] entered by hand (only past days kept)
MANUAL_VALUES: dict[str, list[tuple[int, int]]] = {
    "leesbereik nieuwsbrief uitbreiden naar 2000": [(1790, 60), (1860, 150), (1915, 240)],
    "7 nieuwsbrieven (6 weken)": [(2, 80), (4, 170), (5, 250)],
    "2 nieuwsflashes": [(1, 120)],
    "minimaal 3 nieuwsberichten": [(2, 200)],
    "Ledennota werd gedeeld": [(1, 95)],
}

VACANCIES = (
    # (title, kind, days since publication, days until it closes)
    ("Projectleider energiegemeenschappen", "job", 3, 40),
    ("Boekhouder (deeltijds)", "job", 8, 22),
    ("Stagiair communicatie", "internship", 12, 30),
    ("Vrijwilliger onthaal", "volunteer", 15, 60),
    ("Coördinator vrijwilligers", "job", 21, 9),
    ("Bakker", "job", 26, 4),
    ("Webontwikkelaar", "job", 33, 12),
    ("Zorgkundige", "job", 70, -25),
    ("Fietskoerier", "job", 95, -50),
)

# micro-meetings: (days from the load date, held?) — the last one is still to come
PAIRINGS = ((-120, True), (-60, True), (-25, True), (-5, False), (9, False))


def current_period(today: date) -> tuple[date, date]:
    """Sixteen months: from the first day of the month ten months before `today` to the last
    day of the month five months after it."""
    start_index = today.year * 12 + today.month - 1 - 10
    end_index = today.year * 12 + today.month - 1 + 5
    start = date(start_index // 12, start_index % 12 + 1, 1)
    end_year, end_month = end_index // 12, end_index % 12 + 1
    return start, date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])


def current_plan_text(text: str, today: date) -> str:
    """The real plan text with its period and dates moved around `today`."""
    start, end = current_period(today)
    day = today + timedelta(days=DAY_OF_COOPERATION)
    shift = start.year - 2021
    # first every year, then the period and the day whose month matters
    moved = re.sub(r"\b(202[0-3])\b", lambda m: str(int(m.group(1)) + shift), text)
    moved = moved.replace(f"Actieplan januari {2021 + shift} - april {2022 + shift}",
                          f"Actieplan {MONTHS[start.month - 1]} {start.year} - "
                          f"{MONTHS[end.month - 1]} {end.year}", 1)
    return moved.replace(f"Dag van de Coöperatie februari {2022 + shift}",
                         f"Dag van de Coöperatie {MONTHS[day.month - 1]} {day.year}")


def _at(today: date, days: int, clock: str) -> datetime:
    return brussels(today + timedelta(days=days), time.fromisoformat(clock))


def _event(kinds: dict[str, EventKind], item: DemoEvent, today: date) -> Event:
    starts = _at(today, item.days, item.at)
    title = item.title
    if item.kind == "dag-van-de-cooperatie":
        title = f"{title} {starts.year}"
    online = not item.city
    return Event(
        kind=kinds[item.kind], title=title, starts_at=starts,
        ends_at=starts + timedelta(minutes=item.minutes),
        description=data.EVENT_DESCRIPTIONS.get(item.kind, ""),
        city=item.city, location=item.location,
        address=f"{item.location}, {item.city}" if item.location and item.city else "",
        online_url="https://meet.coopkracht.test/" + re.sub(r"[^a-z0-9]+", "-", title.lower())
        .strip("-") if online else "",
        capacity=item.capacity, visibility=item.visibility, status="published",
    )


def _ticket(rng: random.Random) -> str:
    return f"demo{rng.getrandbits(156):039x}"


def _registration(rng: random.Random, event: Event, person: Person, *, status: str,
                  source: str, at: datetime) -> Registration:
    return Registration(
        event_id=event.id, person=person, organization_id=person.organization_id,
        organization_name=person.organization.name if person.organization else "",
        status=status, source=source, ticket_code=_ticket(rng), registered_at=at,
        confirmed_at=at if status == "confirmed" else None,
        waitlisted_at=at if status == "waitlisted" else None,
        cancelled_at=at + timedelta(days=1) if status == "cancelled" else None,
        consent_at=at)


def _pool(event: Event, members: list[Person], visitors: list[Person]) -> list[Person]:
    return members + visitors if event.visibility == "public" else list(members)


def _past_attendance(rng: random.Random, event: Event, item: DemoEvent, members: list[Person],
                     visitors: list[Person], staff: User) -> None:
    from coopnet.registrations.attendee_report import AttendeeRow
    from coopnet.registrations.checkin import import_attendance

    attended, no_shows, cancelled, walkins = item.figures
    extra = 3 if item.report else 0  # joined the webinar without registering
    people = rng.sample(_pool(event, members, visitors), attended + no_shows + cancelled + extra)
    registered = people[:attended + no_shows + cancelled]
    rows = []
    for index, person in enumerate(registered):
        walkin = index < walkins
        status = "cancelled" if index >= attended + no_shows else "confirmed"
        at = event.starts_at if walkin else event.starts_at - timedelta(days=rng.randrange(3, 25))
        row = _registration(rng, event, person, status=status,
                            source="walkin" if walkin else "online", at=at)
        if index < attended and not item.report and not item.unrecorded:
            row.checked_in_at = event.starts_at + timedelta(minutes=rng.randrange(-15, 30))
            row.checked_in_by_id = staff.id
        rows.append(row)
    event.seats_taken = sum(1 for r in rows if r.holds_seat)
    db.session.add_all(rows)
    db.session.flush()
    if item.report:
        report = [AttendeeRow(line=n + 2, name=p.full_name, email=p.email,
                              minutes=rng.randrange(35, item.minutes + 1),
                              joined=event.starts_at + timedelta(minutes=rng.randrange(0, 6)))
                  for n, p in enumerate(people[:attended] + people[-extra:])]
        import_attendance(event, report, actor=staff, now=event.ends_at + timedelta(hours=3))


def _coming_registrations(rng: random.Random, event: Event, item: DemoEvent,
                          members: list[Person], visitors: list[Person], today: date) -> None:
    confirmed, waiting, cancelled = item.figures
    people = rng.sample(_pool(event, members, visitors), confirmed + waiting + cancelled)
    rows = []
    for index, person in enumerate(people):
        # registrations came in over the last weeks, the waiting list the last days
        days_ago = 3 + (confirmed - index) * 20 // max(confirmed, 1) if index < confirmed \
            else 1 + (index - confirmed) % 3
        at = brussels(today - timedelta(days=days_ago), time(9 + index % 10, index % 60))
        status = ("confirmed" if index < confirmed else
                  "waitlisted" if index < confirmed + waiting else "cancelled")
        rows.append(_registration(rng, event, person, status=status, source="online", at=at))
    event.seats_taken = sum(1 for r in rows if r.holds_seat)
    db.session.add_all(rows)


def _new_members(rng: random.Random, today: date) -> list[Organization]:
    taken = set(db.session.execute(sa.select(Organization.name)).scalars())
    numbers = set(db.session.execute(sa.select(Organization.enterprise_number)).scalars())

    orgs = []
    sectors = list(data.SECTORS)
    for days, _intro in NEW_MEMBERS:
        while True:
            sector = rng.choice(sectors)
            province, cities = data.PLACES[rng.randrange(len(data.PLACES))]
            city = rng.choice(cities)
            name = f"{rng.choice(data.SECTORS[sector])}{rng.choice(data.NAME_ENDINGS)} {city}"
            number = enterprise_number(rng)
            if name not in taken and number not in numbers:
                break
        taken.add(name)
        numbers.add(number)
        org = Organization(name=name, enterprise_number=number,
                           legal_form=rng.choice(data.LEGAL_FORMS), sector=sector,
                           province=province, city=city, website=f"https://www.{slugify(name)}.test")
        org.memberships.append(Membership(starts_on=today - timedelta(days=days)))
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        org_person = Person(first_name=first, last_name=last,
                            email=f"{slugify(first)}.{slugify(last)}@{slugify(name)[:40]}.test",
                            role=rng.choice(data.ROLES), organization=org)
        db.session.add_all([org, org_person])
        orgs.append(org)
    return orgs


def _contacts(rng: random.Random, start: date, today: date, new: list[Organization],
              staff: User) -> None:
    current = list(db.session.execute(
        sa.select(Organization).join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.ends_on.is_(None), Membership.starts_on < start)
        .order_by(Organization.id)).scalars())
    span = (today - start).days
    contacts = []
    for org in current:
        if rng.random() < 0.55:
            contacts.append(MemberContact(
                organization=org, kind=rng.choice(("conversation", "visit", "phone")),
                contacted_on=start + timedelta(days=rng.randrange(0, span)), notes="Ledengesprek",
                staff_user=staff))
    # the last weeks: a handful of recent conversations, one with a follow-up still open
    for n, org in enumerate(rng.sample(current, 6)):
        contacts.append(MemberContact(
            organization=org, kind=("phone", "visit", "conversation")[n % 3],
            contacted_on=today - timedelta(days=1 + 3 * n), staff_user=staff,
            notes=("Vraag over de erkenning als coöperatie", "Bezoek aan de nieuwe werkplaats",
                   "Interesse in de thematische groep bestuur", "Zoekt een boekhouder",
                   "Feedback op de Coopborrel", "Wil spreken op de Dag van de Coöperatie")[n],
            follow_up_on=today + timedelta(days=5) if n == 0 else None))
    for (days, intro), org in zip(NEW_MEMBERS, new, strict=True):
        if intro:
            contacts.append(MemberContact(organization=org, kind="intro", staff_user=staff,
                                          contacted_on=today - timedelta(days=days - 10),
                                          notes="Kennismaking"))
    db.session.add_all(contacts)


def _vacancies(rng: random.Random, start: date, today: date) -> None:
    from coopnet.vacancies.models import Vacancy

    orgs = list(db.session.execute(
        sa.select(Organization).join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.ends_on.is_(None)).order_by(Organization.id)).scalars())
    for title, kind, published, closes in VACANCIES:
        org = rng.choice(orgs)
        db.session.add(Vacancy(
            organization=org, kind=kind, title=title, place=org.city,
            description="Wij zoeken een nieuwe collega die onze coöperatie mee vooruit helpt.",
            how_to_apply=f"Stuur je cv en een korte motivatie naar jobs@{(org.website or '')[12:]}",
            closes_on=today + timedelta(days=closes), status="published",
            published_at=brussels(today - timedelta(days=published), time(10))))
    # earlier in the plan: vacancies that have closed since, one every ten days or so
    titles = [title for title, *_rest in VACANCIES]
    for days in range(15, (today - start).days - 45, 11):
        org = rng.choice(orgs)
        db.session.add(Vacancy(
            organization=org, kind=rng.choice(("job", "job", "internship", "volunteer")),
            title=rng.choice(titles), place=org.city, description="Wij zoeken een nieuwe collega.",
            closes_on=start + timedelta(days=days + 30), status="published",
            published_at=brussels(start + timedelta(days=days), time(10))))


def _manual_values(plan: Plan, today: date) -> None:
    by_text = {i.text: i for i in db.session.execute(
        sa.select(Indicator).join(Action).where(Action.goal.has(plan_id=plan.id))).scalars()}
    for text, values in MANUAL_VALUES.items():
        indicator = by_text.get(text)
        for value, days in values:
            day = plan.starts_on + timedelta(days=days)
            if indicator is not None and day < today:
                db.session.add(ManualValue(indicator=indicator, value=Decimal(value),
                                           recorded_on=day, note="Mailchimp"
                                           if "nieuwsbrief" in text else ""))


def _pairings(rng: random.Random, today: date, coordinator: User) -> None:
    from coopnet.pairings.models import MeetingProfile, Pairing, PairingMember
    from coopnet.pairings.services import accept_pairing, mark_held

    # co-ops of the earlier meetings (the 2021-2022 plan's) are not paired again
    waiting = sa.select(PairingMember.organization_id).join(Pairing)
    orgs = list(db.session.execute(
        sa.select(Organization).join(MeetingProfile, MeetingProfile.organization_id
                                     == Organization.id)
        .where(MeetingProfile.active.is_(True), Organization.id.not_in(waiting))
        .order_by(Organization.id)).scalars())
    rng.shuffle(orgs)
    cursor = 0
    for n, (days, held) in enumerate(PAIRINGS):
        size = 3 if n % 2 else 2  # duos and trios in turn
        group, cursor = orgs[cursor:cursor + size], cursor + size
        meeting = _at(today, days, "10:00")
        pairing = accept_pairing(group, starts_at=meeting, actor=coordinator,
                                 now=meeting - timedelta(days=12))
        if held:
            mark_held(pairing, meeting.date(), actor=coordinator,
                      now=meeting + timedelta(days=1))
            # the co-ops came: their registrations count as attendance
            db.session.execute(sa.update(Registration).where(
                Registration.event_id == pairing.event_id, Registration.status == "confirmed")
                .values(checked_in_at=meeting))


def load_current_demo(today: date, members: list[Person], visitors: list[Person]) -> Plan:
    """Add the plan in progress around `today` with its events, registrations and network."""
    from coopnet.demo.plan import _link_events

    rng = random.Random(SEED)
    staff = db.session.execute(sa.select(User).where(User.role == "staff")
                               .order_by(User.id)).scalars().first()
    coordinator = db.session.execute(sa.select(User).where(User.role == "coordinator")
                                     .order_by(User.id)).scalars().first()
    assert staff is not None and coordinator is not None
    text = resources.files("coopnet.demo").joinpath(SOURCE).read_text(encoding="utf-8")
    plan = import_plan(parse_rows(rows_from_text(current_plan_text(text, today))), accept=True,
                       actor=None)
    kinds = {k.slug: k for k in db.session.execute(sa.select(EventKind)).scalars()}
    past = [(_event(kinds, item, today), item) for item in PAST]
    coming = [(_event(kinds, item, today), item) for item in COMING]
    db.session.add_all([event for event, _item in past + coming])
    db.session.flush()
    _link_events(plan, [event for event, _item in past + coming])
    for event, item in past:
        if item.figures:
            _past_attendance(rng, event, item, members, visitors, staff)
    for event, item in coming:
        _coming_registrations(rng, event, item, members, visitors, today)
    new = _new_members(rng, today)
    db.session.flush()
    _contacts(rng, plan.starts_on, today, new, staff)
    _vacancies(rng, plan.starts_on, today)
    _manual_values(plan, today)
    db.session.flush()
    _pairings(rng, today, coordinator)
    db.session.flush()
    return plan
