"""Babel extractor for the framework files: `questionnaires/*.yaml` → questionnaires.pot.

Declared in babel.cfg as `[extractors] questionnaire = assessment.framework.extract:extract`.
Each string goes out as pgettext(context, text), the context naming its stable id and field, so a
translator in any PO tool sees which item a string belongs to.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml

from .loader import META_FILE, _UniqueKeyLoader
from .messages import Message, domain_messages, meta_messages
from .schema import Domain, FrameworkMeta

# (line number, function name, (context, text), translator comments)
Extracted = tuple[int, str, tuple[str, str], list[str]]


def _line_of(source: str, text: str) -> int:
    """The line where a string starts in the file, so PO tools can point at it (1 if not found)."""
    probe = text.split()[0:4]
    if not probe:
        return 1
    needle = " ".join(probe)
    for number, line in enumerate(source.splitlines(), start=1):
        if needle in " ".join(line.split()):
            return number
    return 1


def extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[Extracted]:
    source = fileobj.read().decode("utf-8")
    data = yaml.load(source, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass  # nosec B506
    name = getattr(fileobj, "name", "")
    messages: Iterator[Message]
    if str(name).endswith(META_FILE) or "scale" in data:
        messages = meta_messages(FrameworkMeta.model_validate(data))
    else:
        messages = domain_messages(Domain.model_validate(data))
    for context, text in messages:
        yield _line_of(source, text), "pgettext", (context, text), []
