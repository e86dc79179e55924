"""Deep merge of a variant scenario over the base it ``extends``.

A real variant file holds only what differs from its baseline (``docs/scenario-reference.md``),
so the merge must let it change one field of one service without repeating the others:

* mappings merge key by key (the variant's value wins, recursively);
* lists whose items are all mappings with an ``id``, in both files, merge **by id**: an item
  with a known id is merged into the base item, an item with a new id is appended, in order;
* any other value (scalars, other lists, an empty list, a change of type) replaces the base one.

The merge works on located trees, so every value keeps the location of the file that wrote it and
an error in an inherited value points into the base file.
"""

from __future__ import annotations

from typing import Any

from .yamltree import LMap, LNode, LScalar, LSeq


def merge(base: LNode, override: LNode) -> LNode:
    """Return ``override`` deep-merged over ``base`` (neither is modified)."""
    if isinstance(base, LMap) and isinstance(override, LMap):
        return _merge_maps(base, override)
    if isinstance(base, LSeq) and isinstance(override, LSeq):
        base_ids, override_ids = _ids(base), _ids(override)
        if base_ids and override_ids:
            return _merge_by_id(base, override, base_ids, override_ids)
    return override


def _merge_maps(base: LMap, override: LMap) -> LMap:
    entries = dict(base.entries)
    for key, (key_mark, value) in override.entries.items():
        if key in entries:
            entries[key] = (key_mark, merge(entries[key][1], value))
        else:
            entries[key] = (key_mark, value)
    return LMap(entries, override.mark)


def _ids(seq: LSeq) -> list[Any] | None:
    """The ``id`` of every item if all items are mappings with a plain id; else None."""
    ids = []
    for item in seq.items:
        entry = item.entries.get("id") if isinstance(item, LMap) else None
        if entry is None or not isinstance(entry[1], LScalar):
            return None
        ids.append(entry[1].value)
    return ids or None


def _merge_by_id(base: LSeq, override: LSeq, base_ids: list[Any], override_ids: list[Any]) -> LSeq:
    """Merge items with the same id; append new ones.  A repeated id in the override is kept
    as a separate item, so the duplicate-id check still reports it."""
    items = list(base.items)
    position: dict[Any, int] = {}
    for index, ident in enumerate(base_ids):
        position.setdefault(ident, index)
    for item, ident in zip(override.items, override_ids):
        if ident in position:
            index = position.pop(ident)
            items[index] = merge(items[index], item)
        else:
            items.append(item)
    return LSeq(items, override.mark)
