"""The framework: questionnaire files as validated data. Imports no Flask."""

from .loader import Framework, FrameworkError, Problem, load_framework
from .registry import FrameworkRegistry, UnknownFrameworkVersion

__all__ = [
    "Framework",
    "FrameworkError",
    "FrameworkRegistry",
    "Problem",
    "UnknownFrameworkVersion",
    "load_framework",
]
