"""Loads the framework at start-up; an invalid file stops the app with the file and key path."""

from __future__ import annotations

from flask import Flask, current_app

from .framework import Framework, FrameworkRegistry


def init_app(app: Flask) -> None:
    app.extensions["frameworks"] = FrameworkRegistry.load(
        app.config["QUESTIONNAIRES_DIR"], app.config["TRANSLATIONS_DIR"]
    )


def registry() -> FrameworkRegistry:
    return current_app.extensions["frameworks"]


def framework_for(version: str) -> Framework:
    return registry().get(version)
