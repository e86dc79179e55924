"""The common configuration of every scenario model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ScenarioModel(BaseModel):
    """Base of the scenario models.

    * ``extra="forbid"``: a misspelt field is an error (with a did-you-mean), never ignored.
    * ``frozen=True``: a validated scenario is a value; the engine compiles it and never edits it.
    * ``populate_by_name=True``: fields named after Python keywords (``from_``) accept the YAML
      key (``from``) and the Python name.
    * ``strict=True``: YAML already types its scalars, so ``yes`` is never taken for 1 and
      ``"5"`` is never taken for 5; a wrong type is reported instead of guessed.
    * ``allow_inf_nan=False``: ``.inf`` and ``.nan`` are not meaningful scenario numbers.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        strict=True,
        allow_inf_nan=False,
    )
