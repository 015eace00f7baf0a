"""The API described as OpenAPI 3.1, written by hand; a test keeps it equal to the routes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, jsonify

from coopnet.api import bp
from coopnet.api.events import EVENTS_PER_PAGE, MAX_EVENTS_PER_PAGE, TEXT_MAX
from coopnet.auth.access import PUBLIC, access
from coopnet.events.models import STATUSES, VISIBILITIES, EventKind
from coopnet.events.services import MAX_CAPACITY
from coopnet.extensions import db
from coopnet.registrations.checkin_queries import DOOR_PAGE_MAX
from coopnet.registrations.door_sync import (
    ACTION_ID_PATTERN,
    HASH_ALGORITHM,
    HASH_PATTERN,
    MAX_ACTIONS,
    TEXT_LIMITS,
)
from coopnet.registrations.models import (
    DOOR_ACTION_TYPES,
    REGISTRATION_SOURCES,
    REGISTRATION_STATUSES,
)
from coopnet.registrations.services import NAME_MAX
from coopnet.validators import (
    MAX_ID,
    MAX_YEAR,
    MIN_YEAR,
    VISIBLE_PATTERN,
    WEB_URL_PATTERN,
    YEAR_PATTERN,
)

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]

ERROR_TEXTS = {
    400: "Bad request",
    401: "No token (`unauthorized`, staff operations) or a bad one (`invalid_token`, every "
         "operation): `WWW-Authenticate` names the Bearer scheme",
    403: "Wrong role",
    404: "`not_found` (or `unknown_ticket`)",
    409: "Refused by a business rule; `error.code` says which",
    413: "`too_large`: the body is larger than the server accepts",
    422: "`invalid`: `error.fields` names each bad field",
    429: "`rate_limited`: `Retry-After` says when to try again",
    503: "`busy`: try again in a moment",
}
HEADERS = {
    401: {"WWW-Authenticate": {"required": True, "description": "`Bearer` or "
                               "`Bearer error=\"invalid_token\"`", "schema": {"type": "string"}}},
    429: {"Retry-After": {"required": True, "description": "seconds to wait",
                          "schema": {"type": "string"}}},
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    responses = {}
    for status in statuses:
        response = _json(_ref("Error"), ERROR_TEXTS[status])
        if status in HEADERS:
            response["headers"] = HEADERS[status]
        responses[str(status)] = response
    return responses


def _op(summary: str, responses: dict[str, Any], *, staff: bool = False,
        body: dict[str, Any] | None = None, parameters: list[dict[str, Any]] | None = None
        ) -> dict[str, Any]:
    """One operation. Every operation may answer 401: a Bearer token that is not live is
    refused on every path, public ones included; one with a body may answer 413 and 422."""
    responses = {**responses, **_errors(401)}
    if body is not None:
        responses = {**responses, **_errors(413, 422)}
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if staff:
        operation["security"] = BEARER
    if body is not None:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": body}}}
    if parameters:
        operation["parameters"] = parameters
    return operation


def _path_param(name: str, kind: str = "integer") -> dict[str, Any]:
    schema: dict[str, Any] = ID if kind == "integer" else {"type": kind, "minLength": 1}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _query(name: str, description: str, schema: dict[str, Any] | None = None
           ) -> dict[str, Any]:
    """An optional query parameter; empty (`?at=`) is the same as absent."""
    schema = {"anyOf": [schema, {"const": ""}]} if schema else {"type": "string"}
    return {"name": name, "in": "query", "required": False,
            "description": description + " (empty: as if absent)", "schema": schema}


# a row id: what the URLs and bodies accept (a larger number is a 404, not an overflow)
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
# dates and times the server accepts: RFC 3339, years 2000 to 2100 (as written)
TIME = {"type": "string", "format": "date-time", "pattern": YEAR_PATTERN,
        "description": "RFC 3339 with an offset, e.g. 2022-02-10T19:00:00+01:00; "
                       f"years {MIN_YEAR} to {MAX_YEAR}. Answers give Brussels time."}
NULLABLE_TIME = {**TIME, "type": ["string", "null"]}
DAY = {"type": "string", "format": "date", "pattern": YEAR_PATTERN,
       "description": f"YYYY-MM-DD, years {MIN_YEAR} to {MAX_YEAR}"}
# text that must say something: at least one character that is neither white space nor a
# control character (the server trims those away)
VISIBLE = {"type": "string", "pattern": VISIBLE_PATTERN}
EMAIL = {"type": "string", "format": "email", "maxLength": 254}


def _text(limit: int, *, required: bool = False) -> dict[str, Any]:
    """A text field the server refuses above `limit` characters (as sent, before trimming)."""
    return {**(VISIBLE if required else {"type": "string"}), "maxLength": limit}


SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string", "examples": ["waitlist_closed", "invalid", "not_found"]},
            "message": {"type": "string", "description": "Dutch text for people"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}},
    "Event": {"type": "object", "required": [
        "id", "title", "kind", "starts_at", "ends_at", "status", "visibility"], "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"},
        "description": {"type": "string"},
        "kind": {"type": "string", "examples": ["webinar", "coopborrel"]},
        "starts_at": TIME, "ends_at": TIME,
        "city": {"type": "string"}, "location": {"type": "string"},
        "address": {"type": "string"}, "online_url": {"type": "string", "description": "the "
                   "join link: staff only, empty for everyone else"},
        "capacity": {"type": ["integer", "null"], "description": "null: unlimited"},
        "seats_left": {"type": ["integer", "null"], "description": "null: unlimited"},
        "waitlist_enabled": {"type": "boolean"},
        "visibility": {"enum": list(VISIBILITIES)},
        "status": {"enum": list(STATUSES)},
        "registration_opens_at": NULLABLE_TIME, "registration_closes_at": NULLABLE_TIME,
        "action_ids": {"type": "array", "items": {"type": "integer"},
                       "description": "plan actions the event serves"},
        "url": {"type": "string", "format": "uri"},
        "ics_url": {"type": "string", "format": "uri"}}},
    "EventWrite": {"type": "object", "additionalProperties": False, "description":
                   "Also refused with 422: an end before the start, registration closing "
                   "before it opens, an unknown series or plan action.", "properties": {
        "title": _text(TEXT_MAX["title"], required=True),
        "description": {"type": ["string", "null"], "maxLength": TEXT_MAX["description"]},
        "kind": {"type": "string", "description": "an event kind slug"},
        "starts_at": TIME, "ends_at": TIME,
        "city": {"type": ["string", "null"], "maxLength": TEXT_MAX["city"]},
        "location": {"type": ["string", "null"], "maxLength": TEXT_MAX["location"]},
        "address": {"type": ["string", "null"], "maxLength": TEXT_MAX["address"]},
        "online_url": {"type": ["string", "null"], "maxLength": TEXT_MAX["online_url"],
                       "anyOf": [{"type": "null"}, {"maxLength": 0},
                                 {"pattern": WEB_URL_PATTERN}],
                       "description": "http(s) address or empty"},
        "capacity": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_CAPACITY},
        "waitlist_enabled": {"type": "boolean"},
        "visibility": {"enum": list(VISIBILITIES)},
        "status": {"enum": list(STATUSES)},
        "registration_opens_at": NULLABLE_TIME, "registration_closes_at": NULLABLE_TIME,
        "series": {**ID, "type": ["integer", "null"], "description": "an event series id"},
        "action_ids": {"type": ["array", "null"], "items": ID,
                       "description": "the plan actions the event serves (replaces them)"}}},
    "RegistrationRequest": {"type": "object", "required": ["name", "email", "consent"],
                            "properties": {
        "name": _text(NAME_MAX, required=True), "email": EMAIL,
        "organization": {"anyOf": [{"type": "string", "maxLength": 200}, ID, {"type": "null"}],
                         "description": "a member co-op's id, or a name (a current member's "
                         "exact name links to that co-op); an id that is no current member's "
                         "is refused with 422"},
        "consent": {"const": True, "description": "agreement to the privacy notice"}}},
    "RegistrationCreated": {"type": "object", "required": ["id", "status"], "properties": {
        "id": {"type": "integer"}, "status": {"enum": ["confirmed", "waitlisted"]},
        "ticket_code": {"type": ["string", "null"],
                        "description": "null when the address was already registered: the "
                                       "link is e-mailed to it instead"},
        "waitlist_position": {"type": ["integer", "null"]},
        "manage_url": {"type": ["string", "null"], "format": "uri"},
        "link_resent": {"type": "boolean", "description": "only on 200"},
        "message": {"type": "string", "description": "only on 200"}}},
    "Ticket": {"type": "object", "required": ["id", "event_id", "status", "ticket_code"],
               "properties": {
        "id": {"type": "integer"}, "event_id": {"type": "integer"},
        "status": {"enum": list(REGISTRATION_STATUSES)},
        "ticket_code": {"type": "string"}, "waitlist_position": {"type": ["integer", "null"]},
        "short_code": {"type": "string", "description": "printed under the QR code"},
        "join_url": {"type": ["string", "null"], "description": "an online event's join link, "
                     "while the registration is confirmed"},
        "manage_url": {"type": "string", "format": "uri"}, "name": {"type": "string"},
        "organization": {"type": "string"}, "registered_at": TIME,
        "checked_in_at": NULLABLE_TIME}},
    "StaffRegistration": {"type": "object", "required": ["id", "status", "source"],
                          "properties": {
        "id": {"type": "integer"}, "status": {"enum": list(REGISTRATION_STATUSES)},
        "source": {"enum": list(REGISTRATION_SOURCES)},
        "name": {"type": "string"}, "email": {"type": ["string", "null"]},
        "organization": {"type": "string"}, "organization_id": {"type": ["integer", "null"]},
        "waitlist_position": {"type": ["integer", "null"]}, "registered_at": TIME,
        "checked_in_at": NULLABLE_TIME, "checked_in": {"type": "boolean"},
        "ticket_code": {"type": "string"}}},
    "CheckInRegistration": {"type": "object", "required": ["id", "event_id", "status"],
                            "properties": {
        "id": {"type": "integer"}, "event_id": {"type": "integer"}, "name": {"type": "string"},
        "organization": {"type": "string"}, "status": {"enum": list(REGISTRATION_STATUSES)},
        "source": {"enum": list(REGISTRATION_SOURCES)}, "ticket_code": {"type": "string"},
        "short_code": {"type": "string", "description": "the short code printed under the "
                       "ticket's QR code, e.g. K7QM-3XHP"},
        "checked_in_at": NULLABLE_TIME}},
    "CheckIn": {"type": "object", "required": ["status", "checked_in_at", "registration"],
                "properties": {
        "status": {"enum": ["checked_in", "already_checked_in"]}, "checked_in_at": TIME,
        "checked_in_by": {"type": ["string", "null"], "description": "only when already "
                          "checked in: who did it"},
        "registration": _ref("CheckInRegistration"), "message": {"type": "string"}}},
    "DoorList": {"type": "object", "required": [
        "event", "keep_until", "hash", "registrations", "next_after", "counts"], "properties": {
        "event": {"type": "object", "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"},
            "starts_at": TIME, "ends_at": TIME}},
        "keep_until": {**TIME, "description": "the event's end plus 12 hours: a device "
                       "deletes the list after this"},
        "hash": {"type": "object", "required": ["algorithm", "key"], "properties": {
            "algorithm": {"const": HASH_ALGORITHM},
            "key": {"type": "string", "description": "the event's key, hexadecimal"},
            "input": {"type": "string"}}},
        "registrations": {"type": "array", "items": {
            "type": "object", "required": ["id", "name", "status", "code_hashes"],
            "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"},
                "organization": {"type": "string"},
                "status": {"enum": list(REGISTRATION_STATUSES)},
                "checked_in_at": NULLABLE_TIME,
                "checked_in_by": {"type": ["string", "null"]},
                "code_hashes": {"type": "array", "items": {"type": "string"},
                                "description": "HMAC-SHA256 (hex) of each code the door "
                                               "accepts, never the code"}}}},
        "next_after": {"type": ["integer", "null"],
                       "description": "`after` for the next page; null: this was the last"},
        "counts": _ref("Counts")}},
    "Counts": {"type": "object", "properties": {
        "registered": {"type": "integer"}, "checked_in": {"type": "integer"},
        "waitlisted": {"type": "integer"}, "capacity": {"type": ["integer", "null"]}}},
    "DoorAction": {"type": "object", "required": ["id", "type", "device_time"], "properties": {
        "id": {"type": "string", "pattern": ACTION_ID_PATTERN,
               "description": "the device's own id for the action (a UUID): sent twice, "
                              "applied once"},
        "type": {"enum": list(DOOR_ACTION_TYPES)},
        "device_time": {**TIME, "description": "when it was done on the device (a time in "
                        "the future counts as the moment it arrives)"},
        "device_id": {"type": ["string", "null"], "maxLength": TEXT_LIMITS["device_id"]},
        "registration_id": {**ID, "type": ["integer", "null"],
                            "description": "check_in, undo: the registration"},
        "ticket_hash": {"type": ["string", "null"], "pattern": HASH_PATTERN,
                        "description": "check_in, undo: or the code's hash (see DoorList)"},
        "walk_in_action_id": {"type": ["string", "null"], "pattern": ACTION_ID_PATTERN,
                              "description": "check_in, undo: or the walk-in an earlier "
                                             "action added"},
        "name": {"type": ["string", "null"], "maxLength": TEXT_LIMITS["name"],
                 "description": "walk_in: required"},
        "email": {"type": ["string", "null"], "maxLength": TEXT_LIMITS["email"]},
        "organization": {"type": ["string", "null"],
                         "maxLength": TEXT_LIMITS["organization"]}}},
    "DoorActionOutcome": {"type": "object", "required": ["id", "outcome"], "properties": {
        "id": {"type": "string"},
        "outcome": {"type": "string", "examples": [
            "checked_in", "already_checked_in", "undone", "not_checked_in", "undone_later",
            "cancelled", "not_confirmed", "unknown_ticket", "wrong_event", "invalid"]},
        "message": {"type": "string"}, "repeated": {"type": "boolean"},
        "registration_id": {"type": ["integer", "null"]},
        "checked_in_at": NULLABLE_TIME,
        "fields": {"type": "object", "additionalProperties": {"type": "string"}}}},
}

EVENT_ID = _path_param("event_id")
TICKET_CODE = _path_param("ticket_code", "string")

PATHS: dict[str, Any] = {
    "/api/v1/": {"get": _op("Version and the caller's role", {
        "200": _json({"type": "object", "properties": {
            "api": {"const": "coopnet"}, "version": {"const": 1},
            "role": {"type": ["string", "null"]}}}, "About the API")})},
    "/api/v1/openapi.json": {"get": _op("This description", {
        "200": _json({"type": "object", "required": ["openapi", "paths"]},
                     "OpenAPI 3.1 document")})},
    "/api/v1/events": {"post": _op(
        "Create an event (defaults: visibility public, status published, waiting list on)",
        {"201": _json(_ref("Event"), "The new event"), **_errors(403, 409)},
        staff=True, body={**_ref("EventWrite"),
                          "required": ["title", "kind", "starts_at", "ends_at"]}),
        "get": _op(
        "List events by start. Public: published public and members-only events; "
        "a staff token: all events.",
        {"200": _json({"type": "object", "properties": {
            "events": {"type": "array", "items": _ref("Event"),
                       "description": "one page of the events, by start"},
            "total": {"type": "integer", "description": "events matching, on all pages"},
            "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "pages": {"type": "integer"}}}, "Events"),
         **_errors(422)},
        parameters=[_query("from", "start on or after: a date (YYYY-MM-DD, Brussels) or "
                                   "an RFC 3339 date-time", {"type": "string", "anyOf": [DAY, TIME]}),
                    _query("to", "start on or before: a date (the whole day) or an RFC 3339 "
                                 "date-time", {"type": "string", "anyOf": [DAY, TIME]}),
                    _query("kind", "an event kind slug, e.g. webinar"),
                    _query("page", "page number, from 1",
                           {"type": "integer", "minimum": 1, "maximum": 1_000_000}),
                    _query("per_page", f"events per page, 1 to {MAX_EVENTS_PER_PAGE} (default "
                                       f"{EVENTS_PER_PAGE})",
                           {"type": "integer", "minimum": 1, "maximum": MAX_EVENTS_PER_PAGE})])},
    "/api/v1/events/{event_id}": {
        "get": _op("One event (public events for anyone; staff: any)",
                   {"200": _json(_ref("Event"), "The event"), **_errors(404)},
                   parameters=[EVENT_ID]),
        "patch": _op(
            "Change any writable field. Raising the capacity promotes people waiting; "
            "`status: cancelled` cancels the event and e-mails everyone registered.",
            {"200": _json(_ref("Event"), "The changed event"),
             **_errors(403, 404, 409)},
            staff=True, body=_ref("EventWrite"), parameters=[EVENT_ID])},
    "/api/v1/events/{event_id}/registrations": {
        "post": _op(
            "Register (public, rate-limited). 201 new; 200 when the address was already "
            "registered (its link is e-mailed again).",
            {"201": _json(_ref("RegistrationCreated"), "Registered or on the waiting list"),
             "200": _json(_ref("RegistrationCreated"), "Already registered"),
             **_errors(404, 409, 429, 503)},
            body=_ref("RegistrationRequest"), parameters=[EVENT_ID]),
        "get": _op(
            "All registrations of an event: confirmed, waiting in order, cancelled; check-in",
            {"200": _json({"type": "object", "properties": {
                "event_id": {"type": "integer"},
                "registrations": {"type": "array", "items": _ref("StaffRegistration")}}},
                "Registrations"), **_errors(403, 404)},
            staff=True, parameters=[EVENT_ID])},
    "/api/v1/registrations/{ticket_code}": {"get": _op(
        "The registration behind a ticket code (its holder)",
        {"200": _json(_ref("Ticket"), "The registration"), **_errors(404)},
        parameters=[TICKET_CODE])},
    "/api/v1/registrations/{ticket_code}/cancel": {"post": _op(
        "Cancel; the seat goes to the first person waiting. Cancelling again changes nothing.",
        {"200": _json(_ref("Ticket"), "The cancelled registration"), **_errors(404, 409)},
        parameters=[TICKET_CODE])},
    "/api/v1/events/{event_id}/checkins": {"post": _op(
        "Check in by ticket code `{code}`: 201 the first time, 200 `already_checked_in` after",
        {"201": _json(_ref("CheckIn"), "Checked in"),
         "200": _json(_ref("CheckIn"), "Already checked in"),
         **_errors(403, 404, 409, 503)},
        staff=True, parameters=[EVENT_ID],
        body={"type": "object", "required": ["code"], "properties": {
            "code": {**VISIBLE, "description": "the ticket code, a ticket URL ending in it, or "
                     "the short code printed under the QR code (8 symbols; case, spaces and "
                     "dashes do not matter: k7qm 3xhp = K7QM-3XHP)"}}})},
    "/api/v1/events/{event_id}/checkins/{code}": {"delete": _op(
        "Undo a check-in (the history keeps it)",
        {"200": _json({"type": "object", "required": ["status", "registration"], "properties": {
            "status": {"const": "undone"}, "registration": _ref("CheckInRegistration")}},
            "Undone"), **_errors(403, 404, 409)},
        staff=True, parameters=[EVENT_ID, _path_param("code", "string")])},  # long or short
    "/api/v1/events/{event_id}/walkins": {"post": _op(
        "Add a walk-in and check them in (on their registration if they have one)",
        {"201": _json(_ref("CheckIn"), "Added and checked in"),
         "200": _json(_ref("CheckIn"), "Was already checked in"),
         **_errors(403, 404, 409, 503)},
        staff=True, parameters=[EVENT_ID],
        body={"type": "object", "required": ["name"], "properties": {
            "name": _text(200, required=True),
            "email": {"anyOf": [EMAIL, {"type": "string", "maxLength": 0}, {"type": "null"}]},
            "organization": {"type": ["string", "null"], "maxLength": 200}}})},
    "/api/v1/events/{event_id}/door-list": {"get": _op(
        "A page of the event's door list for devices that work offline: every registration "
        "by id, with its codes only as HMAC-SHA256 hashes under the event's key",
        {"200": _json(_ref("DoorList"), "One page"), **_errors(403, 404, 422)},
        staff=True, parameters=[
            EVENT_ID,
            _query("after", "the last id of the previous page", {
                "type": "integer", "minimum": 0, "maximum": MAX_ID}),
            _query("limit", "registrations per page (200 when absent)", {
                "type": "integer", "minimum": 1, "maximum": DOOR_PAGE_MAX})])},
    "/api/v1/events/{event_id}/door-actions": {"post": _op(
        "Apply the actions a device recorded (offline) in the order sent, each once; "
        "each action's outcome and the counters",
        {"200": _json({"type": "object", "required": ["results", "counts"], "properties": {
            "results": {"type": "array", "items": _ref("DoorActionOutcome")},
            "counts": _ref("Counts")}}, "Outcomes in the order sent"),
         **_errors(403, 404, 503)},
        staff=True, parameters=[EVENT_ID],
        body={"type": "object", "required": ["actions"], "properties": {
            "actions": {"type": "array", "maxItems": MAX_ACTIONS,
                        "items": _ref("DoorAction")}}})},
    "/api/v1/events/{event_id}/counts": {"get": _op(
        "Door counters",
        {"200": _json({"type": "object", "properties": {
            "registered": {"type": "integer"}, "checked_in": {"type": "integer"},
            "waitlisted": {"type": "integer"}, "capacity": {"type": ["integer", "null"]}}},
            "Counters"), **_errors(403, 404)},
        staff=True, parameters=[EVENT_ID])},
}


def openapi_document(base_url: str, kinds: list[str] | None = None) -> dict[str, Any]:
    """The whole OpenAPI document; `kinds` (the event kind slugs) become EventWrite's enum."""
    schemas = SCHEMAS
    if kinds:
        write = SCHEMAS["EventWrite"]
        schemas = {**SCHEMAS, "EventWrite": {**write, "properties": {
            **write["properties"], "kind": {**write["properties"]["kind"], "enum": kinds}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "coopnet API", "version": "1",
                 "description": "Events, registrations and check-in of Coopkracht. Errors are "
                                "`{\"error\": {\"code\", \"message\", \"fields\"?}}`. "
                                "A Bearer token that is unknown, revoked or of a switched-off "
                                "account is answered 401 `invalid_token` with `WWW-Authenticate: "
                                "Bearer error=\"invalid_token\"` on every endpoint, public ones "
                                "included. Other schemes (Basic) are ignored."},
        "servers": [{"url": base_url}],
        "paths": PATHS,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "`flask --app coopnet token create EMAIL` prints a token"}},
        },
    }


@bp.get("/openapi.json")
@access(PUBLIC)
def openapi():
    """The OpenAPI description of this API."""
    kinds = list(db.session.execute(sa.select(EventKind.slug).order_by(EventKind.slug)).scalars())
    return jsonify(openapi_document(current_app.config["COOPNET_BASE_URL"], kinds))
