"""Issue 3, point 1: ``idsync serve`` / ``python -m mockserver`` start, print, serve and stop cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]


def start(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str, str]:
    """Start the server on a free port; return the process, its base URL and its banner."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"on (http://127\.0\.0\.1:\d+)", line)
    assert match, f"unexpected banner: {line!r}"
    url = match.group(1)
    banner = line
    while "Ctrl-C" not in line:
        line = proc.stdout.readline()
        banner += line
    while True:
        try:
            httpx.get(url + "/", timeout=1)
            break
        except httpx.TransportError:
            assert time.monotonic() - started < 15, "server did not answer"
            time.sleep(0.02)
    return proc, url, banner


def stop(proc: subprocess.Popen[str]) -> str:
    """SIGINT (Ctrl-C); the process must exit 0. Returns what it printed after the first line."""
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0, out
    return out


def test_serve_prints_urls_and_credentials_and_stops_on_ctrl_c() -> None:
    proc, url, banner = start()
    try:
        apis = {a["name"]: a for a in httpx.get(url + "/").json()["apis"]}
        assert apis["authentik"]["base_path"] == "/authentik/api/v3"
        assert httpx.get(url + "/__admin/clock", headers={"Authorization": "Bearer idsync-token"}).status_code == 200
    finally:
        out = banner + stop(proc)
    assert "admin:admin" in out and "idsync-token" in out and "/scim/default/v2" in out
    assert "stopped" in out and "Traceback" not in out


def test_api_option_serves_one_api_at_the_root_and_keeps_admin() -> None:
    proc, url, _ = start("--api", "authentik")
    try:
        apis = {a["name"]: a["base_path"] for a in httpx.get(url + "/").json()["apis"]}
        assert apis == {"authentik": "/api/v3", "scim": "/scim", "admin": "/__admin"}
    finally:
        stop(proc)


def test_seed_option_loads_a_yaml_seed(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("credentials: {bearer: [my-token]}\nscim: {tenants: {acme: {tokens: [acme-token]}}}\n")
    proc, url, _ = start("--seed", str(seed))
    try:
        admin = {"Authorization": "Bearer my-token"}
        tenants = httpx.get(url + "/__admin/tenants", headers=admin).json()["tenants"]
        assert "acme" in [t["name"] for t in tenants] and "default" not in [t["name"] for t in tenants]
        assert httpx.get(url + "/__admin/tenants", headers={"Authorization": "Bearer idsync-token"}).status_code == 401
    finally:
        stop(proc)


def test_list_profiles_prints_one_per_line() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mockserver", "--list-profiles"], capture_output=True, text=True, check=True
    ).stdout
    from mockserver.profiles import PROFILES

    lines = [line for line in out.splitlines() if line.strip()]
    assert [line.split()[0] for line in lines] == list(PROFILES)
    assert all(len(line.split(None, 1)) == 2 for line in lines), "every profile needs a description"


@pytest.mark.skipif(os.environ.get("IDSYNC_SKIP_WHEEL") == "1", reason="IDSYNC_SKIP_WHEEL=1")
def test_wheel_ships_the_specs_and_serves_outside_the_repo(tmp_path: Path) -> None:
    """Issue 2, point 1: a ``pip install .`` user, outside the repo, can serve."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("idsync-*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    for spec in ("sift", "authentik", "resolution", "stackspot", "vcf", "scim", "admin"):
        assert f"mockserver/_specs/{spec}.yaml" in names
    assert "mockserver/data/default-seed.yaml" in names
    packages = {
        str(p.parent.relative_to(ROOT)) for d in ("mockserver", "contracts") for p in (ROOT / d).rglob("__init__.py")
    }
    missing = sorted(pkg for pkg in packages if f"{pkg}/__init__.py" not in names)
    assert not missing, f"packages missing from the wheel (pyproject [tool.setuptools] packages): {missing}"
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc, url, _ = start(cwd=tmp_path, env=env)
    try:
        assert httpx.get(url + "/").status_code == 200
        located = subprocess.run(
            [sys.executable, "-c", "from mockserver.specs import spec_dir; print(spec_dir())"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert located.startswith(str(site))
    finally:
        stop(proc)
