"""The OpenAPI 3.1 document of ``/api/v1``."""

from __future__ import annotations

from typing import Any

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "examples": ["unsupported_format"]},
                "message": {"type": "string"},
            },
        }
    },
}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): {"$ref": "#/components/responses/Error"} for code in codes}


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _conflict(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}


def _cv_id() -> dict[str, Any]:
    return _uuid_in_path("cv_id")


def _flag_id() -> dict[str, Any]:
    return _uuid_in_path("flag_id")


def _uuid_in_path(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string", "format": "uuid"},
    }


def openapi_document(base_url: str) -> dict[str, Any]:
    """Return the document served at ``/api/v1/openapi.json``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cvbank API",
            "version": "1",
            "description": (
                "Authenticate with `POST /auth/token`, then send `Authorization: Bearer <token>`."
                ' Errors are `{"error": {"code", "message"}}` with a matching HTTP status.'
            ),
        },
        "servers": [{"url": base_url.rstrip("/") + "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "An error",
                    "content": {"application/json": {"schema": _ERROR}},
                }
            },
            "schemas": {
                "CvCreated": {
                    "type": "object",
                    "required": ["id", "state"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "state": {"enum": ["processing", "needs_review", "ready", "failed"]},
                        "visibility": {"enum": ["hidden", "visible"]},
                    },
                },
                "Cv": {
                    "type": "object",
                    "required": ["id", "title"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "title": {"type": "string"},
                        "state": {"enum": ["processing", "needs_review", "ready", "failed"]},
                        "visibility": {"enum": ["hidden", "visible"]},
                        "language": {"type": ["string", "null"]},
                        "text": {
                            "type": ["string", "null"],
                            "description": "Employers get the text with removed passages cut.",
                        },
                        "profile": {"type": ["object", "null"]},
                        "open_flags": {"type": "integer"},
                        "error": {"type": ["object", "null"]},
                    },
                },
                "SearchResult": {
                    "type": "object",
                    "required": ["total", "hits"],
                    "properties": {
                        "total": {"type": "integer"},
                        "page": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "hits": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "cv_id": {"type": "string", "format": "uuid"},
                                    "score": {"type": "number"},
                                    "snippets": {
                                        "type": "array",
                                        "items": {"type": "string"},
                                        "description": "HTML; matches in <mark>, the rest escaped",
                                    },
                                    "title": {"type": "string"},
                                    "updated_at": {"type": "string", "format": "date-time"},
                                },
                            },
                        },
                        "facets": {"type": "object"},
                    },
                },
            },
        },
        "security": [{"bearer": []}],
        "paths": {
            "/auth/token": {
                "post": {
                    "summary": "Exchange email and password for a bearer token",
                    "security": [],
                    "requestBody": _json_body(
                        {
                            "type": "object",
                            "required": ["email", "password"],
                            "properties": {
                                "email": {"type": "string"},
                                "password": {"type": "string"},
                                "otp": {
                                    "type": "string",
                                    "description": "Recruiters and admins: the code "
                                    "of their authenticator app (401 otp_required, "
                                    "otp_enrolment_required, bad_otp, otp_reused)",
                                },
                                "name": {"type": "string"},
                            },
                        }
                    ),
                    "responses": {"201": {"description": "A new token"}, **_errors(400, 401, 429)},
                }
            },
            "/cvs": {
                "post": {
                    "summary": "Upload a CV (PDF or DOCX); it is hidden until published",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ["file"],
                                    "properties": {
                                        "file": {"type": "string", "format": "binary"},
                                        "title": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Stored; parsing is queued",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/CvCreated"}
                                }
                            },
                        },
                        **_errors(400, 401, 403, 413, 415),
                    },
                },
                "get": {
                    "summary": "List my CVs",
                    "responses": {"200": {"description": "My CVs"}, **_errors(401, 403)},
                },
            },
            "/cvs/{cv_id}": {
                "parameters": [_cv_id()],
                "get": {
                    "summary": "Read a CV (owners: everything; employers: a visible CV, logged)",
                    "responses": {
                        "200": {
                            "description": "The CV",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Cv"}}
                            },
                        },
                        **_errors(401, 404),
                    },
                },
                "delete": {
                    "summary": "Delete my CV with its files",
                    "responses": {"204": {"description": "Deleted"}, **_errors(401, 404)},
                },
            },
            "/cvs/{cv_id}/visibility": {
                "put": {
                    "summary": "Publish or hide my CV",
                    "parameters": [_cv_id()],
                    "requestBody": _json_body(
                        {
                            "type": "object",
                            "required": ["visibility"],
                            "properties": {"visibility": {"enum": ["visible", "hidden"]}},
                        }
                    ),
                    "responses": {
                        "200": {"description": "Changed"},
                        "409": _conflict("Still processing, failed, or open flags"),
                        **_errors(400, 401, 404),
                    },
                }
            },
            "/cvs/{cv_id}/profile": {
                "put": {
                    "summary": "Correct the extracted profile (kept until a new version)",
                    "parameters": [_cv_id()],
                    "requestBody": _json_body(
                        {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "headline": {"type": "string"},
                                "email": {"type": "string"},
                                "phone": {"type": "string"},
                                "location": {"type": "string"},
                                "skills": {"type": "array", "items": {"type": "string"}},
                                "experience": {
                                    "type": "array",
                                    "items": {"type": "object"},
                                },
                                "education": {"type": "array", "items": {"type": "object"}},
                                "languages": {"type": "array", "items": {"type": "object"}},
                            },
                        }
                    ),
                    "responses": {
                        "200": {"description": "The corrected profile"},
                        **_errors(400, 401, 404, 409),
                    },
                }
            },
            "/cvs/{cv_id}/json-resume": {
                "get": {
                    "summary": "Export my CV's profile as JSON Resume",
                    "parameters": [_cv_id()],
                    "responses": {"200": {"description": "JSON Resume"}, **_errors(401, 404, 409)},
                }
            },
            "/cvs/{cv_id}/flags": {
                "get": {
                    "summary": "List the sensitive-content flags of my CV's current version",
                    "parameters": [_cv_id()],
                    "responses": {
                        "200": {"description": "The flags, with explanations"},
                        **_errors(401, 404),
                    },
                },
                "post": {
                    "summary": "Remove a passage the check did not flag (every occurrence)",
                    "parameters": [_cv_id()],
                    "requestBody": _json_body(
                        {
                            "type": "object",
                            "required": ["text"],
                            "properties": {"text": {"type": "string", "maxLength": 2000}},
                        }
                    ),
                    "responses": {
                        "201": {"description": "The new flags (category other, rule manual)"},
                        "200": {"description": "Every occurrence was already removed"},
                        "409": _conflict("The CV has not been read yet"),
                        **_errors(400, 401, 404),
                    },
                },
            },
            "/cvs/{cv_id}/flags/{flag_id}": {
                "post": {
                    "summary": "Remove a flagged passage, or keep it (this call records consent)",
                    "parameters": [_cv_id(), _flag_id()],
                    "requestBody": _json_body(
                        {
                            "type": "object",
                            "required": ["decision"],
                            "properties": {"decision": {"enum": ["remove", "keep"]}},
                        }
                    ),
                    "responses": {
                        "200": {"description": "Decided"},
                        "409": _conflict(
                            "A national identity number cannot be kept, or the candidate "
                            "removed this passage themselves"
                        ),
                        **_errors(400, 401, 404),
                    },
                },
                "delete": {
                    "summary": "Restore a passage I removed myself",
                    "parameters": [_cv_id(), _flag_id()],
                    "responses": {
                        "204": {"description": "Restored"},
                        "409": _conflict("A detected flag is decided, not deleted"),
                        **_errors(401, 404),
                    },
                },
            },
            "/blocks": {
                "get": {
                    "summary": "List the organisations I block",
                    "responses": {"200": {"description": "Blocks"}, **_errors(401, 403)},
                },
                "post": {
                    "summary": "Block an organisation: it never sees my CVs, in any path",
                    "requestBody": _json_body(
                        {
                            "type": "object",
                            "required": ["organisation_id"],
                            "properties": {"organisation_id": {"type": "string"}},
                        }
                    ),
                    "responses": {"201": {"description": "Blocked"}, **_errors(400, 401, 404)},
                },
            },
            "/blocks/{organisation_id}": {
                "delete": {
                    "summary": "Lift a block",
                    "parameters": [
                        {
                            "name": "organisation_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "format": "uuid"},
                        }
                    ],
                    "responses": {"204": {"description": "Lifted"}, **_errors(401, 404)},
                }
            },
            "/organisations": {
                "get": {
                    "summary": "Find organisations by name (to block them)",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "minLength": 2},
                        }
                    ],
                    "responses": {
                        "200": {"description": "Matching organisations"},
                        **_errors(401, 403),
                    },
                }
            },
            "/search": {
                "get": {
                    "summary": "Search visible CVs (recruiters); q or at least one filter",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": 'Words, "phrases", OR, -exclusion, prefix*',
                        },
                        {
                            "name": "page",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1},
                        },
                        {
                            "name": "skill",
                            "in": "query",
                            "schema": {"type": "array", "items": {"type": "string"}},
                            "description": "Skill label or concept id (all of)",
                        },
                        {
                            "name": "near",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "A Nordic place name",
                        },
                        {
                            "name": "radius",
                            "in": "query",
                            "schema": {"type": "number", "minimum": 1, "maximum": 500},
                        },
                        {
                            "name": "loc",
                            "in": "query",
                            "schema": {"type": "array", "items": {"type": "string"}},
                            "description": "Location facet values (any of)",
                        },
                        {"name": "min_years", "in": "query", "schema": {"type": "number"}},
                        {
                            "name": "max_years",
                            "in": "query",
                            "schema": {"type": "number"},
                            "description": "Fewer than this many years (a facet band's end)",
                        },
                        {
                            "name": "lang",
                            "in": "query",
                            "schema": {"type": "array", "items": {"type": "string"}},
                            "description": "Spoken languages, ISO codes (all of)",
                        },
                        {"name": "cv_lang", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "updated_within",
                            "in": "query",
                            "schema": {"type": "integer"},
                            "description": "Days",
                        },
                        {
                            "name": "sort",
                            "in": "query",
                            "schema": {"enum": ["relevance", "recent"]},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "Results",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/SearchResult"}
                                }
                            },
                        },
                        **_errors(400, 401, 403, 429, 503),
                    },
                }
            },
        },
    }
