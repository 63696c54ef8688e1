"""Reading the compact source of a generated spec: YAML files plus one tag, ``!sample``.

The files are plain YAML (anchors, aliases and ``<<`` merge keys work as usual within one
file). ``!sample <Endpoint>[.<view>]`` stands for the example record of another resource kind
and is expanded by :mod:`tools.specgen.examples`. Every mapping of a kind is checked against
the keys the generator knows, so a misspelt key is an error rather than silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

KIND_KEYS = frozenset(
    {"endpoint", "noun", "schema_urns", "operations", "notes", "request_schema", "responses", "schemas", "example"}
)
KIND_REQUIRED = frozenset({"endpoint", "noun", "schema_urns", "operations", "schemas", "example"})
EXAMPLE_KEYS = frozenset({"id", "externalId", "attributes", "views", "create", "replace", "patch"})
EXAMPLE_REQUIRED = frozenset({"id", "attributes", "create", "replace", "patch"})


class SourceError(ValueError):
    """A mistake in the source files; the message names the file."""


@dataclass(frozen=True)
class Sample:
    """``!sample <Endpoint>[.<view>]``: another kind's example record, expanded when examples are built."""

    ref: str


class _Loader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that also reads ``!sample``."""


def _construct_sample(loader: yaml.SafeLoader, node: yaml.Node) -> Sample:
    if not isinstance(node, yaml.ScalarNode):
        raise SourceError(f"!sample takes a name such as Actions or Resources.brief, not a {type(node).__name__}")
    return Sample(loader.construct_scalar(node))


_Loader.add_constructor("!sample", _construct_sample)


def read(path: Path) -> Any:
    """One source file, parsed."""
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)


@dataclass(frozen=True)
class Kind:
    """One resource kind (``users.yaml``...): its description, schemas and example record."""

    file: str
    data: dict[str, Any]

    @property
    def endpoint(self) -> str:
        return str(self.data["endpoint"])

    @property
    def noun(self) -> str:
        return str(self.data["noun"])

    @property
    def example(self) -> dict[str, Any]:
        return dict(self.data["example"])

    def placeholders(self) -> dict[str, str]:
        """Values of the placeholders of operations.yaml and ``per_kind_schemas``."""
        return {"Noun": self.noun, "Endpoint": self.endpoint, "EndpointId": self.endpoint.replace("-", "")}


@dataclass(frozen=True)
class Source:
    """Everything the generator reads, in the order the document needs it."""

    api: dict[str, Any]
    operations: dict[str, Any]
    components: dict[str, Any]
    kinds: list[Kind]
    schema_order: list[Kind]

    def kind(self, endpoint: str) -> Kind:
        for kind in self.kinds:
            if kind.endpoint == endpoint:
                return kind
        raise SourceError(f"!sample {endpoint}: no kind has this endpoint")


def _check_keys(where: str, data: Any, allowed: frozenset[str], required: frozenset[str]) -> None:
    if not isinstance(data, dict):
        raise SourceError(f"{where}: expected a mapping")
    unknown, missing = sorted(set(data) - allowed), sorted(required - set(data))
    if unknown or missing:
        raise SourceError(f"{where}: unknown keys {unknown}, missing keys {missing}")


def read_kind(directory: Path, name: str, operations: dict[str, Any]) -> Kind:
    """One kind file, checked."""
    file = f"{name}.yaml"
    data = read(directory / file)
    _check_keys(file, data, KIND_KEYS, KIND_REQUIRED)
    _check_keys(f"{file} example", data["example"], EXAMPLE_KEYS, EXAMPLE_REQUIRED)
    for key in ("operations", "notes", "request_schema", "responses"):
        names = data.get(key) or []
        if unknown := sorted(set(names) - set(operations)):
            raise SourceError(f"{file} {key}: {unknown} are not operations of operations.yaml")
    return Kind(file, data)


def load(directory: Path) -> Source:
    """The whole source of one spec, from its folder."""
    api = read(directory / "api.yaml")
    operations = read(directory / "operations.yaml")
    kinds = {name: read_kind(directory, name, operations["operations"]) for name in api["kinds"]}
    if sorted(api["schema_order"]) != sorted(kinds):
        raise SourceError("api.yaml: schema_order must list the same kinds as kinds")
    return Source(
        api=api,
        operations=operations,
        components=read(directory / "components.yaml"),
        kinds=list(kinds.values()),
        schema_order=[kinds[name] for name in api["schema_order"]],
    )
