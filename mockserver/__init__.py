"""idsync mock server: one Connexion 3 app mounting every spec with stateful vendor semantics."""

import warnings

# Connexion imports Starlette's TestClient at import time, which warns about httpx; not ours to fix.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
