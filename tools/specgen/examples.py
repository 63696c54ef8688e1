"""The example records of the generated StackSpot spec, as elimity-com/scim puts them on the wire.

A kind's ``example`` gives one record: ``id``, an optional ``externalId``, its ``attributes`` in
the order the service sends them, optional ``views`` (other renderings of the record that other
kinds embed) and the request bodies ``create``, ``replace`` and ``patch``. The wire record is the
attributes, then ``id`` (kept in place when the attributes already carry it), ``externalId``,
``schemas`` and ``meta {resourceType, created, lastModified?, location}``: elimity's
``Resource.response`` (specs/README.md, stackspot, "Wire shape: flattened").

``!sample Actions`` expands to the Action's wire record, ``!sample Actions.attributes`` to its
attributes only, ``!sample Resources.brief`` to the view ``brief`` of the Resource.
"""

from __future__ import annotations

from typing import Any

from tools.specgen.source import Kind, Sample, Source, SourceError

# components/examples of each kind, in this order: <Noun><suffix>.
SUFFIXES = ("ListResponse", "CreateRequest", "Resource", "ReplaceRequest", "Modified", "PatchRequest")


class Samples:
    """Builds the examples of every kind, expanding ``!sample`` references."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.constants: dict[str, Any] = source.api["examples"]

    def expand(self, node: Any, seen: tuple[str, ...] = ()) -> Any:
        """A fresh copy of ``node`` with every ``!sample`` replaced by what it names."""
        if isinstance(node, Sample):
            if node.ref in seen:
                raise SourceError(f"!sample {node.ref} contains itself ({' -> '.join((*seen, node.ref))})")
            return self.expand(self._target(node.ref), (*seen, node.ref))
        if isinstance(node, dict):
            return {key: self.expand(value, seen) for key, value in node.items()}
        if isinstance(node, list):
            return [self.expand(value, seen) for value in node]
        return node

    def _target(self, ref: str) -> Any:
        endpoint, _, view = ref.partition(".")
        kind = self.source.kind(endpoint)
        if not view:
            return self.record(kind)
        if view == "attributes":
            return kind.example["attributes"]
        views = kind.example.get("views") or {}
        if view not in views:
            raise SourceError(f"!sample {ref}: {kind.file} has no view {view!r} (views: {sorted(views)})")
        return views[view]

    def record(self, kind: Kind, modified: bool = False) -> dict[str, Any]:
        """The kind's wire record (``!sample`` references not yet expanded)."""
        example = kind.example
        body = dict(example["attributes"])
        if body.setdefault("id", example["id"]) != example["id"]:
            raise SourceError(f"{kind.file}: example attributes.id differs from example id")
        if "externalId" in example:
            body["externalId"] = example["externalId"]
        body["schemas"] = list(kind.data["schema_urns"])
        body["meta"] = self._meta(kind, modified)
        return body

    def _meta(self, kind: Kind, modified: bool) -> dict[str, Any]:
        meta = {"resourceType": kind.noun, "created": self.constants["created"]}
        if modified:
            meta["lastModified"] = self.constants["lastModified"]
        meta["location"] = f"{kind.endpoint}/{kind.example['id']}"
        return meta

    def for_kind(self, kind: Kind) -> dict[str, Any]:
        """The six components/examples of one kind."""
        example, wire = kind.example, self.expand(self.record(kind))
        values = (
            {**self.expand(self.constants["list"]), "Resources": [wire]},
            self.expand(example["create"]),
            wire,
            self.expand(example["replace"]),
            self.expand(self.record(kind, modified=True)),
            self.expand(example["patch"]),
        )
        return {kind.noun + suffix: {"value": value} for suffix, value in zip(SUFFIXES, values, strict=True)}
