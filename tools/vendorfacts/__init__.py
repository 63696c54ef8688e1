"""Derive compact, comparable facts from a vendor's own machine-readable contract.

The vendors publish what their APIs are: authentik its OpenAPI ``schema.yml``, VMware its SDDC
Manager ``swagger.json``, Sift the ``.proto`` files its grpc-gateway serves. The repository keeps
only the facts its tests need, derived by this package and named after source and version
(``tests/vendor/<vendor>-<version>-operations.json``), never a copy of the vendor file. A
maintainer refreshes them for a new vendor version with ``python -m tools.vendorfacts`` (see
``__main__``); ``tests/test_vendor_contracts.py`` compares them with our specs.

One format for every vendor (:mod:`tools.vendorfacts.facts`): per operation its method, path,
parameters, request body and responses, each body flattened to dotted field paths
(``results[].pk``) carrying type, format, required, nullable and enum. ``openapi`` reads an
OpenAPI 3 document (a vendor's or ours), ``protos`` applies grpc-gateway's HTTP mapping to
``.proto`` files.
"""
