"""Forms. Every one inherits Flask-WTF's CSRF protection; questionnaire forms are built per
section."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from ..framework.schema import Question, QuestionType


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class CodeForm(FlaskForm):
    """A six-digit code from an authenticator app."""

    code = StringField(
        _l("Six-digit code from your authenticator app"),
        validators=[DataRequired(), Length(max=12)],
    )


class TwoFactorForm(CodeForm):
    action = HiddenField(validators=[DataRequired()])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


ROLE_CHOICES = [
    SelectChoice("", "—"),
    SelectChoice("focal_point", _l("focal point")),
    SelectChoice("contributor", _l("contributor")),
    SelectChoice("peer_reviewer", _l("peer reviewer")),
    SelectChoice("facilitator", _l("facilitator")),
]


class CountryForm(FlaskForm):
    iso_code = SelectField(_l("Country"), validators=[Optional()])
    custom_code = StringField(
        _l("Or a user-assigned code (XA-XZ, QM-QZ) for trainings"),
        validators=[Optional(), Length(max=2)],
    )
    name = StringField(
        _l("Name (only for a user-assigned code)"), validators=[Optional(), Length(max=200)]
    )
    submit = SubmitField(_l("Add the country"))


class NewUserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(
        _l("Initial password (at least 10 characters)"),
        validators=[DataRequired(), Length(min=10, max=1024)],
    )
    country_id = SelectField(_l("Country"), validators=[Optional()])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[Optional()])
    is_admin = BooleanField(_l("Administrator (secretariat)"))
    submit = SubmitField(_l("Create the account"))


class OpenForCountryForm(FlaskForm):
    country_id = SelectField(_l("Country"), validators=[DataRequired()])
    cycle = StringField(_l("Cycle"), validators=[DataRequired(), Length(max=20)])
    area = StringField(
        _l("Area (leave empty for the whole country)"), validators=[Optional(), Length(max=200)]
    )
    submit = SubmitField(_l("Open the assessment"))


class MembershipForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    country_id = HiddenField()
    role = HiddenField()
    area = HiddenField(validators=[Optional(), Length(max=200)])


class PlanActionForm(FlaskForm):
    action_id = HiddenField()
    title = TextAreaField(_l("Action"), validators=[DataRequired(), Length(max=2000)])
    owner = StringField(
        _l("Owner (institution or person)"), validators=[DataRequired(), Length(max=200)]
    )
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("planned", _l("planned")),
            SelectChoice("in_progress", _l("in progress")),
            SelectChoice("done", _l("done")),
            SelectChoice("dropped", _l("dropped")),
        ],
    )
    indicators = StringField(
        _l("Indicators (ids, separated by commas)"), validators=[Optional(), Length(max=500)]
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


class InviteReviewerForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name (for a new account)"), validators=[Optional(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])


class OutcomeForm(FlaskForm):
    outcome = RadioField(
        _l("Outcome"),
        validators=[DataRequired()],
        choices=[
            SelectChoice("validated", _l("Validated score")),
            SelectChoice("disagreement", _l("Disagreement that stands")),
        ],
    )
    level = SelectField(
        _l("Validated level"),
        validators=[Optional()],
        choices=[SelectChoice("", "—"), *(SelectChoice(str(n), str(n)) for n in range(5))],
    )
    note = TextAreaField(
        _l("Note of what was agreed, or why not"), validators=[DataRequired(), Length(max=5000)]
    )


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name (for a new account)"), validators=[Optional(), Length(max=200)])
    sections = SelectMultipleField(_l("Sections"), validators=[DataRequired()])


class SectionsForm(FlaskForm):
    """The section checkboxes are read from the request; this carries the CSRF token."""


class AcceptInvitationForm(FlaskForm):
    password = PasswordField(
        _l("New password (at least 10 characters)"),
        validators=[DataRequired(), Length(min=10, max=1024)],
    )
    confirm = PasswordField(
        _l("The same password again"), validators=[DataRequired(), EqualTo("password")]
    )


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])
    parent_id = HiddenField()


class TransitionForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class TriggersForm(FlaskForm):
    """The checkboxes are read from the request; this carries the CSRF token."""


class OpenAssessmentForm(FlaskForm):
    country_id = HiddenField(validators=[DataRequired()])
    cycle = StringField(_l("Cycle"), validators=[DataRequired(), Length(max=20)])
    area = StringField(
        _l("Area (leave empty for the whole country)"), validators=[Optional(), Length(max=200)]
    )


CONFIDENCE_CHOICES = [
    SelectChoice("", _l("not stated")),
    SelectChoice("high", _l("High")),
    SelectChoice("medium", _l("Medium")),
    SelectChoice("low", _l("Low")),
]
NOT_RATED = [
    SelectChoice("not_applicable", _l("Not applicable")),
    SelectChoice("unknown", _l("Unknown")),
]
YES_NO_PARTIAL = [
    SelectChoice("yes", _l("Yes")),
    SelectChoice("partial", _l("Partly")),
    SelectChoice("no", _l("No")),
]


class _AnswerForm(Form):
    """One question's answer; the form of a section holds one per question."""

    answer = RadioField(validate_choice=True, validators=[Optional()])
    value = StringField(validators=[Optional(), Length(max=20_000)])
    reason = TextAreaField(_l("Why not applicable or unknown"), validators=[Length(max=20_000)])
    confidence = RadioField(
        _l("Confidence"), choices=CONFIDENCE_CHOICES, default="", validators=[Optional()]
    )
    evidence = TextAreaField(_l("Evidence (documents, links)"), validators=[Length(max=20_000)])
    comment = TextAreaField(_l("Justification"), validators=[Length(max=20_000)])
    flagged = BooleanField(_l("Mark for follow-up"))
    version = IntegerField(default=0, validators=[NumberRange(min=0)])
    # A digest of the values as the page showed them: an answer posted back unchanged is left
    # alone, so someone else's newer save to it is neither overwritten nor flagged.
    original = HiddenField()


