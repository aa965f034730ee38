"""Display names of the fixed values the app stores (states, bands, roles), marked for
translation and looked up with gettext where they are shown."""

from __future__ import annotations

from babel import Locale


def N_(text: str) -> str:  # noqa: N802 - gettext's marker: extracted, translated where shown
    return text


STATES = {
    "draft": N_("draft"),
    "submitted": N_("submitted"),
    "peer_review": N_("peer review"),
    "validation": N_("validation workshop"),
    "validated": N_("validated"),
    "published": N_("published"),
}
BANDS = {
    "critical": N_("critical"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
}
ROLES = {
    "administrator": N_("administrator"),
    "focal_point": N_("focal point"),
    "contributor": N_("contributor"),
    "peer_reviewer": N_("peer reviewer"),
    "facilitator": N_("facilitator"),
}


def country_name(iso_code: str, stored_name: str, lang: str) -> str:
    """The country's name in the language, from Babel's locale data; the stored name for codes
    Babel does not know (such as the demo's fictional, user-assigned codes)."""
    return Locale.parse(lang).territories.get(iso_code.upper()) or stored_name
