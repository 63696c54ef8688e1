"""Generate ``specs/stackspot.yaml`` from its compact source in ``specs/src/stackspot/``.

Run from the repository root::

    python -m tools.specgen.stackspot           # rewrite specs/stackspot.yaml from the source
    python -m tools.specgen.stackspot --check   # exit 1 (with a diff) if the committed file differs

``tests/test_stackspot_spec_generated.py`` runs ``--check``: edit the source, never the output.
The mock reads only the generated file (``mockserver/specs.py``); nothing at run time imports
this package.

The source (YAML; anchors, aliases and ``<<`` merges work within a file):

``api.yaml``
    ``header`` (comment lines above the document), ``document`` (``openapi``, ``info``,
    ``servers``, ``security``, copied as is), ``kinds`` (kind files in the order of tags, paths
    and examples), ``schema_order`` (the same kinds in the order of their schemas), ``routes``
    (every operation is served on each: path prefix, operationId suffix, tenant parameter,
    the ``{tenant}`` sentence, the tenant parameter of links) and ``examples`` (constants of
    the generated examples).
``operations.yaml``
    The operation shapes (list, create, get, replace, patch, delete) with their prose, written
    once; placeholders ``{Noun}``, ``{Endpoint}``, ``{EndpointId}``, ``{tenant}``, ``{note}``.
    Its header comment lists the keys.
``components.yaml``
    ``securitySchemes``, ``parameters``, ``error_responses`` (description and examples of each
    components/responses entry; the body is always schemas/Error), the shared ``schemas`` and
    ``per_kind_schemas`` (``{Noun}List``).
``<kind>.yaml`` (``users.yaml``, ``resource-types.yaml``...)
    ``endpoint`` (path segment and tag), ``noun`` (SCIM resourceType, used in operationIds and
    component names), ``schema_urns`` (the ``schemas`` of its records), ``operations`` (which of
    the shapes it has), ``notes`` (its own sentence in an operation's description, by operation),
    ``request_schema`` (a request schema other than ``<Noun>Create``/``<Noun>Replace``, by
    operation), ``responses`` (responses added to an operation, by operation), ``schemas`` (its
    components/schemas, copied as is) and ``example`` (its record: see
    :mod:`tools.specgen.examples`; ``!sample`` embeds another kind's record).

Output: PyYAML's pure-Python safe dumper, keys in source order (``sort_keys=False``), block
style, ``width=140``, ``allow_unicode``, no anchors, ``\\n`` line ends: the same source always
gives the same bytes.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import Any

import yaml

from tools.specgen.examples import Samples
from tools.specgen.source import Kind, Source, SourceError, load

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "specs" / "src" / "stackspot"
OUTPUT = ROOT / "specs" / "stackspot.yaml"
WIDTH = 140
ERROR_URN = "urn:ietf:params:scim:api:messages:2.0:Error"  # RFC 7644 §3.12
RESPONSE_KEYS = frozenset({"description", "schema", "example", "links", "link"})


def ref(section: str, name: str) -> dict[str, str]:
    """A local reference to ``components/<section>/<name>``."""
    return {"$ref": f"#/components/{section}/{name}"}


def fill(node: Any, values: dict[str, str]) -> Any:
    """``node`` with ``str.format`` placeholders filled in every string, keys included."""
    if isinstance(node, str):
        try:
            return node.format_map(values)
        except (KeyError, IndexError, ValueError) as exc:
            raise SourceError(
                f"{node!r}: unknown placeholder or stray brace ({exc}); write {{{{ }}}} for a brace"
            ) from exc
    if isinstance(node, dict):
        return {fill(key, values): fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [fill(value, values) for value in node]
    return node


def sentences(description: str | list[str]) -> list[str]:
    """An operation description: one string, or sentences to join (empty ones are dropped)."""
    return [description] if isinstance(description, str) else description


class Builder:
    """Builds the OpenAPI document from a loaded :class:`Source`."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.shapes: dict[str, Any] = source.operations["operations"]
        self.media: str = source.operations["response_media_type"]

    def document(self) -> dict[str, Any]:
        doc = dict(self.source.api["document"])
        doc["tags"] = [{"name": kind.endpoint} for kind in self.source.kinds]
        doc["paths"] = self.paths()
        doc["components"] = self.components()
        return doc

    def paths(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for kind in self.source.kinds:
            for route in self.source.api["routes"]:
                for name in (n for n in self.shapes if n in kind.data["operations"]):
                    shape = self.shapes[name]
                    path = f"{route['prefix']}/{kind.endpoint}" + ("/{id}" if shape["path"] == "item" else "")
                    out.setdefault(path, {})[shape["method"]] = self.operation(kind, route, name)
        return out

    def _shape(self, kind: Kind, route: dict[str, Any], name: str) -> Any:
        """The operation shape with this kind's and route's values filled in."""
        note = (kind.data.get("notes") or {}).get(name, "")
        if note and "{note}" not in " ".join(sentences(self.shapes[name]["description"])):
            raise SourceError(f"{kind.file}: notes.{name} has no {{note}} place in operations.yaml")
        return fill(self.shapes[name], {**kind.placeholders(), "tenant": route["tenant"], "note": note})

    def operation_id(self, kind: Kind, route: dict[str, Any], name: str) -> str:
        return str(fill(self.shapes[name]["operationId"], kind.placeholders())) + route["operationId_suffix"]

    def operation(self, kind: Kind, route: dict[str, Any], name: str) -> dict[str, Any]:
        shape = self._shape(kind, route, name)
        op: dict[str, Any] = {
            "operationId": self.operation_id(kind, route, name),
            "summary": shape["summary"],
            "description": " ".join(sentence for sentence in sentences(shape["description"]) if sentence),
            "tags": [kind.endpoint],
            "parameters": [ref("parameters", p) for p in (route["tenant_parameter"], *shape["parameters"])],
        }
        if "request" in shape:
            op["requestBody"] = self.request_body(kind, name, shape["request"])
        extra = (kind.data.get("responses") or {}).get(name, {})
        responses = {str(status): spec for status, spec in {**shape["responses"], **extra}.items()}
        op["responses"] = {status: self.response(kind, route, spec) for status, spec in responses.items()}
        return op

    def request_body(self, kind: Kind, name: str, request: dict[str, Any]) -> dict[str, Any]:
        schema = (kind.data.get("request_schema") or {}).get(name) or request["schema"]
        return {
            "required": True,
            "description": request["description"],
            "content": {
                media: self.content(schema, request["example"])
                for media in self.source.operations["request_media_types"]
            },
        }

    def content(self, schema: str, example: str) -> dict[str, Any]:
        return {"schema": ref("schemas", schema), "examples": {"example": ref("examples", example)}}

    def response(self, kind: Kind, route: dict[str, Any], spec: Any) -> dict[str, Any]:
        if isinstance(spec, str):
            return ref("responses", spec)
        if unknown := sorted(set(spec) - RESPONSE_KEYS):
            raise SourceError(f"operations.yaml: unknown response keys {unknown}")
        out: dict[str, Any] = {"description": spec["description"]}
        if "schema" in spec:
            out["content"] = {self.media: self.content(spec["schema"], spec["example"])}
        if "links" in spec:
            out["links"] = self.links(kind, route, spec)
        return out

    def links(self, kind: Kind, route: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
        """Links to the kind's operations on the same route; the tenant travels the route's way."""
        return {
            link: {
                "operationId": self.operation_id(kind, route, target),
                "parameters": {**route["link_parameters"], **spec["link"]["parameters"]},
                "description": spec["link"]["description"],
            }
            for link, target in spec["links"].items()
            if target in kind.data["operations"]
        }

    def components(self) -> dict[str, Any]:
        shared = self.source.components
        samples = Samples(self.source)
        return {
            "securitySchemes": shared["securitySchemes"],
            "parameters": shared["parameters"],
            "responses": {name: self.error_response(spec) for name, spec in shared["error_responses"].items()},
            "examples": {name: ex for kind in self.source.kinds for name, ex in samples.for_kind(kind).items()},
            "schemas": self.schemas(),
        }

    def error_response(self, spec: dict[str, Any]) -> dict[str, Any]:
        examples = {name: {"value": {"schemas": [ERROR_URN], **body}} for name, body in spec["examples"].items()}
        return {
            "description": spec["description"],
            "content": {self.media: {"schema": ref("schemas", "Error"), "examples": examples}},
        }

    def schemas(self) -> dict[str, Any]:
        out = dict(self.source.components["schemas"])
        for kind in self.source.schema_order:
            if clash := sorted(set(out) & set(kind.data["schemas"])):
                raise SourceError(f"{kind.file}: schemas {clash} are already defined")
            out.update(kind.data["schemas"])
        for kind in self.source.kinds:
            out.update(fill(self.source.components["per_kind_schemas"], kind.placeholders()))
        return out


class _Dumper(yaml.SafeDumper):
    """Safe dumper that writes shared nodes out in full (no ``&id001`` anchors)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render(source_dir: Path = SOURCE) -> str:
    """The text of the generated spec."""
    source = load(source_dir)
    body = yaml.dump(
        Builder(source).document(),
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=WIDTH,
    )
    return str(source.api["header"]) + body


def check(text: str, output: Path) -> int:
    """0 when ``output`` holds exactly ``text``; else 1 and a diff on stderr."""
    current = output.read_text(encoding="utf-8") if output.is_file() else ""
    if current == text:
        return 0
    diff = difflib.unified_diff(current.splitlines(), text.splitlines(), str(output), "generated", lineterm="", n=1)
    print("\n".join(list(diff)[:60]), file=sys.stderr)
    print(f"{output} is not the generator's output: run python -m tools.specgen.stackspot", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.specgen.stackspot", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 if they differ")
    parser.add_argument("--source", type=Path, default=SOURCE, help="source folder (default: specs/src/stackspot)")
    parser.add_argument(
        "--output", default=str(OUTPUT), help="spec file, or - for stdout (default: specs/stackspot.yaml)"
    )
    args = parser.parse_args(argv)
    try:
        text = render(args.source)
    except (SourceError, KeyError, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    if args.check:
        return check(text, Path(args.output))
    Path(args.output).write_text(text, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
