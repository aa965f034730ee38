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
RISK_FACTORS = {
    "RF1": N_("Armed conflict or other instability"),
    "RF2": N_("Record of serious violations of human rights and humanitarian law"),
    "RF3": N_("Weakness of State structures"),
    "RF4": N_("Motives or incentives"),
    "RF5": N_("Capacity to commit atrocity crimes"),
    "RF6": N_("Absence of mitigating factors"),
    "RF7": N_("Enabling circumstances or preparatory action"),
    "RF8": N_("Triggering factors"),
    "RF9": N_("Intergroup tensions or patterns of discrimination"),
    "RF10": N_("Signs of an intent to destroy a protected group"),
    "RF11": N_("Signs of a widespread or systematic attack on civilians"),
    "RF12": N_("Signs of a plan or policy to attack civilians"),
    "RF13": N_("Serious threats to those protected under humanitarian law"),
    "RF14": N_("Serious threats to humanitarian or peacekeeping operations"),
}
TAGS = {
    "will": N_("will"),
    "capacity": N_("capacity"),
    "acquiescence": N_("acquiescence"),
    "local": N_("local"),
    "national": N_("national"),
    "regional": N_("regional"),
    "mass_killing": N_("mass killing"),
    "forced_displacement": N_("forced displacement"),
    "sexual_violence": N_("sexual violence"),
    "arbitrary_detention": N_("arbitrary detention"),
}
CONFIDENCE = {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low")}
ACTION_STATUSES = {
    "planned": N_("planned"),
    "in_progress": N_("in progress"),
    "done": N_("done"),
    "dropped": N_("dropped"),
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
