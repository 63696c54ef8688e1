"""Semantic and scenario contracts per API: ``contracts/suites/<api>.py`` (see ``contracts.scenario``)."""
