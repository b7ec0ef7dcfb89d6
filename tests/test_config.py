"""Settings come from the environment, with safe defaults, and are all documented."""

from __future__ import annotations

import stat
from pathlib import Path

from server.config import Settings

README = Path(__file__).resolve().parent.parent / "README.md"


def test_defaults_use_sqlite_under_the_data_folder(tmp_path):
    settings = Settings.from_env({"DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite://{tmp_path}/tremplin.sqlite3"
    assert settings.smtp_port == 587
    assert settings.redis_url == ""


def test_a_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = Settings.from_env({"DATA_DIR": str(tmp_path)})
    second = Settings.from_env({"DATA_DIR": str(tmp_path)})
    assert len(first.secret_key) >= 40
    assert first.secret_key == second.secret_key
    mode = (tmp_path / "secret_key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_environment_values_are_typed(tmp_path):
    settings = Settings.from_env(
        {
            "DATA_DIR": str(tmp_path),
            "SECRET_KEY": "from-the-environment",
            "DATABASE_URL": "postgres://u:p@db:5432/tremplin",
            "SMTP_PORT": "2525",
            "SMTP_STARTTLS": "false",
            "SECURE_COOKIES": "yes",
        }
    )
    assert settings.secret_key == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()
    assert settings.smtp_port == 2525
    assert settings.smtp_starttls is False
    assert settings.secure_cookies is True


def test_every_setting_is_documented_in_the_readme():
    readme = README.read_text()
    undocumented = [name for name in Settings.documented() if f"| `{name}` |" not in readme]
    assert undocumented == []
