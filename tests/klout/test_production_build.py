"""The production build: static files collected with DEBUG off, then the real server serving pages.

This is what the Dockerfile does; a missing file referenced by a vendored library (a source
map, say) stops ``collectstatic`` there, and without its manifest every page answers 500.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import ROOT

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "production-build-test-" + "k" * 40,
    "TOKEN_ENCRYPTION_KEY": "production-build-test-token-key",
    "ALLOWED_HOSTS": "127.0.0.1",
}


def _env(var_dir) -> dict[str, str]:
    dropped = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(PRODUCTION_ENV)
    env["KLOUT_VAR_DIR"] = str(var_dir)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_static_files_collect_with_debug_off_and_gunicorn_serves_pages(tmp_path):
    env = _env(tmp_path)
    collected = _manage("collectstatic", "--no-input", env=env)
    assert collected.returncode == 0, collected.stderr[-2000:]
    assert (tmp_path / "staticfiles" / "staticfiles.json").is_file()
    migrated = _manage("migrate", "--no-input", env=env)
    assert migrated.returncode == 0, migrated.stderr[-2000:]

    port = _free_port()
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [gunicorn, "klout.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        status, home = _get(base + "/")
        assert status == 200, home[:500]
        # The stylesheet link points at the hashed name from the manifest, and is served.
        assert "/static/vendor/pico/pico.min." in home
        stylesheet = home.split('href="/static/vendor/pico/pico.min.', 1)[1].split('"', 1)[0]
        assert stylesheet != "css", "the manifest did not rename the stylesheet"
        assert _get(f"{base}/static/vendor/pico/pico.min.{stylesheet}")[0] == 200
        for page in ("/accounts/login/", "/how-the-score-works/", "/privacy/opt-out/"):
            status, body = _get(base + page)
            assert status == 200, f"{page}: {status} {body[:300]}"
        assert _get(base + "/no-such-page/")[0] == 404
    finally:
        server.terminate()
        server.wait(timeout=10)
