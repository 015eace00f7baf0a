"""The door without network: hashed ticket codes for a device's door list, and the batch of
actions a device recorded offline, applied later in order and exactly once.

Codes. A device holds the event's door list to check people in offline. It must not hold
the ticket codes themselves (a lost phone would hand out everyone's ticket and manage
link), so each code is stored as HMAC-SHA256(event key, normalised code). The event key is
derived here from the app's secret key, sent with the list: a scanned code hashed with it
finds its row, while the list alone does not give the codes back.

Order. Actions from several devices reach us late and out of order. The history of a
registration (CheckInEvent) is kept in the order of the times the actions were *done*
(the device time); the current state is what replaying that history gives: a check-in
starts an attendance at its time, a later check-in is a repeat, an undo ends it. So two
devices checking in the same person give one attendance at the earliest time, and an undo
and a check-in on different devices follow their times, whatever order they arrive in.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from coopnet.audit.services import record_audit
from coopnet.auth.models import User
from coopnet.db import utcnow
from coopnet.errors import DomainError, Invalid
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.registrations.checkin import (
    add_walk_in,
    short_code_from_typing,
    ticket_code_from_scan,
)
from coopnet.registrations.checkin_queries import DOOR_PAGE_MAX, door_list_page, event_counts
from coopnet.registrations.models import (
    DOOR_ACTION_TYPES,
    CheckInEvent,
    DoorAction,
    Registration,
)
from coopnet.registrations.services import _begin_write
from coopnet.timezones import rfc3339
from coopnet.validators import (
    clean_text,
    is_row_id,
    json_int,
    normalize_email,
    parse_datetime,
    year_in_range,
    year_range_message,
)

HASH_ALGORITHM = "HMAC-SHA256"
MAX_ACTIONS = 500  # per batch; a device sends the rest in the next one
# the shape of an action, as the API document writes it (searched like a JSON Schema
# `pattern`, so the server and the document accept exactly the same)
ACTION_ID_PATTERN = "^[A-Za-z0-9_-]{8,64}$"
HASH_PATTERN = "^[0-9a-f]{64}$"
TEXT_LIMITS = {"device_id": 64, "name": 200, "email": 254, "organization": 200}
CHANNEL = "offline"
# how long after the event's end a device may keep its door list
KEEP_AFTER_END = timedelta(hours=12)


def normalize_code(scanned: str) -> str:
    """What a scanned or typed code is hashed as: the short code printed under the QR without
    its spaces and dashes, else the code itself (also the last part of a ticket URL), without
    surrounding spaces; in capitals."""
    short = short_code_from_typing(scanned)
    if short is not None:
        return short
    return ticket_code_from_scan(scanned).upper()


def door_key(event: Event | int) -> bytes:
    """The event's key for hashing codes: derived from the app's secret key and the event id,
    so it is never stored and differs per event."""
    event_id = event if isinstance(event, int) else event.id
    secret = current_app.secret_key
    secret_bytes = secret.encode() if isinstance(secret, str) else bytes(secret or b"")
    return hmac.new(secret_bytes, f"coopnet.door-list:{event_id}".encode(),
                    hashlib.sha256).digest()


def code_hash(key: bytes, scanned: str) -> str:
    """HMAC-SHA256 (hex) of the normalised code: what the door list holds instead of it."""
    return hmac.new(key, normalize_code(scanned).encode(), hashlib.sha256).hexdigest()


def door_codes(registration: Registration) -> list[str]:
    """The codes whose hashes go into a device's door list: the QR's code only.

    The short code printed under the QR is left out on purpose: the event key travels with
    the list, and with it eight symbols (about 8.5e11 codes) can be found from their hashes by
    trying them all, while 43-symbol codes cannot. A short code typed offline is sent as its
    hash and recognised by the server at sync (`accepted_codes`)."""
    return [registration.ticket_code]


def accepted_codes(registration: Registration) -> list[str]:
    """Every code the door accepts for this registration: the QR's code and the short one."""
    return [code for code in (registration.ticket_code, registration.short_code) if code]


