"""The framework files that ship inside the package."""

from __future__ import annotations

from importlib import resources

SHIPPED = "nl-pga.yaml"


def shipped_text(name: str = SHIPPED) -> str:
    """Return the text of a framework file shipped in samenspel/frameworks/data."""
    return resources.files("samenspel.frameworks").joinpath("data", name).read_text("utf-8")
