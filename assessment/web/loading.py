"""Loading an object for a view, with its access check: another country's object is a 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..access import Action, allowed
from ..db import db_session
from ..framework import Framework
from ..framework.schema import Domain
from ..framework_ext import registry
from ..i18n import current_language
from ..models import Assessment


def assessment_or_404(assessment_id: int, action: Action = Action.VIEW) -> Assessment:
    # One row; the access check reads the user's memberships, and the country, reviews and
    # assignments load on first use, so an autosave pays for none of them.
    assessment = db_session().get(Assessment, assessment_id)
    if assessment is None or not allowed(current_user, Action.VIEW, assessment):
        abort(404)
    if action is not Action.VIEW and not allowed(current_user, action, assessment):
        abort(403)
    return assessment


def section_or_404(framework: Framework, domain_code: str) -> Domain:
    """A section of the walk-through (any domain but the trigger checklist), or 404."""
    try:
        domain = framework.domain(domain_code)
    except KeyError:
        abort(404)
    if domain not in framework.answerable_domains:
        abort(404)
    return domain


def framework_of(assessment: Assessment) -> Framework:
    """The framework the assessment is pinned to, in the page's language."""
    return registry().localized(assessment.framework_version, current_language())
