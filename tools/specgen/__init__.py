"""Generators of the OpenAPI documents in ``specs/`` that are not written by hand (see specs/README.md)."""
