"""idsync contracts: the pytest plugin and ``idsync verify`` / ``idsync fuzz``."""
