"""Shared fixtures: the ``contracts.plugin`` fixtures come in through the ``pytest11`` entry point."""
