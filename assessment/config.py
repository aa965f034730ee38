"""Configuration: defaults in code, overrides from the environment, a dict in tests."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The seven languages of the platform, with the name each is shown under in its own language.
KNOWN_LOCALES = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ar": "العربية",
    "ru": "Русский",
    "zh": "中文",
    "pt": "Português",
}
RTL_LOCALES = frozenset({"ar"})


def defaults(instance_path: str) -> dict[str, Any]:
    return {
        "SECRET_KEY": None,  # read from the environment or the instance folder, see _secret_key  # nosec B105
        "DATABASE_URL": f"sqlite:///{Path(instance_path) / 'assessment.db'}",
        "QUESTIONNAIRES_DIR": str(PROJECT_ROOT / "questionnaires"),
        "TRANSLATIONS_DIR": str(PROJECT_ROOT / "translations"),
        "REPORT_CACHE_DIR": str(Path(instance_path) / "reports"),
        "REPORT_TIMEOUT_SECONDS": 120,
        "REPORT_MEMORY_LIMIT_MB": 1024,
        # Renders run at a lower CPU priority than the web workers (os.nice increment), so that a
        # burst of reports slows the reports, not the answering.
        "REPORT_NICE": 10,
        "REDIS_URL": None,  # when set, reports render in an RQ worker (flask reports worker)
        "REPORT_QUEUE": "reports",
        "LANGUAGES": list(KNOWN_LOCALES),  # the enabled subset of KNOWN_LOCALES
        "DEFAULT_LANGUAGE": "en",
        "SQLITE_SYNCHRONOUS": "FULL",  # survives power loss, not only a crashed process
        "SQLITE_BUSY_TIMEOUT_MS": 5000,
        "SQL_ECHO": False,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "assessment_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead; a long form must not expire
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,  # every request but an evidence upload
        "MAX_UPLOAD_BYTES": 10 * 1024 * 1024,  # one evidence file
        "EVIDENCE_DIR": str(Path(instance_path) / "evidence"),
        "EVIDENCE_STORAGE": "local",  # or "s3": see storage.py
        "EVIDENCE_S3_BUCKET": None,
        "EVIDENCE_S3_PREFIX": "evidence",
        "EVIDENCE_S3_ENDPOINT_URL": None,  # an S3-compatible server other than AWS
        "EVIDENCE_S3_REGION": None,
        "MAX_TEXT_LENGTH": 20_000,
        "DEMO_PASSWORD": "demo-password",  # the demo's published login  # nosec B105
        "LOGIN_RATE_LIMIT": "10 per minute",  # login attempts per address
        "AUTOSAVE_RATE_LIMIT": "300 per minute",  # saves per person: 5 a second, sustained
        "API_RATE_LIMIT": "300 per minute",  # API requests per token (or per person)
        "API_ADDRESS_RATE_LIMIT": "1200 per minute",  # API requests per client address
        "LOCKOUT_THRESHOLD": 10,  # failed logins of one account before it is locked
        "LOCKOUT_MINUTES": 15,
        # Outgoing mail, for the password links people ask for themselves. PUBLIC_URL is the
        # address people reach the site at: links in mail are built from it, never from the
        # request's Host header, which whoever sends the request chooses.
        "MAIL_SERVER": None,
        "MAIL_PORT": 587,
        "MAIL_STARTTLS": True,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_FROM": "no-reply@localhost",
        "PUBLIC_URL": None,
        "RESET_LINK_MINUTES": 60,
        # Ask every administrator to turn on two-step login before using administration pages.
        "ADMIN_TWO_STEP_REQUIRED": False,
        "SESSION_IDLE_MINUTES": 60,
        "SESSION_ABSOLUTE_HOURS": 12,
        "TRUSTED_PROXIES": 0,  # how many proxies in front set X-Forwarded-For/-Proto (0: none)
    }


# Environment variables read at start-up, with the type each is turned into.
_ENVIRONMENT: dict[str, type] = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "QUESTIONNAIRES_DIR": str,
    "REPORT_CACHE_DIR": str,
    "EVIDENCE_DIR": str,
    "EVIDENCE_STORAGE": str,
    "EVIDENCE_S3_BUCKET": str,
    "EVIDENCE_S3_PREFIX": str,
    "EVIDENCE_S3_ENDPOINT_URL": str,
    "EVIDENCE_S3_REGION": str,
    "MAX_UPLOAD_BYTES": int,
    "REPORT_TIMEOUT_SECONDS": int,
    "REPORT_MEMORY_LIMIT_MB": int,
    "REPORT_NICE": int,
    "REDIS_URL": str,
    "REPORT_QUEUE": str,
    "SQLITE_SYNCHRONOUS": str,
    "SESSION_COOKIE_SECURE": bool,
    "REMEMBER_COOKIE_SECURE": bool,
    "SQL_ECHO": bool,
    "DEMO_PASSWORD": str,
    "LOGIN_RATE_LIMIT": str,
    "AUTOSAVE_RATE_LIMIT": str,
    "API_RATE_LIMIT": str,
    "API_ADDRESS_RATE_LIMIT": str,
    "TRUSTED_PROXIES": int,
    "SESSION_IDLE_MINUTES": int,
    "SESSION_ABSOLUTE_HOURS": int,
    "ADMIN_TWO_STEP_REQUIRED": bool,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_STARTTLS": bool,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_FROM": str,
    "PUBLIC_URL": str,
    "RESET_LINK_MINUTES": int,
}


def _parse(kind: type, raw: str) -> Any:
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return kind(raw)


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    found = {
        key: _parse(kind, environ[key]) for key, kind in _ENVIRONMENT.items() if key in environ
    }
    if "LANGUAGES" in environ:
        found["LANGUAGES"] = [
            code.strip() for code in environ["LANGUAGES"].split(",") if code.strip()
        ]
    # Heroku-style URLs name the old dialect; SQLAlchemy 2 wants the psycopg 3 driver spelled out.
    url = found.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        found["DATABASE_URL"] = "postgresql+psycopg://" + url.split("://", 1)[1]
    return found


def secret_key(instance_path: str) -> str:
    """A key kept in the instance folder, so every worker and every restart shares it."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_suffix(f".{os.getpid()}.tmp")
        candidate.write_text(secrets.token_hex(32))
        candidate.chmod(0o600)
        try:
            os.link(candidate, path)  # atomic: the first worker to get here wins
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text().strip()


class ConfigError(RuntimeError):
    pass


def validate(config: dict[str, Any]) -> None:
    unknown = [code for code in config["LANGUAGES"] if code not in KNOWN_LOCALES]
    if unknown:
        raise ConfigError(
            f"LANGUAGES names unknown locales {unknown}; known: {sorted(KNOWN_LOCALES)}"
        )
    if config["DEFAULT_LANGUAGE"] not in config["LANGUAGES"]:
        raise ConfigError("DEFAULT_LANGUAGE must be one of LANGUAGES")
    if config["SQLITE_SYNCHRONOUS"].upper() not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
        raise ConfigError("SQLITE_SYNCHRONOUS must be OFF, NORMAL, FULL or EXTRA")