def door_list_entry(registration: Registration, key: bytes) -> dict[str, Any]:
    """One row of a device's door list: what search shows, the state, and hashed codes only."""
    return {"id": registration.id, "name": registration.person.full_name,
            "organization": registration.organization_label,
            "status": registration.status,
            "checked_in_at": registration.checked_in_at,
            "checked_in_by": registration.checked_in_by.display_name
            if registration.checked_in_by is not None else None,
            "code_hashes": [code_hash(key, code) for code in door_codes(registration)]}


def door_list_document(event: Event, *, after: int = 0, limit: int = 200) -> dict[str, Any]:
    """A page of the door list as sent to devices, with the event's key and how long a
    device may keep it (until the event's end plus KEEP_AFTER_END)."""
    key = door_key(event)
    rows = door_list_page(event, after=after, limit=limit)
    items = [door_list_entry(registration, key) for registration in rows]
    for item in items:
        item["checked_in_at"] = rfc3339(item["checked_in_at"])
    counts = event_counts(event)
    return {"event": {"id": event.id, "title": event.title,
                      "starts_at": rfc3339(event.starts_at), "ends_at": rfc3339(event.ends_at)},
            "keep_until": rfc3339(event.ends_at + KEEP_AFTER_END),
            "hash": {"algorithm": HASH_ALGORITHM, "key": key.hex(),
                     "input": "the code (or the last part of a ticket URL), trimmed, in "
                              "capitals, UTF-8"},
            "registrations": items,
            "next_after": rows[-1].id if len(rows) == max(1, min(limit, DOOR_PAGE_MAX)) else None,
            "counts": counts.as_dict() if counts else None}


def outcomes_document(event: Event, outcomes: list[ActionOutcome]) -> dict[str, Any]:
    """The answer to a batch: each action's outcome, in the order sent, and the counters."""
    counts = event_counts(event)
    results = []
    for outcome in outcomes:
        result: dict[str, Any] = {"id": outcome.action_id, "outcome": outcome.outcome,
                                  "message": outcome.message, "repeated": outcome.repeated,
                                  "registration_id": outcome.registration_id,
                                  "checked_in_at": rfc3339(outcome.checked_in_at)}
        if outcome.fields:
            result["fields"] = outcome.fields
        results.append(result)
    return {"results": results, "counts": counts.as_dict() if counts else None}


# -- the batch ----------------------------------------------------------------------------

@dataclass
class ActionOutcome:
    """What became of one action: a stable `outcome` code for the device, and a message."""

    action_id: str
    outcome: str
    message: str = ""
    registration_id: int | None = None
    checked_in_at: datetime | None = None
    repeated: bool = False
    fields: dict[str, str] = field(default_factory=dict)


class _Refused(Exception):
    def __init__(self, outcome: str, message: str, fields: dict[str, str] | None = None,
                 registration: Registration | None = None) -> None:
        super().__init__(outcome)
        self.outcome, self.message = outcome, message
        self.fields = fields or {}
        self.registration = registration


def _text(raw: dict[str, Any], key: str) -> str:
    return clean_text(raw.get(key) or "")


