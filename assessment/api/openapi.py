"""The OpenAPI 3.1 document of /api/v1, kept by hand beside the routes it describes; the test
suite runs schemathesis against it, so a route that answers otherwise fails the build."""

from __future__ import annotations

from typing import Any

VERSION = "1.0.0"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_NUMBER = {"type": ["number", "null"]}
TIME = {"type": ["string", "null"], "format": "date-time"}

# What any authenticated operation may answer besides its own responses.
COMMON = {
    "401": _error("No token or login, or an unknown or revoked token."),
    "403": _error("Not allowed: a read token writing, or the assessment's state or role."),
    "429": _error("Too many requests; see the Retry-After header."),
}
ASSESSMENT_ID = {
    "name": "assessment_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}
QUESTION_ID = {
    "name": "question_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]+\\.[0-9]+$"},
    "description": "The framework's stable question id, for example SEC-1.1.",
}
PAPER = {
    "name": "paper",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["a4", "letter"], "default": "a4"},
}


def _schemas(languages: list[str]) -> dict[str, Any]:
    answer_fields = {
        "status": {"type": "string", "enum": ["answered", "not_applicable", "unknown"]},
        "level": {"type": ["integer", "null"], "minimum": 0, "maximum": 4},
        "value": NULLABLE_STRING,
        "reason": NULLABLE_STRING,
        "confidence": {"type": ["string", "null"], "enum": ["high", "medium", "low", None]},
        "evidence": NULLABLE_STRING,
        "comment": NULLABLE_STRING,
        "flagged": {"type": "boolean"},
    }
    indicator_score = {
        "type": "object",
        "required": ["id", "domain", "weight", "current", "target", "gap", "priority", "band"],
        "properties": {
            "id": {"type": "string"},
            "domain": {"type": "string"},
            "weight": {"type": "integer"},
            "government": NULLABLE_NUMBER,
            "peer": NULLABLE_NUMBER,
            "validated": {"type": ["integer", "null"]},
            "current": NULLABLE_NUMBER,
            "target": {"type": "integer"},
            "gap": NULLABLE_NUMBER,
            "priority": NULLABLE_NUMBER,
            "band": {
                "type": ["string", "null"],
                "enum": ["critical", "high", "medium", "low", None],
            },
            "contested": {"type": "boolean"},
            "low_confidence": {"type": "boolean"},
            "triggered_by": {"type": "array", "items": {"type": "string"}},
            "completeness": {"type": "number"},
            "evidence_coverage": NULLABLE_NUMBER,
        },
    }
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                },
                "question": {"type": "string"},
            },
        },
        "Me": {
            "type": "object",
            "required": ["id", "name", "email", "is_admin", "auth", "scope"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "email": {"type": "string"},
                "is_admin": {"type": "boolean"},
                "auth": {"type": "string", "enum": ["token", "session"]},
                "scope": {"type": "string", "enum": ["read", "write"]},
            },
        },
        "Assessment": {
            "type": "object",
            "required": ["id", "country", "area", "cycle", "state", "framework_version"],
            "properties": {
                "id": {"type": "integer"},
                "country": {
                    "type": "object",
                    "required": ["iso_code", "name"],
                    "properties": {"iso_code": {"type": "string"}, "name": {"type": "string"}},
                },
                "area": {"type": "string"},
                "cycle": {"type": "string"},
                "state": {
                    "type": "string",
                    "enum": [
                        "draft",
                        "submitted",
                        "peer_review",
                        "validation",
                        "validated",
                        "published",
                    ],
                },
                "framework_version": {"type": "string"},
                "blind_review": {"type": "boolean"},
                "created_at": TIME,
                "submitted_at": TIME,
            },
        },
        "AssessmentList": {
            "type": "object",
            "required": ["assessments", "page", "pages", "total"],
            "properties": {
                "assessments": {"type": "array", "items": _ref("Assessment")},
                "page": {"type": "integer", "minimum": 1},
                "pages": {"type": "integer", "minimum": 1},
                "total": {"type": "integer", "minimum": 0},
            },
        },
        "Framework": {
            "type": "object",
            "required": ["version", "lang", "title", "scale", "domains"],
            "properties": {
                "version": {"type": "string"},
                "lang": {"type": "string", "enum": languages},
                "title": {"type": "string"},
                "scale": {"type": "object", "additionalProperties": {"type": "string"}},
                "domains": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["code", "name", "kind", "indicators", "triggers"],
                        "properties": {
                            "code": {"type": "string"},
                            "name": {"type": "string"},
                            "kind": {
                                "type": "string",
                                "enum": ["scored", "cross_cutting", "context"],
                            },
                            "description": {"type": "string"},
                            "indicators": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["id", "name", "weight", "questions"],
                                    "properties": {
                                        "id": {"type": "string"},
                                        "name": {"type": "string"},
                                        "description": NULLABLE_STRING,
                                        "weight": {"type": "integer", "minimum": 1, "maximum": 3},
                                        "questions": {
                                            "type": "array",
                                            "items": _ref("Question"),
                                        },
                                    },
                                },
                            },
                            "triggers": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["id", "text", "raises"],
                                    "properties": {
                                        "id": {"type": "string"},
                                        "text": {"type": "string"},
                                        "guidance": {"type": "string"},
                                        "raises": {"type": "array", "items": {"type": "string"}},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
        "Question": {
            "type": "object",
            "required": ["id", "type", "text"],
            "properties": {
                "id": {"type": "string"},
                "type": {
                    "type": "string",
                    "enum": ["scale", "yes_no_partial", "number", "choice", "text"],
                },
                "text": {"type": "string"},
                "guidance": {"type": "string"},
                "levels": {
                    "type": ["object", "null"],
                    "additionalProperties": {"type": "string"},
                },
                "evidence": {"type": "array", "items": {"type": "string"}},
                "choices": {
                    "type": ["array", "null"],
                    "items": {
                        "type": "object",
                        "required": ["value", "label"],
                        "properties": {"value": {"type": "string"}, "label": {"type": "string"}},
                    },
                },
                "unit": NULLABLE_STRING,
            },
        },
        "Answer": {
            "type": "object",
            "required": ["question_id", "status", "version", *answer_fields],
            "properties": {
                "question_id": {"type": "string"},
                **answer_fields,
                "text_language": NULLABLE_STRING,
                "version": {"type": "integer", "minimum": 1},
                "updated_by": NULLABLE_STRING,
                "updated_at": TIME,
            },
        },
        "AnswerList": {
            "type": "object",
            "required": ["answers"],
            "properties": {"answers": {"type": "array", "items": _ref("Answer")}},
        },
        "AnswerWrite": {
            "type": "object",
            "description": (
                "One answer. `version` is the version you read (0 when the question had no "
                "answer). A scale question takes a `level`; other types a `value`; "
                "not_applicable and unknown need a `reason`. A retry sends the same "
                "`operation_id`, so it is applied once."
            ),
            "required": ["version"],
            "additionalProperties": False,
            "properties": {
                "version": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
                "operation_id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$"},
                **answer_fields,
                "language": {"type": ["string", "null"], "enum": [*languages, None]},
            },
        },
        "Saved": {
            "type": "object",
            "required": ["question", "version", "saved", "replayed"],
            "properties": {
                "question": {"type": "string"},
                "version": {"type": ["integer", "null"]},
                "saved": {"type": "boolean"},
                "replayed": {"type": "boolean"},
            },
        },
        "Conflict": {
            "type": "object",
            "required": ["error", "question", "current", "version"],
            "properties": {
                "error": {"type": "object", "required": ["code", "message"]},
                "question": {"type": "string"},
                "current": {"type": "object"},
                "version": {"type": "integer"},
                "updated_by": NULLABLE_STRING,
                "updated_at": TIME,
            },
        },
        "Scores": {
            "type": "object",
            "required": ["assessment", "framework_version", "overall", "domains", "gaps"],
            "properties": {
                "assessment": {"type": "integer"},
                "framework_version": {"type": "string"},
                "overall": NULLABLE_NUMBER,
                "completeness": {"type": "number"},
                "triggers_set": {"type": "array", "items": {"type": "string"}},
                "domains": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["code", "kind", "score", "indicators"],
                        "properties": {
                            "code": {"type": "string"},
                            "kind": {"type": "string"},
                            "score": NULLABLE_NUMBER,
                            "government_score": NULLABLE_NUMBER,
                            "peer_score": NULLABLE_NUMBER,
                            "validated_score": NULLABLE_NUMBER,
                            "completeness": {"type": "number"},
                            "evidence_coverage": NULLABLE_NUMBER,
                            "indicators": {"type": "array", "items": indicator_score},
                        },
                    },
                },
                "gaps": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["indicator", "gap", "priority", "band"],
                        "properties": {
                            "indicator": {"type": "string"},
                            "gap": NULLABLE_NUMBER,
                            "priority": NULLABLE_NUMBER,
                            "band": NULLABLE_STRING,
                        },
                    },
                },
            },
        },
        "ReportRequest": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "lang": {"type": "string", "enum": languages, "default": "en"},
                "paper": {"type": "string", "enum": ["a4", "letter"], "default": "a4"},
            },
        },
        "ReportStatus": {
            "type": "object",
            "required": ["assessment", "lang", "paper", "status", "poll", "download"],
            "properties": {
                "assessment": {"type": "integer"},
                "lang": {"type": "string"},
                "paper": {"type": "string"},
                "status": {"type": "string", "enum": ["ready", "pending", "failed", "absent"]},
                "poll": {"type": "string"},
                "download": {"type": "string"},
            },
        },
        "Export": {
            "type": "object",
            "description": "The complete assessment; `flask interchange import` reads it back.",
            "required": ["format", "format_version", "assessment", "answers"],
            "properties": {
                "format": {"const": "structural-prevention-assessment"},
                "format_version": {"const": 1},
                "exported_at": TIME,
                "assessment": {"type": "object"},
                "people": {"type": "array"},
                "answers": {"type": "array"},
                "triggers": {"type": "array"},
                "assignments": {"type": "array"},
                "comments": {"type": "array"},
                "evidence_files": {"type": "array"},
                "reviews": {"type": "array"},
                "validated_scores": {"type": "array"},
                "actions": {"type": "array"},
            },
        },
    }


