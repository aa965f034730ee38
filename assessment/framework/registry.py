"""Every framework version the installation knows, by version string.

The current framework lives in `questionnaires/`; earlier releases that assessments were pinned to
live in `questionnaires/releases/<version>/`, so an old assessment is always read against the
exact version it was started on.
"""

from __future__ import annotations

from pathlib import Path

from .loader import Framework, FrameworkError, Problem, load_framework

RELEASES_DIR = "releases"


class UnknownFrameworkVersion(LookupError):
    pass


class FrameworkRegistry:
    def __init__(self, frameworks: dict[str, Framework], current: str):
        self._frameworks = frameworks
        self.current_version = current

    @classmethod
    def load(cls, directory: Path | str) -> FrameworkRegistry:
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
        return cls(frameworks, current.version)

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