def check_actions(actions: object) -> list[dict[str, Any]]:
    """The batch as sent, if its shape is right: a list of at most MAX_ACTIONS objects, each
    with an id, a known type and an RFC 3339 device time, and fields of the right types.
    Raises `invalid` naming each wrong field (`actions.3.type`); what the fields *say* (an
    unknown ticket, a missing name) is each action's own outcome instead."""
    if not isinstance(actions, list) or len(actions) > MAX_ACTIONS:
        raise Invalid({"actions": _("Send a list of at most %(count)s actions.",
                                    count=MAX_ACTIONS)})
    fields: dict[str, str] = {}
    for position, raw in enumerate(actions):
        where = f"actions.{position}"
        if not isinstance(raw, dict):
            fields[where] = _("Send each action as an object.")
            continue
        action_id = raw.get("id")
        if not isinstance(action_id, str) or not re.search(ACTION_ID_PATTERN, action_id):
            fields[f"{where}.id"] = _("Give each action its own id (8 to 64 letters, digits, "
                                      "- or _).")
        ref = raw.get("walk_in_action_id")
        if ref is not None and (not isinstance(ref, str) or not re.search(ACTION_ID_PATTERN, ref)):
            fields[f"{where}.walk_in_action_id"] = _("Send the id of the walk-in's action.")
        if raw.get("type") not in DOOR_ACTION_TYPES:
            fields[f"{where}.type"] = _("Choose check_in, undo or walk_in.")
        moment = parse_datetime(raw.get("device_time"))
        if moment is None:
            fields[f"{where}.device_time"] = _("Send the time as RFC 3339 with an offset.")
        elif not year_in_range(moment):
            fields[f"{where}.device_time"] = year_range_message()
        registration_id = json_int(raw.get("registration_id"))
        if "registration_id" in raw and registration_id is not None and (
                isinstance(registration_id, bool) or not is_row_id(registration_id)):
            fields[f"{where}.registration_id"] = _("Send a registration id.")
        digest = raw.get("ticket_hash")
        if digest is not None and (not isinstance(digest, str)
                                   or not re.search(HASH_PATTERN, digest)):
            fields[f"{where}.ticket_hash"] = _("Send the code's hash (64 hexadecimal digits).")
        for key, limit in TEXT_LIMITS.items():
            value = raw.get(key)
            if value is not None and (not isinstance(value, str) or len(value) > limit):
                fields[f"{where}.{key}"] = _("Use at most %(max)s characters.", max=limit)
    if fields:
        raise Invalid(fields)
    return actions


