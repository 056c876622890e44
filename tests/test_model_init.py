"""The model's faster constructors (`_quick_init`) behave exactly like the dataclass ones."""

from __future__ import annotations

import dataclasses

import pytest

from ipsec_doctor import model

CLASSES = [v for v in vars(model).values()
           if isinstance(v, type) and dataclasses.is_dataclass(v) and v.__module__ == model.__name__]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_keyword_and_positional_arguments_land_in_their_fields(cls: type) -> None:
    fields = [f for f in dataclasses.fields(cls) if f.init]
    values = [object() for _ in fields]
    by_keyword = cls(**{f.name: v for f, v in zip(fields, values)})
    by_position = cls(*values)
    for f, v in zip(fields, values):
        assert getattr(by_keyword, f.name) is v
        assert getattr(by_position, f.name) is v


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_defaults_and_factories_apply_only_when_the_argument_is_missing(cls: type) -> None:
    fields = [f for f in dataclasses.fields(cls) if f.init]
    required = {f.name: object() for f in fields
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    a, b = cls(**required), cls(**required)
    for f in fields:
        if f.default is not dataclasses.MISSING:
            assert getattr(a, f.name) is f.default
        elif f.default_factory is not dataclasses.MISSING:
            assert getattr(a, f.name) == f.default_factory()
    assert a == b


@pytest.mark.parametrize("cls", [c for c in CLASSES if c.__dataclass_params__.frozen], ids=lambda c: c.__name__)
def test_frozen_values_stay_frozen(cls: type) -> None:
    fields = [f for f in dataclasses.fields(cls) if f.init]
    value = cls(*[object() for _ in fields])
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, fields[0].name, None)


def test_missing_required_argument_is_still_a_type_error() -> None:
    with pytest.raises(TypeError):
        model.Source()  # type: ignore[call-arg]