def document(languages: list[str]) -> dict[str, Any]:
    not_found = _error("No such assessment, or not yours to see (the same answer for both).")
    lang_query = {
        "name": "lang",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": languages, "default": "en"},
    }
    report_lang = {
        "name": "language",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": languages},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Prevention self-assessment API",
            "version": VERSION,
            "description": (
                "Assessments, the framework in each language, answers, scores and gap reports. "
                "Authenticate with a personal token made in your profile page: "
                "`Authorization: Bearer <token>`. A read token reads; a write token may also "
                "save answers and ask for reports. Every object is checked as in the web pages: "
                "an assessment you may not see answers 404. Errors are "
                '`{"error": {"code": ..., "message": ...}}`.'
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"token": []}],
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": _schemas(languages),
        },
        "paths": {
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document.",
                    "security": [],
                    "responses": {
                        "200": _json({"type": "object"}, "The OpenAPI document."),
                        "429": COMMON["429"],
                    },
                }
            },
            "/open-data/domain-scores.csv": {
                "get": {
                    "operationId": "openData",
                    "summary": "Open data: domain scores per country and cycle.",
                    "description": (
                        "Validated and published assessments of countries that agreed to share "
                        "their results; scores only, nothing about people or answers."
                    ),
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "CSV, UTF-8 with a byte-order mark.",
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        },
                        "429": COMMON["429"],
                    },
                }
            },
            "/me": {
                "get": {
                    "operationId": "me",
                    "summary": "Who the token belongs to.",
                    "responses": {"200": _json(_ref("Me"), "The token's owner."), **COMMON},
                }
            },
            "/assessments": {
                "get": {
                    "operationId": "listAssessments",
                    "summary": "The assessments you may see, newest cycle first, 50 a page.",
                    "parameters": [
                        {
                            "name": "page",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1, "default": 1},
                        }
                    ],
                    "responses": {
                        "200": _json(_ref("AssessmentList"), "Assessments."),
                        "422": _error("The page is not a whole number from 1."),
                        **COMMON,
                    },
                }
            },
            "/assessments/{assessment_id}": {
                "parameters": [ASSESSMENT_ID],
                "get": {
                    "operationId": "getAssessment",
                    "summary": "One assessment.",
                    "responses": {
                        "200": _json(_ref("Assessment"), "The assessment."),
                        "404": not_found,
                        **COMMON,
                    },
                },
            },
            "/framework": {
                "get": {
                    "operationId": "getCurrentFramework",
                    "summary": "The current framework, in a language.",
                    "parameters": [lang_query],
                    "responses": {
                        "200": _json(_ref("Framework"), "Domains, indicators, questions."),
                        "422": _error("Unknown language."),
                        **COMMON,
                    },
                }
            },
            "/framework/{version}": {
                "get": {
                    "operationId": "getFramework",
                    "summary": "A version of the framework, in a language.",
                    "parameters": [
                        {
                            "name": "version",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        lang_query,
                    ],
                    "responses": {
                        "200": _json(_ref("Framework"), "Domains, indicators, questions."),
                        "404": _error("No framework of this version."),
                        "422": _error("Unknown language."),
                        **COMMON,
                    },
                }
            },
            "/assessments/{assessment_id}/answers": {
                "parameters": [ASSESSMENT_ID],
                "get": {
                    "operationId": "listAnswers",
                    "summary": "The government's answers.",
                    "responses": {
                        "200": _json(_ref("AnswerList"), "Every saved answer."),
                        "404": not_found,
                        **COMMON,
                    },
                },
            },
            "/assessments/{assessment_id}/answers/{question_id}": {
                "parameters": [ASSESSMENT_ID, QUESTION_ID],
                "get": {
                    "operationId": "getAnswer",
                    "summary": "One answer, with the version to send back when you change it.",
                    "responses": {
                        "200": _json(_ref("Answer"), "The answer."),
                        "404": _error("No such assessment or question, or no answer yet."),
                        **COMMON,
                    },
                },
                "put": {
                    "operationId": "saveAnswer",
                    "summary": "Save one answer (the browser's autosave rules).",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("AnswerWrite")}},
                    },
                    "responses": {
                        "200": _json(_ref("Saved"), "Saved, unchanged, or a replayed retry."),
                        "400": _error("The body is not a JSON object."),
                        "404": _error("No such assessment or question."),
                        "409": _json(
                            _ref("Conflict"),
                            "Someone saved the answer since you read it: their value and version.",
                        ),
                        "413": _error("The body is too large."),
                        "415": _error("The body is not JSON."),
                        "422": _error("The answer does not fit its question."),
                        **COMMON,
                    },
                },
            },
            "/assessments/{assessment_id}/scores": {
                "parameters": [ASSESSMENT_ID],
                "get": {
                    "operationId": "getScores",
                    "summary": "G, P, V, current scores, gaps and priorities.",
                    "responses": {
                        "200": _json(_ref("Scores"), "The scores."),
                        "404": not_found,
                        **COMMON,
                    },
                },
            },
            "/assessments/{assessment_id}/export": {
                "parameters": [ASSESSMENT_ID],
                "get": {
                    "operationId": "exportAssessment",
                    "summary": "The complete assessment, for an import on another installation.",
                    "responses": {
                        "200": _json(_ref("Export"), "The export, evidence files included."),
                        "404": not_found,
                        **COMMON,
                    },
                },
            },
            "/assessments/{assessment_id}/reports": {
                "parameters": [ASSESSMENT_ID],
                "post": {
                    "operationId": "requestReport",
                    "summary": "Ask for the PDF gap report in a language.",
                    "requestBody": {
                        "required": False,
                        "content": {"application/json": {"schema": _ref("ReportRequest")}},
                    },
                    "responses": {
                        "200": _json(_ref("ReportStatus"), "Ready to download."),
                        "202": _json(_ref("ReportStatus"), "Being rendered: poll its status."),
                        "400": _error("The body is not a JSON object."),
                        "404": not_found,
                        "413": _error("The body is too large."),
                        "422": _error("Unknown language or paper size."),
                        "503": _error("The report could not be rendered just now."),
                        **COMMON,
                    },
                },
            },
            "/assessments/{assessment_id}/reports/{language}": {
                "parameters": [ASSESSMENT_ID, report_lang],
                "get": {
                    "operationId": "getReportStatus",
                    "summary": "Where the report stands.",
                    "parameters": [PAPER],
                    "responses": {
                        "200": _json(_ref("ReportStatus"), "ready, pending, failed or absent."),
                        "404": not_found,
                        "422": _error("Unknown paper size."),
                        **COMMON,
                    },
                },
            },
            "/assessments/{assessment_id}/reports/{language}/pdf": {
                "parameters": [ASSESSMENT_ID, report_lang],
                "get": {
                    "operationId": "downloadReport",
                    "summary": "The rendered PDF.",
                    "parameters": [PAPER],
                    "responses": {
                        "200": {
                            "description": "The gap report.",
                            "content": {
                                "application/pdf": {
                                    "schema": {"type": "string", "format": "binary"}
                                }
                            },
                        },
                        "404": not_found,
                        "409": _error("Not rendered yet: ask for it first."),
                        "422": _error("Unknown paper size."),
                        **COMMON,
                    },
                },
            },
        },
    }
