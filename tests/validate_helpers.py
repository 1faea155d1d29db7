"""Small helpers for tests that walk the models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def nested_models(annotation: Any) -> list[type[BaseModel]]:
    """Model classes inside an annotation such as `list[Phase] | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()) or ():
        found += nested_models(arg)
    return found