class _HashIndex:
    """The event's registrations by code hash, built once per batch when a hash is sent."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self._by_hash: dict[str, int] | None = None

    def find(self, digest: str) -> int | None:
        if self._by_hash is None:
            key = door_key(self.event)
            registrations = db.session.execute(
                sa.select(Registration)
                .where(Registration.event_id == self.event.id)
                # active registrations last: a code of a cancelled and rebooked person finds
                # the active one
                .order_by(sa.case((Registration.status == "cancelled", 0), else_=1),
                          Registration.id)
            ).scalars()
            self._by_hash = {}
            for registration in registrations:
                for code in accepted_codes(registration):
                    self._by_hash[code_hash(key, code)] = registration.id
        return self._by_hash.get(digest)


def _locked_registration(registration_id: int) -> Registration:
    registration = db.session.execute(
        sa.select(Registration).where(Registration.id == registration_id).with_for_update()
        # what another device's batch committed while this one waited for the lock
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    assert registration is not None
    return registration


def _target(event: Event, raw: dict[str, Any], index: _HashIndex) -> Registration:
    """The registration an action is about: by id, by code hash, or the walk-in an earlier
    action of the batch (or an earlier batch) added."""
    registration_id = json_int(raw.get("registration_id"))
    digest = raw.get("ticket_hash")
    ref = raw.get("walk_in_action_id")
    if registration_id is not None:
        found: int | None = int(registration_id)  # type: ignore[call-overload]
    elif digest is not None:
        found = index.find(digest)
    elif ref is not None:
        found = db.session.execute(
            sa.select(DoorAction.registration_id).where(DoorAction.action_id == ref,
                                                        DoorAction.event_id == event.id)
        ).scalar_one_or_none()
    else:
        raise _Refused("invalid", _("Some fields are not filled in correctly."),
                       {"registration_id": _("Send the registration or the code's hash.")})
    registration = db.session.get(Registration, found) if found is not None else None
    if registration is None:
        raise _Refused("unknown_ticket", _("Unknown ticket: this code is not ours."))
    if registration.event_id != event.id:
        raise _Refused("wrong_event", _("This ticket is for another event: %(title)s.",
                                        title=registration.event.title))
    return _locked_registration(registration.id)


def _attendance_start(history: list[CheckInEvent]) -> CheckInEvent | None:
    """Replay the history in the order things were done: the check-in that started the
    current attendance, or None when the last word was an undo."""
    start = None
    for item in sorted(history, key=lambda e: (e.at, e.id or 0)):
        if item.action == "check_in" and start is None:
            start = item
        elif item.action == "undo":
            start = None
    return start


def _history(registration: Registration) -> list[CheckInEvent]:
    history = list(db.session.execute(
        sa.select(CheckInEvent).where(CheckInEvent.registration_id == registration.id)
    ).scalars())
    start = _attendance_start(history)
    if registration.checked_in_at is not None and start is None:
        # attendance recorded without history (older data): it counts from its own time
        history.append(CheckInEvent(registration_id=registration.id, action="check_in",
                                    at=registration.checked_in_at,
                                    by_id=registration.checked_in_by_id, channel="door"))
    return history


def _record(registration: Registration, action: str, at: datetime, actor: User | None,
            now: datetime) -> str:
    """Put one check-in or undo into the history at the time it was done, replay, and bring
    the registration to what the replay gives. Returns the action's outcome code."""
    if registration.status != "confirmed":
        if registration.status == "cancelled":
            raise _Refused("cancelled", _("The registration of %(name)s was cancelled.",
                                          name=registration.person.full_name), registration=registration)
        raise _Refused("not_confirmed", _("%(name)s is on the waiting list, not confirmed.",
                                          name=registration.person.full_name),
                       registration=registration)
    history = _history(registration)
    before = _attendance_start(history)
    item = CheckInEvent(registration_id=registration.id, action=action, at=at,
                        by_id=actor.id if actor else None, channel=CHANNEL)
    db.session.add(item)
    db.session.flush()
    history.append(item)
    after = _attendance_start(history)
    if after is None:
        registration.checked_in_at = None
        registration.checked_in_by_id = None
    elif after is not before or registration.checked_in_at is None:
        registration.checked_in_at = after.at
        registration.checked_in_by_id = after.by_id
    db.session.flush()
    record_audit("registration.checked_in" if action == "check_in"
                 else "registration.check_in_undone", object_type="registration",
                 object_id=registration.id, actor=actor, now=now,
                 details={"event_id": registration.event_id, "channel": CHANNEL,
                          "device_time": at.isoformat()})
    if action == "check_in":
        if after is item:
            return "checked_in"
        return "already_checked_in" if after is not None else "undone_later"
    # an undo counts when it ended an attendance that was running at its time
    ordered = sorted(history, key=lambda e: (e.at, e.id or 0))
    running = None
    for entry in ordered:
        if entry is item:
            return "undone" if running is not None else "not_checked_in"
        if entry.action == "check_in" and running is None:
            running = entry
        elif entry.action == "undo":
            running = None
    return "not_checked_in"  # pragma: no cover - the item is always in the history


MESSAGES = {
    "checked_in": lambda name: _("Checked in: %(name)s", name=name),
    "already_checked_in": lambda name: _("%(name)s was already checked in.", name=name),
    "undone_later": lambda name: _("%(name)s: the check-in was undone later on another "
                                   "device.", name=name),
    "undone": lambda name: _("Check-in undone: %(name)s", name=name),
    "not_checked_in": lambda name: _("%(name)s is not checked in.", name=name),
}


