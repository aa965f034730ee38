"""The framework's file format, as pydantic models.

Every model forbids unknown keys, so a typo in a questionnaire file is an error with its key
path instead of a silently ignored field. Cross-references (duplicate ids, dependencies on
missing indicators, triggers pointing nowhere) are checked by the loader once every file is read.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

RISK_FACTORS = tuple(f"RF{n}" for n in range(1, 15))
LEVELS = (0, 1, 2, 3, 4)

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class DomainKind(StrEnum):
    SCORED = "scored"
    CROSS_CUTTING = "cross_cutting"
    CONTEXT = "context"


class QuestionType(StrEnum):
    SCALE = "scale"  # 0-4 with a descriptor per level; the only scored type
    YES_NO_PARTIAL = "yes_no_partial"
    NUMBER = "number"
    CHOICE = "choice"
    TEXT = "text"


class Condition(StrEnum):
    WILL = "will"
    CAPACITY = "capacity"
    ACQUIESCENCE = "acquiescence"


class Level(StrEnum):
    LOCAL = "local"
    NATIONAL = "national"
    REGIONAL = "regional"


class AtrocityType(StrEnum):
    MASS_KILLING = "mass_killing"
    FORCED_DISPLACEMENT = "forced_displacement"
    SEXUAL_VIOLENCE = "sexual_violence"
    ARBITRARY_DETENTION = "arbitrary_detention"


class Band(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Recommendations(Strict):
    critical: NonEmpty
    high: NonEmpty
    medium: NonEmpty


class Choice(Strict):
    value: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
    label: NonEmpty


class Question(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}-\d+\.\d+$")]
    type: QuestionType = QuestionType.SCALE
    text: NonEmpty
    guidance: NonEmpty
    levels: dict[int, NonEmpty] | None = None
    evidence: list[NonEmpty] = Field(default_factory=list)
    recommendations: Recommendations | None = None
    choices: list[Choice] | None = None
    unit: str | None = None

    @field_validator("levels")
    @classmethod
    def _every_level_described(cls, levels: dict[int, str] | None) -> dict[int, str] | None:
        if levels is not None:
            missing = [n for n in LEVELS if n not in levels]
            extra = sorted(set(levels) - set(LEVELS))
            if missing:
                raise ValueError(
                    f"a descriptor is missing for level(s) {missing}; 0 to 4 need one each"
                )
            if extra:
                raise ValueError(f"levels run from 0 to 4, not {extra}")
        return levels

    @model_validator(mode="after")
    def _fits_its_type(self) -> Question:
        if self.type is QuestionType.SCALE:
            if self.levels is None:
                raise ValueError("a scale question needs 'levels' with a descriptor for 0 to 4")
            if self.recommendations is None:
                raise ValueError(
                    "a scale question needs 'recommendations' for critical, high, medium"
                )
            if not self.evidence:
                raise ValueError("a scale question needs 'evidence' for levels 2 and above")
        elif self.levels is not None:
            raise ValueError(f"only scale questions have levels, not {self.type.value}")
        if self.type is QuestionType.CHOICE and not self.choices:
            raise ValueError("a choice question needs 'choices'")
        if self.type is not QuestionType.CHOICE and self.choices:
            raise ValueError(f"only choice questions have choices, not {self.type.value}")
        return self

    @property
    def scored(self) -> bool:
        return self.type is QuestionType.SCALE


class Dependency(Strict):
    indicator: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}-\d+$")]
    reason: NonEmpty


class Indicator(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}-\d+$")]
    name: NonEmpty
    description: str | None = None
    weight: Annotated[int, Field(ge=1, le=3)]
    risk_factors: list[Literal[RISK_FACTORS]] = Field(min_length=1)  # type: ignore[valid-type]
    counters: list[Condition] = Field(min_length=1)
    levels: list[Level] = Field(min_length=1)
    atrocity_types: list[AtrocityType] = Field(min_length=1)
    depends_on: list[Dependency] = Field(default_factory=list)
    questions: list[Question] = Field(min_length=1)

    @property
    def scored_questions(self) -> list[Question]:
        return [q for q in self.questions if q.scored]


class Trigger(Strict):
    """A yes/no context flag: when set, the priority of the linked indicators' gaps rises."""

    id: Annotated[str, StringConstraints(pattern=r"^CTX-\d+$")]
    text: NonEmpty
    guidance: NonEmpty
    risk_factors: list[Literal[RISK_FACTORS]] = Field(min_length=1)  # type: ignore[valid-type]
    raises: list[Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}-\d+$")]] = Field(min_length=1)
    # The reforms the window favours: when the event is near, these are easier to carry.
    favours: list[Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}-\d+$")]] = Field(
        default_factory=list
    )
    window: str | None = None  # why the window favours them, one or two sentences

    @model_validator(mode="after")
    def _window_explained(self) -> Trigger:
        if self.favours and not (self.window and self.window.strip()):
            raise ValueError("a trigger that favours reforms needs a 'window' saying why")
        return self


class Domain(Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    name: NonEmpty
    kind: DomainKind
    description: NonEmpty
    indicators: list[Indicator] = Field(default_factory=list)
    triggers: list[Trigger] = Field(default_factory=list)

    @model_validator(mode="after")
    def _holds_what_its_kind_holds(self) -> Domain:
        if self.kind is DomainKind.CONTEXT:
            if self.indicators:
                raise ValueError("a context domain holds triggers, not indicators")
            if not self.triggers:
                raise ValueError("a context domain needs at least one trigger")
        else:
            if self.triggers:
                raise ValueError(
                    f"only the context domain holds triggers, not a {self.kind.value} one"
                )
            if not self.indicators:
                raise ValueError("a domain needs at least one indicator")
        for indicator in self.indicators:
            if not indicator.id.startswith(self.code + "-"):
                raise ValueError(f"indicator {indicator.id} does not belong to domain {self.code}")
        return self


class ChangelogEntry(Strict):
    version: NonEmpty
    date: NonEmpty
    changes: list[NonEmpty] = Field(min_length=1)


_SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


class FrameworkMeta(Strict):
    """questionnaires/framework.yaml: what the framework is and which domain files it holds."""

    framework: NonEmpty
    title: NonEmpty
    version: NonEmpty
    source_language: Literal["en"] = "en"
    domains: list[NonEmpty] = Field(min_length=1)
    scale: dict[int, NonEmpty]
    changelog: list[ChangelogEntry] = Field(min_length=1)

    @field_validator("version")
    @classmethod
    def _semver(cls, version: str) -> str:
        if not _SEMVER.match(version):
            raise ValueError("the version is MAJOR.MINOR.PATCH, for example 1.0.0")
        return version

    @model_validator(mode="after")
    def _changelog_describes_this_version(self) -> FrameworkMeta:
        if self.changelog[0].version != self.version:
            raise ValueError(
                f"the first changelog entry must describe version {self.version}, "
                f"not {self.changelog[0].version}"
            )
        return self

    @field_validator("scale")
    @classmethod
    def _scale_complete(cls, scale: dict[int, str]) -> dict[int, str]:
        if sorted(scale) != list(LEVELS):
            raise ValueError("the scale names each level from 0 to 4 exactly once")
        return scale
