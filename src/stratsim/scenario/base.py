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
    * ``use_attribute_docstrings=True``: the docstring under a field is its description, so the
      meaning written next to the field reaches the JSON Schema (``stratsim schema``) and the
      scenario-file reference (``docs/scenario-reference.md``) from one place.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        strict=True,
        allow_inf_nan=False,
        use_attribute_docstrings=True,
    )


def one_line(text: str) -> str:
    """A field's docstring as one line (its source line breaks and indents collapsed to spaces).

    Descriptions are written as docstrings wrapped at the source's line length; error messages,
    the JSON Schema and the reference tables show them as running text.
    """
    return " ".join(text.split())
