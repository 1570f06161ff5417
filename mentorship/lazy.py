"""Heavy libraries (NumPy, SciPy) imported on first use, so that the app and every command start without them.

`np = lazy_module("numpy")` behaves like `import numpy as np` except that NumPy is imported the first time an
attribute is read. Modules that need the real names for type checking import them under `TYPE_CHECKING`.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """A stand-in for module `name` that imports it when one of its attributes is first read."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(importlib.import_module(self._name), attribute)
        setattr(self, attribute, value)  # later reads are plain attribute reads
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self._name}>"


def lazy_module(name: str) -> Any:
    """Module `name`, imported when first used."""
    return LazyModule(name)
