"""The two gettext catalogs and the commands that keep them: extract, update, compile, status.

`messages` holds the interface, `questionnaires` the framework's content. Templates (.pot) and
catalogs (.po) are committed; compiled .mo files are build output.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from .config import KNOWN_LOCALES, PROJECT_ROOT

DOMAINS = {
    # domain: (folder to extract from, extra keywords)
    "messages": ("assessment", ["_l", "lazy_gettext"]),
    "questionnaires": ("questionnaires", []),
}
TRANSLATED_LOCALES = [code for code in KNOWN_LOCALES if code != "en"]


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def template_path(translations: Path, domain: str) -> Path:
    return translations / f"{domain}.pot"


def catalog_path(translations: Path, lang: str, domain: str) -> Path:
    return translations / lang / "LC_MESSAGES" / f"{domain}.po"


def extract(translations: Path, root: Path = PROJECT_ROOT) -> None:
    for domain, (folder, keywords) in DOMAINS.items():
        args = [
            "extract",
            "-F",
            str(root / "babel.cfg"),
            "-o",
            str(template_path(translations, domain)),
            "--sort-by-file",
            "--no-wrap",
            "--project",
            "structural-prevention",
            "-c",
            "TRANSLATORS:",
        ]
        for keyword in keywords:
            args += ["-k", keyword]
        _pybabel(*args, str(root / folder))


def update(translations: Path, domains: list[str] | None = None) -> None:
    """Bring every language's catalogs in line with the templates (new ones are created)."""
    for domain in domains or list(DOMAINS):
        template = template_path(translations, domain)
        for lang in TRANSLATED_LOCALES:
            command = "update" if catalog_path(translations, lang, domain).exists() else "init"
            args = [
                command,
                "-D",
                domain,
                "-i",
                str(template),
                "-d",
                str(translations),
                "-l",
                lang,
                "--no-wrap",
            ]
            if command == "update":
                args.append("--previous")
            _pybabel(*args)


def compile_catalogs(translations: Path) -> None:
    for domain in DOMAINS:
        for lang in TRANSLATED_LOCALES:
            if catalog_path(translations, lang, domain).exists():
                _pybabel(
                    "compile", "-D", domain, "-d", str(translations), "-l", lang, "--statistics"
                )


@dataclass(frozen=True)
class Completeness:
    lang: str
    domain: str
    translated: int
    fuzzy: int
    total: int

    @property
    def missing(self) -> int:
        return self.total - self.translated - self.fuzzy

    @property
    def share(self) -> float:
        return self.translated / self.total if self.total else 1.0


def status(translations: Path) -> list[Completeness]:
    rows = []
    for lang in TRANSLATED_LOCALES:
        for domain in DOMAINS:
            template = template_path(translations, domain)
            if not template.exists():
                continue
            with template.open("rb") as handle:
                total = sum(1 for m in read_po(handle) if m.id)
            path = catalog_path(translations, lang, domain)
            translated = fuzzy = 0
            if path.exists():
                with path.open("rb") as handle:
                    for message in read_po(handle):
                        if not message.id or not message.string:
                            continue
                        if message.fuzzy:
                            fuzzy += 1
                        else:
                            translated += 1
            rows.append(Completeness(lang, domain, translated, fuzzy, total))
    return rows
