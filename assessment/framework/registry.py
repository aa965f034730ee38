"""Every framework version the installation knows, by version string.

The current framework lives in `questionnaires/`; earlier releases that assessments were pinned to
live in `questionnaires/releases/<version>/`, so an old assessment is always read against the
exact version it was started on.
"""

from __future__ import annotations

from pathlib import Path

from babel.support import NullTranslations, Translations

from .loader import Framework, FrameworkError, Problem, load_framework
from .messages import translate_domain, translate_meta

RELEASES_DIR = "releases"


class UnknownFrameworkVersion(LookupError):
    pass


class FrameworkRegistry:
    def __init__(
        self, frameworks: dict[str, Framework], current: str, translations_dir: Path | None = None
    ):
        self._frameworks = frameworks
        self.current_version = current
        self.translations_dir = translations_dir
        self._localized: dict[tuple[str, str], Framework] = {}

    @classmethod
    def load(
        cls, directory: Path | str, translations_dir: Path | str | None = None
    ) -> FrameworkRegistry:
        directory = Path(directory)
        current = load_framework(directory)
        frameworks = {current.version: current}
        releases = directory / RELEASES_DIR
        if releases.is_dir():
            for release in sorted(p for p in releases.iterdir() if p.is_dir()):
                framework = load_framework(release)
                if framework.version != release.name:
                    raise FrameworkError(
                        [
                            Problem(
                                f"{RELEASES_DIR}/{release.name}/framework.yaml",
                                "version",
                                f"the folder is named {release.name} but holds {framework.version}",
                            )
                        ]
                    )
                frameworks.setdefault(framework.version, framework)
        return cls(
            frameworks, current.version, Path(translations_dir) if translations_dir else None
        )

    @property
    def current(self) -> Framework:
        return self._frameworks[self.current_version]

    def get(self, version: str) -> Framework:
        try:
            return self._frameworks[version]
        except KeyError:
            raise UnknownFrameworkVersion(version) from None

    @property
    def versions(self) -> list[str]:
        return sorted(self._frameworks)

    def localized(self, version: str, lang: str) -> Framework:
        """The framework of `version` with its text in `lang`, from the questionnaires catalog;
        a string not yet translated stays in the source language."""
        framework = self.get(version)
        if lang == framework.meta.source_language:
            return framework
        key = (version, lang)
        if key not in self._localized:
            catalog = self.content_translations(lang)
            self._localized[key] = Framework(
                meta=translate_meta(framework.meta, catalog.pgettext),
                domains=tuple(translate_domain(d, catalog.pgettext) for d in framework.domains),
            )
        return self._localized[key]

    def content_translations(self, lang: str) -> NullTranslations:
        if self.translations_dir is None:
            return NullTranslations()
        return Translations.load(str(self.translations_dir), [lang], domain="questionnaires")