def _answer_choices(question: Question) -> list[SelectChoice]:
    if question.type is QuestionType.SCALE:
        return [
            SelectChoice(str(n), f"{n} — {text}")
            for n, text in sorted((question.levels or {}).items())
        ]
    if question.type is QuestionType.YES_NO_PARTIAL:
        return list(YES_NO_PARTIAL)
    if question.type is QuestionType.CHOICE:
        return [SelectChoice(c.value, c.label) for c in question.choices or ()]
    return []


def answer_choices(question: Question) -> list[tuple[str, str]]:
    """The answers a question offers, as (value, label) in the page's language: what the
    section page shows, and what `section_form` accepts back."""
    return [(c.value, str(c.label)) for c in _answer_choices(question) + list(NOT_RATED)]


EDITABLE = ("answer", "value", "reason", "confidence", "evidence", "comment", "flagged")


def digest(values: dict[str, Any]) -> str:
    joined = "\x1f".join(str(values.get(name) or "") for name in EDITABLE)
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def field_name(question_id: str) -> str:
    return "q_" + question_id.replace("-", "_").replace(".", "_")


def section_form(
    questions: list[Question], data: dict[str, dict[str, Any]] | None = None, formdata: Any = None
) -> FlaskForm:
    """A form with one sub-form per question, choices set from the framework."""

    class SectionForm(FlaskForm):
        pass

    for question in questions:
        setattr(SectionForm, field_name(question.id), FormField(_AnswerForm))
    # FormField reads its initial values from an object's attributes, not from a dict.
    initial = {name: SimpleNamespace(**values) for name, values in (data or {}).items()}
    form = SectionForm(formdata=formdata, data=initial)
    for question in questions:
        sub = getattr(form, field_name(question.id))
        sub.answer.choices = _answer_choices(question) + list(NOT_RATED)
    return form


class TokenForm(FlaskForm):
    name = StringField(_l("Name of the token"), validators=[DataRequired(), Length(max=100)])
    scope = SelectField(
        _l("Scope"),
        choices=[
            SelectChoice("read", _l("read: see assessments, answers, scores and reports")),
            SelectChoice("write", _l("write: also save answers and ask for reports")),
        ],
        default="read",
    )
