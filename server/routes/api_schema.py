"""The OpenAPI 3.1 description of the scanning devices' API, served at /api/v1/openapi.json.

Written by hand, next to nothing else: the API is small, and a test checks that every path
described here is a route of the application and answers as described.
"""

from __future__ import annotations

from typing import Any

from server.models.enums import CheckInResult, RegistrationStatus

API_VERSION = "1.0.0"


def _error(description: str, status: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "example": {"status": status, "message": "…"},
            }
        },
    }


def openapi_document() -> dict[str, Any]:
    """The document, built on each call (a fresh dict nobody can change under another)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tremplin check-in API",
            "version": API_VERSION,
            "description": (
                "Check people in at an event's doors from scanning devices. Organisers issue a "
                "device token per event (Manage › event › Scanning devices); the device sends it "
                "as `Authorization: Bearer <token>`. The token's event is the event checked: a "
                "badge of another event answers `wrong_event`. Messages follow "
                "`Accept-Language` (fr, ar, en) or `?lang=`."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"deviceToken": []}],
        "paths": {
            "/checkin": {
                "post": {
                    "operationId": "checkin",
                    "summary": "Check in the person whose badge was scanned",
                    "description": (
                        "Exactly one scan of a badge is `ok`; later and concurrent ones answer "
                        "`already_checked_in` with the first check-in's time and gate. Every "
                        "scan is recorded. A retried request with the same `nonce` returns the "
                        "first answer (`replayed: true`) and records nothing new."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Scan"},
                                "example": {
                                    "code": "T1.1.A.0123456789",
                                    "gate": "A",
                                    "nonce": "3f1c9a2e-7d4b-4c8e-9b1a-2f6d5e4c3b2a",
                                },
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "The scan's result, good or bad.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/CheckInResult"}
                                }
                            },
                        },
                        "401": _error("No token, or a revoked one.", "unauthorized"),
                        "409": _error(
                            "The nonce was already used for another event.", "nonce_conflict"
                        ),
                        "422": {
                            "description": "The body is not a valid scan.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/InvalidRequest"}
                                }
                            },
                        },
                    },
                }
            },
            "/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Find a registration of the device's event, for a lost badge",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": True,
                            "description": (
                                "Part of a name, a phone number or a badge serial; at least "
                                "two characters."
                            ),
                            "schema": {"type": "string", "maxLength": 100},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "At most 20 registrations, by name.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/SearchResults"}
                                }
                            },
                        },
                        "401": _error("No token, or a revoked one.", "unauthorized"),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "deviceToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A device token issued by an organiser for one event.",
                }
            },
            "schemas": {
                "Scan": {
                    "type": "object",
                    "required": ["code"],
                    "additionalProperties": True,
                    "properties": {
                        "code": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": 1000,
                            "description": "The QR code's text, or a badge serial typed by hand.",
                        },
                        "gate": {
                            "type": "string",
                            "maxLength": 40,
                            "default": "",
                            "description": "The door, such as `A` or `Main entrance`.",
                        },
                        "nonce": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": 64,
                            "description": "A fresh random value per scan, the same on retry.",
                        },
                    },
                },
                "Attendee": {
                    "type": "object",
                    "required": ["name", "badge_serial"],
                    "properties": {
                        "name": {"type": "string"},
                        "badge_serial": {"type": "string", "examples": ["K7P-3QX"]},
                    },
                },
                "CheckInResult": {
                    "type": "object",
                    "required": ["status", "message", "attendee", "checked_in_at", "gate"],
                    "properties": {
                        "status": {
                            "type": "string",
                            "enum": [result.value for result in CheckInResult],
                            "description": (
                                "`waitlisted` also stands for a registration awaiting approval."
                            ),
                        },
                        "message": {
                            "type": "string",
                            "description": "What to show the staff, in their language.",
                        },
                        "attendee": {
                            "oneOf": [{"$ref": "#/components/schemas/Attendee"}, {"type": "null"}],
                            "description": "Null when the code named no registration here.",
                        },
                        "checked_in_at": {
                            "type": ["string", "null"],
                            "format": "date-time",
                            "description": "When the person came in (`ok`, `already_checked_in`).",
                        },
                        "gate": {
                            "type": "string",
                            "description": (
                                "Where the person came in (`ok`, `already_checked_in`), "
                                "otherwise the door that scanned."
                            ),
                        },
                        "replayed": {
                            "type": "boolean",
                            "description": "True for the stored answer to a retried nonce.",
                        },
                    },
                },
                "SearchResults": {
                    "type": "object",
                    "required": ["results"],
                    "properties": {
                        "results": {
                            "type": "array",
                            "maxItems": 20,
                            "items": {
                                "type": "object",
                                "required": ["name", "badge_serial", "status", "checked_in_at"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "badge_serial": {"type": "string"},
                                    "status": {
                                        "type": "string",
                                        "enum": [status.value for status in RegistrationStatus],
                                    },
                                    "checked_in_at": {
                                        "type": ["string", "null"],
                                        "format": "date-time",
                                    },
                                },
                            },
                        }
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["status", "message"],
                    "properties": {"status": {"type": "string"}, "message": {"type": "string"}},
                },
                "InvalidRequest": {
                    "type": "object",
                    "required": ["status", "message", "errors"],
                    "properties": {
                        "status": {"const": "invalid_request"},
                        "message": {"type": "string"},
                        "errors": {
                            "type": "object",
                            "additionalProperties": {"type": "string"},
                            "description": "Field name → what is wrong with it.",
                        },
                    },
                },
            },
        },
    }
