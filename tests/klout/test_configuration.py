"""Bad configuration stops the process at start with one clear line."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

LONG_SECRET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def run_manage(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    dropped = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "TOKEN_ENCRYPTION_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "1", "DATABASE_URL": "nonsense"}, "DATABASE_URL='nonsense' is not a supported"),
        ({"DEBUG": "0"}, "SECRET_KEY must be set when DEBUG is off"),
        (
            {"DEBUG": "0", "SECRET_KEY": "short-and-guessable"},
            "SECRET_KEY must be at least 50 random characters",
        ),
        ({"DEBUG": "0", "SECRET_KEY": "s" * 60}, "SECRET_KEY must be at least 50 random characters"),
        (
            {"DEBUG": "0", "SECRET_KEY": LONG_SECRET, "ALLOWED_HOSTS": "example.com"},
            "TOKEN_ENCRYPTION_KEY must be set when DEBUG is off",
        ),
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DEBUG": "1", "EMAIL_PORT": "twenty-five"}, "EMAIL_PORT='twenty-five' is not a whole number"),
        ({"DEBUG": "1", "REDIS_URL": "localhost:6379"}, "REDIS_URL='localhost:6379' must be a URL"),
    ],
)
def test_bad_setting_fails_at_start_with_one_line(env, expected):
    result = run_manage(env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("klout: configuration error: ")
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_secret_may_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(f"from-a-file-{LONG_SECRET}\n")
    result = run_manage(
        {
            "DEBUG": "0",
            "SECRET_KEY_FILE": str(secret),
            "ALLOWED_HOSTS": "example.com",
            "TOKEN_ENCRYPTION_KEY": "token-key-for-this-test",
        }
    )
    assert result.returncode == 0, result.stderr


def test_good_configuration_passes_the_checks():
    result = run_manage({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
