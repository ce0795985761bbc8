"""The ranges of :mod:`retrowalk.core.bounds` as form fields, API types and model validators.

Each adapter takes a :class:`~retrowalk.core.bounds.Bound` and nothing else of its own, so a form, the API and the
planner refuse the same values in the same words.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.deconstruct import deconstructible
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from retrowalk.core import bounds as core_bounds
from retrowalk.core.bounds import Bound
from retrowalk.core.units import Units


def form_field(bound: Bound, units: Units = Units.KMH, **kwargs: Any) -> forms.Field:
    """A number field in the person's units: its range (and the browser's min and max) as the bound shows it,
    and the bound's sentence when a value is outside."""
    lo, hi = bound.limits(units)
    if bound.places == 0:
        field: forms.Field = forms.IntegerField(min_value=int(lo), max_value=int(hi), **kwargs)
    else:
        field = forms.FloatField(min_value=lo, max_value=hi, **kwargs)
    # The bound's own check replaces Django's: it compares the value as shown (core/bounds.py).
    field.validators = [v for v in field.validators if not isinstance(v, MinValueValidator | MaxValueValidator)]
    field.validators.append(_InUnits(bound, units))
    return field


class _InUnits:
    """A form's check of a value typed in ``units``."""

    def __init__(self, bound: Bound, units: Units) -> None:
        self.bound, self.units = bound, units

    def __call__(self, value: float) -> None:
        stored = self.bound.stored(value, self.units)
        if self.bound.refuses(stored, self.units):
            raise ValidationError(self.bound.message(self.units, stored), code="bound")


@deconstructible
class WithinBound:
    """A model field's check, for what arrives by other ways than a form (the admin): a stored value is refused
    only when it is outside the bound as shown in either unit, so no value a form accepted is refused later."""

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def bound(self) -> Bound:
        found: Bound = getattr(core_bounds, self.name)
        return found

    def __call__(self, value: float | None) -> None:
        if value is not None and all(self.bound.refuses(value, u) for u in Units):
            raise ValidationError(self.bound.message(Units.KMH, value), code="bound")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WithinBound) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


class Within:
    """``Annotated[float, Within(FORWARD_SPEED)]`` in an API schema: the bound's own check and sentence (a
    stored-units value: km/h, minutes), and its range in the OpenAPI document."""

    def __init__(self, bound: Bound) -> None:
        self.bound = bound

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        # OutOfBoundsError is a ValueError: pydantic reports its sentence ("Value error, …"; the API's handler
        # takes the prefix off).
        return core_schema.no_info_after_validator_function(self.bound.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        found = handler(schema)
        target = handler.resolve_ref_schema(found)
        target.update(minimum=self.bound.lo, maximum=self.bound.hi)
        return found
