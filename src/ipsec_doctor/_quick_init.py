"""A cheaper ``__init__`` for the model's frozen, slotted dataclasses.

``@dataclass(frozen=True)`` writes each field with ``object.__setattr__(self,
"name", value)``: a global lookup, an attribute lookup and a name lookup per
field.  The parsers build one or more model values per configuration line, so
that cost shows in the parse time (about a tenth of a large ASA parse).  The
``__init__`` made here stores through each slot's descriptor directly and is
otherwise the same function: same parameters in the same order, the same
default objects, default factories called only when the argument is missing.

Classes this does not cover exactly (``__post_init__``, ``InitVar``,
keyword-only or ``init=False`` fields, inherited slots, no slots) keep the
``__init__`` that :mod:`dataclasses` generated.
"""

from __future__ import annotations

import dataclasses
import inspect
from types import MemberDescriptorType
from typing import Any


def quicken(namespace: dict[str, Any], module: str) -> None:
    """Give every eligible frozen slotted dataclass defined in ``module`` the cheaper ``__init__``."""
    for value in list(namespace.values()):
        if isinstance(value, type) and value.__module__ == module:
            _quicken_class(value)


def _quicken_class(cls: type) -> bool:
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or not params.init or "__slots__" not in cls.__dict__:
        return False
    if hasattr(cls, "__post_init__"):
        return False
    fields = dataclasses.fields(cls)
    original = inspect.signature(cls.__init__).parameters
    # the generated signature must be exactly (self, f1, f2, ...), all positional-or-keyword
    if list(original)[1:] != [f.name for f in fields]:
        return False
    if any(p.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD for p in original.values()):
        return False
    namespace: dict[str, Any] = {"_MISSING": object()}
    args: list[str] = []
    body: list[str] = []
    for index, f in enumerate(fields):
        slot = cls.__dict__.get(f.name)
        if not isinstance(slot, MemberDescriptorType):
            return False
        namespace[f"_set{index}"] = slot.__set__
        if f.default is not dataclasses.MISSING:
            namespace[f"_default{index}"] = f.default
            args.append(f"{f.name}=_default{index}")
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"_factory{index}"] = f.default_factory
            args.append(f"{f.name}=_MISSING")
            body.append(f"    if {f.name} is _MISSING:\n        {f.name} = _factory{index}()")
        else:
            args.append(f.name)
        body.append(f"    _set{index}(self, {f.name})")
    source = f"def __init__(self, {', '.join(args)}):\n" + ("\n".join(body) or "    pass") + "\n"
    exec(source, namespace)  # noqa: S102 - built only from the class's own field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init  # type: ignore[misc]
    return True
