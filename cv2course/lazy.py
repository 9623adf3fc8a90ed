"""Lazy package exports (PEP 562): a public name is imported from its submodule on first use,
so that ``import cv2course.gans`` stays cheap until a model is touched."""
import importlib
import sys


def lazy_exports(package, exports, modules=()):
    """``(__getattr__, __dir__)`` for ``package``: ``exports`` maps a name to the submodule
    holding it; ``modules`` are submodules reachable as attributes."""

    def __getattr__(name):
        if name in exports:
            return getattr(importlib.import_module(f"{package}.{exports[name]}"), name)
        if name in modules:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(vars(sys.modules[package])) | set(exports) | set(modules))

    return __getattr__, __dir__
