"""Errors a person can act on. The message is English, marked for translation, with its values
apart, so a page shows it in the reader's language: gettext(error.message, **error.params)."""

from __future__ import annotations

from typing import Any

from ..labels import N_

__all__ = ["N_", "UserError"]


class UserError(ValueError):
    def __init__(self, message: str, **params: Any):
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)
