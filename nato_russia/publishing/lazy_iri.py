"""jsonschema's IRI format check without its import cost: rfc3987-syntax loaded when first used.

jsonschema imports rfc3987-syntax (when installed) as it is imported, for its optional "iri" format
checks, and rfc3987-syntax builds an Earley parser for its grammar as it is imported: about 1.7 s of
CPU in every process that imports nbformat (papermill, nbconvert, the build), python-jsonschema/
jsonschema#1428. jupyter-events asks for jsonschema[format-nongpl], which needs it, so the lock carries
it (pip refuses a lock without it). The build instead puts this module's stand-in in its place before
anything imports jsonschema: the same `is_valid_syntax`, which imports the real module on its first call.
Nothing in the build checks an IRI, so the grammar is never built; a check that does gets the real one.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

NAME = "rfc3987_syntax"


def install() -> bool:
    """Put the stand-in in sys.modules unless the real module is imported already or not installed."""
    if NAME in sys.modules or importlib.util.find_spec(NAME) is None:
        return False
    stand_in = types.ModuleType(NAME, __doc__)
    stand_in.is_valid_syntax = is_valid_syntax
    stand_in.__lazy_stand_in__ = True
    sys.modules[NAME] = stand_in
    return True


def real():
    """The real rfc3987_syntax, imported now if only the stand-in was."""
    module = sys.modules.get(NAME)
    if module is None or getattr(module, "__lazy_stand_in__", False):
        sys.modules.pop(NAME, None)
        module = importlib.import_module(NAME)
    return module


def is_valid_syntax(term: str, value: str) -> bool:
    """rfc3987_syntax.is_valid_syntax, the grammar built on the first call."""
    return real().is_valid_syntax(term, value)