def _apply(event: Event, raw: dict[str, Any], kind: str, at: datetime, index: _HashIndex,
           *, actor: User | None, now: datetime) -> tuple[str, str, Registration]:
    if kind == "walk_in":
        name = _text(raw, "name")
        email = _text(raw, "email")
        organization = _text(raw, "organization")
        if not name:
            raise _Refused("invalid", _("Some fields are not filled in correctly."),
                           {"name": _("Enter a name.")})
        if email and normalize_email(email) is None:
            raise _Refused("invalid", _("Some fields are not filled in correctly."),
                           {"email": _("Enter a valid e-mail address.")})
        # the walk-in's own rules (waiting person let in, a known e-mail's registration),
        # at the moment it was done; the history then holds it at the device time
        result = add_walk_in(event, name=name, email=email or None,
                             organization_name=organization, actor=actor, now=at,
                             channel=CHANNEL)
        registration = result.registration
        return result.status, result.message, registration
    registration = _target(event, raw, index)
    outcome = _record(registration, kind, at, actor, now)
    return outcome, MESSAGES[outcome](registration.person.full_name), registration


def _stored(action: DoorAction) -> ActionOutcome:
    registration = db.session.get(Registration, action.registration_id) \
        if action.registration_id else None
    message = MESSAGES[action.outcome](registration.person.full_name) \
        if registration is not None and action.outcome in MESSAGES else ""
    return ActionOutcome(action.action_id, action.outcome, message,
                         registration_id=action.registration_id,
                         checked_in_at=registration.checked_in_at if registration else None,
                         repeated=True)


def apply_door_actions(
    event: Event,
    actions: Any,
    *,
    actor: User | None,
    now: datetime | None = None,
) -> list[ActionOutcome]:
    """Apply a device's actions in the order sent, each at most once (by its client id).

    Each action is `{id, type: check_in|undo|walk_in, device_time, device_id?}` with, for a
    check-in or undo, `registration_id` or `ticket_hash` (or `walk_in_action_id`: the
    walk-in an earlier action added), for a walk-in `name`, `email?`, `organization?`.
    One action's refusal (`unknown_ticket`, `wrong_event`, `cancelled`, `not_confirmed`,
    `invalid`) does not stop the others: each gets its outcome. A device time in the future
    counts as now. Raises `invalid` for a batch of the wrong shape (see `check_actions`).
    """
    now = now or utcnow()
    actions = check_actions(actions)
    # SQLite: the write lock first, so each batch waits its turn instead of failing, and the
    # savepoints below stay inside one transaction (one outermost SAVEPOINT would commit)
    _begin_write()
    index = _HashIndex(event)
    outcomes: list[ActionOutcome] = []
    for raw in actions:
        action_id = raw["id"]
        done = db.session.execute(
            sa.select(DoorAction).where(DoorAction.action_id == action_id)
        ).scalar_one_or_none()
        if done is not None:
            outcomes.append(_stored(done))
            continue
        kind = raw["type"]
        device_time = parse_datetime(raw["device_time"])
        device_id = _text(raw, "device_id")
        fields: dict[str, str] = {}
        assert device_time is not None and isinstance(kind, str)
        at = min(device_time, now)
        record = DoorAction(action_id=action_id, event_id=event.id, type=kind,
                            device_id=device_id[:64], device_time=at, received_at=now,
                            by_id=actor.id if actor else None, outcome="pending")
        try:
            # claim the id first: a second request with the same action waits here (the
            # unique constraint) and then answers what the first one did
            with db.session.begin_nested():
                db.session.add(record)
                db.session.flush()
        except IntegrityError:
            done = db.session.execute(
                sa.select(DoorAction).where(DoorAction.action_id == action_id)
            ).scalar_one()
            outcomes.append(_stored(done))
            continue
        registration: Registration | None = None
        try:
            with db.session.begin_nested():
                outcome, message, registration = _apply(event, raw, kind, at, index,
                                                        actor=actor, now=now)
        except _Refused as refused:
            outcome, message, fields = refused.outcome, refused.message, refused.fields
            registration = refused.registration
        except DomainError as error:
            outcome, message, fields = error.code, error.message, error.fields or {}
        record.outcome = outcome
        record.registration_id = registration.id if registration is not None else None
        db.session.flush()
        outcomes.append(ActionOutcome(
            action_id, outcome, message,
            registration_id=record.registration_id,
            checked_in_at=registration.checked_in_at if registration is not None else None,
            fields=fields))
    return outcomes
