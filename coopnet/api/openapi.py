"""The API described as OpenAPI 3.1, written by hand; a test keeps it equal to the routes."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify

from coopnet.api import bp
from coopnet.auth.access import PUBLIC, access

BEARER = [{"bearer": []}]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    texts = {400: "Bad request", 401: "No token (`unauthorized`) or a bad one (`invalid_token`)",
             403: "Wrong role",
             404: "`not_found` (or `unknown_ticket`)", 409: "Refused by a business rule; "
             "`error.code` says which", 422: "`invalid`: `error.fields` names each bad field",
             429: "`rate_limited`"}
    return {str(s): _json(_ref("Error"), texts[s]) for s in statuses}


def _op(summary: str, responses: dict[str, Any], *, staff: bool = False,
        body: dict[str, Any] | None = None, parameters: list[dict[str, Any]] | None = None
        ) -> dict[str, Any]:
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
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


def _query(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "string"}}


TIME = {"type": "string", "format": "date-time",
        "description": "ISO 8601 with the Brussels offset, e.g. 2022-02-10T19:00:00+01:00"}
NULLABLE_TIME = {**TIME, "type": ["string", "null"]}

SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string", "examples": ["event_full", "invalid", "not_found"]},
            "message": {"type": "string", "description": "Dutch text for people"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}},
    "Event": {"type": "object", "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"},
        "description": {"type": "string"},
        "kind": {"type": "string", "examples": ["webinar", "coopborrel"]},
        "starts_at": TIME, "ends_at": TIME,
        "city": {"type": "string"}, "location": {"type": "string"},
        "address": {"type": "string"}, "online_url": {"type": "string"},
        "capacity": {"type": ["integer", "null"], "description": "null: unlimited"},
        "seats_left": {"type": ["integer", "null"], "description": "null: unlimited"},
        "waitlist_enabled": {"type": "boolean"},
        "visibility": {"enum": ["public", "members", "internal"]},
        "status": {"enum": ["draft", "published", "cancelled"]},
        "registration_opens_at": NULLABLE_TIME, "registration_closes_at": NULLABLE_TIME,
        "action_ids": {"type": "array", "items": {"type": "integer"},
                       "description": "plan actions the event serves"},
        "url": {"type": "string", "format": "uri"},
        "ics_url": {"type": "string", "format": "uri"}}},
    "EventWrite": {"type": "object", "additionalProperties": False, "properties": {
        "title": {"type": "string", "maxLength": 200}, "description": {"type": "string"},
        "kind": {"type": "string", "description": "an event kind slug"},
        "starts_at": TIME, "ends_at": TIME,
        "city": {"type": "string"}, "location": {"type": "string"},
        "address": {"type": "string"},
        "online_url": {"type": "string", "description": "http(s) address or empty"},
        "capacity": {"type": ["integer", "null"], "minimum": 0},
        "waitlist_enabled": {"type": "boolean"},
        "visibility": {"enum": ["public", "members", "internal"]},
        "status": {"enum": ["draft", "published", "cancelled"]},
        "registration_opens_at": NULLABLE_TIME, "registration_closes_at": NULLABLE_TIME,
        "series": {"type": ["integer", "null"], "description": "an event series id"}}},
    "RegistrationRequest": {"type": "object", "required": ["name", "email", "consent"],
                            "properties": {
        "name": {"type": "string"}, "email": {"type": "string", "format": "email"},
        "organization": {"type": ["string", "integer"], "description":
                         "a member co-op's id, or a name (a current member's exact name links "
                         "to that co-op)"},
        "consent": {"const": True, "description": "agreement to the privacy notice"}}},
    "RegistrationCreated": {"type": "object", "properties": {
        "id": {"type": "integer"}, "status": {"enum": ["confirmed", "waitlisted"]},
        "ticket_code": {"type": ["string", "null"],
                        "description": "null when the address was already registered: the "
                                       "link is e-mailed to it instead"},
        "waitlist_position": {"type": ["integer", "null"]},
        "manage_url": {"type": ["string", "null"], "format": "uri"},
        "link_resent": {"type": "boolean", "description": "only on 200"}}},
    "Ticket": {"type": "object", "properties": {
        "id": {"type": "integer"}, "event_id": {"type": "integer"},
        "status": {"enum": ["confirmed", "waitlisted", "cancelled"]},
        "ticket_code": {"type": "string"}, "waitlist_position": {"type": ["integer", "null"]},
        "manage_url": {"type": "string", "format": "uri"}, "name": {"type": "string"},
        "organization": {"type": "string"}, "registered_at": TIME,
        "checked_in_at": NULLABLE_TIME}},
    "StaffRegistration": {"type": "object", "properties": {
        "id": {"type": "integer"}, "status": {"enum": ["confirmed", "waitlisted", "cancelled"]},
        "source": {"enum": ["online", "staff", "walkin", "import", "api"]},
        "name": {"type": "string"}, "email": {"type": ["string", "null"]},
        "organization": {"type": "string"}, "organization_id": {"type": ["integer", "null"]},
        "waitlist_position": {"type": ["integer", "null"]}, "registered_at": TIME,
        "checked_in_at": NULLABLE_TIME, "checked_in": {"type": "boolean"},
        "ticket_code": {"type": "string"}}},
    "CheckInRegistration": {"type": "object", "properties": {
        "id": {"type": "integer"}, "event_id": {"type": "integer"}, "name": {"type": "string"},
        "organization": {"type": "string"}, "status": {"type": "string"},
        "source": {"type": "string"}, "ticket_code": {"type": "string"},
        "checked_in_at": NULLABLE_TIME}},
}

EVENT_ID = _path_param("event_id")
TICKET_CODE = _path_param("ticket_code", "string")

PATHS: dict[str, Any] = {
    "/api/v1/": {"get": _op("Version and the caller's role", {
        "200": _json({"type": "object", "properties": {
            "api": {"const": "coopnet"}, "version": {"const": 1},
            "role": {"type": ["string", "null"]}}}, "About the API")})},
    "/api/v1/openapi.json": {"get": _op("This description", {
        "200": {"description": "OpenAPI 3.1 document"}})},
    "/api/v1/events": {"post": _op(
        "Create an event (defaults: visibility public, status published, waiting list on)",
        {"201": _json(_ref("Event"), "The new event"), **_errors(401, 403, 422)},
        staff=True, body={**_ref("EventWrite"),
                          "required": ["title", "kind", "starts_at", "ends_at"]}),
        "get": _op(
        "List events by start. Public: published public and members-only events; "
        "a staff token: all events.",
        {"200": _json({"type": "object", "properties": {
            "events": {"type": "array", "items": _ref("Event")}}}, "Events"),
         **_errors(401, 422)},
        parameters=[_query("from", "start on or after: a date (YYYY-MM-DD, Brussels) or "
                                   "an ISO datetime with offset"),
                    _query("to", "start on or before: a date (the whole day) or an ISO datetime"),
                    _query("kind", "an event kind slug, e.g. webinar")])},
    "/api/v1/events/{event_id}": {
        "get": _op("One event (public events for anyone; staff: any)",
                   {"200": _json(_ref("Event"), "The event"), **_errors(404)},
                   parameters=[EVENT_ID]),
        "patch": _op(
            "Change any writable field. Raising the capacity promotes people waiting; "
            "`status: cancelled` cancels the event and e-mails everyone registered.",
            {"200": _json(_ref("Event"), "The changed event"),
             **_errors(401, 403, 404, 409, 422)},
            staff=True, body=_ref("EventWrite"), parameters=[EVENT_ID])},
    "/api/v1/events/{event_id}/registrations": {
        "post": _op(
            "Register (public, rate-limited). 201 new; 200 when the address was already "
            "registered (its link is e-mailed again).",
            {"201": _json(_ref("RegistrationCreated"), "Registered or on the waiting list"),
             "200": _json(_ref("RegistrationCreated"), "Already registered"),
             **_errors(404, 409, 422, 429)},
            body=_ref("RegistrationRequest"), parameters=[EVENT_ID]),
        "get": _op(
            "All registrations of an event: confirmed, waiting in order, cancelled; check-in",
            {"200": _json({"type": "object", "properties": {
                "event_id": {"type": "integer"},
                "registrations": {"type": "array", "items": _ref("StaffRegistration")}}},
                "Registrations"), **_errors(401, 403, 404)},
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
        {"201": _json({"type": "object", "properties": {
            "status": {"const": "checked_in"}, "checked_in_at": TIME,
            "registration": _ref("CheckInRegistration")}}, "Checked in"),
         "200": _json({"type": "object", "properties": {
             "status": {"const": "already_checked_in"}, "checked_in_at": TIME,
             "checked_in_by": {"type": ["string", "null"]}}}, "Already checked in"),
         **_errors(401, 403, 404, 409, 422)},
        staff=True, parameters=[EVENT_ID],
        body={"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}})},
    "/api/v1/events/{event_id}/checkins/{code}": {"delete": _op(
        "Undo a check-in (the history keeps it)",
        {"200": _json({"type": "object", "properties": {
            "status": {"const": "undone"}, "registration": _ref("CheckInRegistration")}},
            "Undone"), **_errors(401, 403, 404, 409)},
        staff=True, parameters=[EVENT_ID, _path_param("code", "string")])},
    "/api/v1/events/{event_id}/walkins": {"post": _op(
        "Add a walk-in and check them in",
        {"201": _json({"type": "object"}, "Added and checked in"),
         **_errors(401, 403, 404, 409, 422)},
        staff=True, parameters=[EVENT_ID],
        body={"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"}, "email": {"type": "string"},
            "organization": {"type": "string"}}})},
    "/api/v1/events/{event_id}/counts": {"get": _op(
        "Door counters",
        {"200": _json({"type": "object", "properties": {
            "registered": {"type": "integer"}, "checked_in": {"type": "integer"},
            "waitlisted": {"type": "integer"}, "capacity": {"type": ["integer", "null"]}}},
            "Counters"), **_errors(401, 403, 404)},
        staff=True, parameters=[EVENT_ID])},
}


def openapi_document(base_url: str) -> dict[str, Any]:
    """The whole OpenAPI document."""
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
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "`flask --app coopnet token create EMAIL` prints a token"}},
        },
    }


@bp.get("/openapi.json")
@access(PUBLIC)
def openapi():  # type: ignore[no-untyped-def]
    """The OpenAPI description of this API."""
    return jsonify(openapi_document(current_app.config["COOPNET_BASE_URL"]))
