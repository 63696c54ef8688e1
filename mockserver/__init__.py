"""idsync mock server: one Connexion 3 app mounting every spec with stateful vendor semantics."""
