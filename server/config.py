"""Settings, read once from the environment.

Every setting has a help line: the README documents them all and a test checks that it does.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_DATA_DIR = Path("data")


def _setting(default: Any, help: str, *, secret: bool = False) -> Any:
    return field(default=default, metadata={"help": help}, repr=not secret)


@dataclass(frozen=True)
class Settings:
    """Typed settings of one Tremplin process."""

    data_dir: Path = _setting(
        DEFAULT_DATA_DIR, "Folder for the SQLite file and the generated secret key."
    )
    database_url: str = _setting(
        "",
        "Database URL: sqlite://data/tremplin.sqlite3 (default) or "
        "postgres://user:password@host:5432/name.",
    )
    secret_key: str = _setting(
        "",
        "Key that signs sessions, CSRF tokens and badge codes. When unset, one is generated "
        "and kept in DATA_DIR/secret_key; set the same value on every host.",
        secret=True,
    )
    base_url: str = _setting(
        "http://127.0.0.1:8000", "Public address of the site, used in links sent by e-mail or SMS."
    )
    smtp_host: str = _setting("", "SMTP server for e-mail; e-mail is not sent when empty.")
    smtp_port: int = _setting(587, "SMTP server port.")
    smtp_user: str = _setting("", "SMTP user name, if the server asks for one.")
    smtp_password: str = _setting("", "SMTP password.", secret=True)
    smtp_from: str = _setting("Tremplin <no-reply@localhost>", "Sender address of the e-mails.")
    smtp_starttls: bool = _setting(True, "Use STARTTLS with the SMTP server.")
    sms_url: str = _setting(
        "",
        "Apprise URL of the SMS provider (twilio://, vonage://, httpsms://…), without a "
        "recipient: the worker adds each message's number. SMS stay pending when empty.",
        secret=True,
    )
    whatsapp_url: str = _setting(
        "",
        "Apprise URL of the WhatsApp Cloud API (whatsapp://…), as SMS_URL; {lang} in it "
        "becomes the message's language. WhatsApp is not offered to people when empty.",
        secret=True,
    )
    replies_secret: str = _setting(
        "",
        "Secret part of the address the SMS or WhatsApp provider posts replies to "
        "(/api/v1/replies/<provider>/<secret>), so that a reply STOP stops messages; "
        "replies are refused when empty.",
        secret=True,
    )
    texts_per_number: int = _setting(
        3,
        "Texts one number may be sent in an hour because of an anonymous request "
        "(a sign-up confirmation, a personal link asked for again).",
    )
    texts_per_address: int = _setting(
        20, "Texts that anonymous requests from one client address may cause in an hour."
    )
    texts_per_hour: int = _setting(
        300, "Texts that anonymous requests may cause in an hour on the whole instance."
    )
    redis_url: str = _setting(
        "",
        "Optional Redis URL (redis://127.0.0.1:6379/0) for rate limits; "
        "the database is used when empty.",
    )
    secure_cookies: bool = _setting(False, "Send cookies only over HTTPS; turn on behind TLS.")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables named after the fields, in capitals."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for setting in fields(cls):
            raw = env.get(setting.name.upper())
            if raw is None or raw == "":
                continue
            values[setting.name] = _parse(setting.type, raw)
        settings = cls(**values)
        if not settings.database_url:
            db_file = settings.data_dir / "tremplin.sqlite3"
            settings = replace(settings, database_url=f"sqlite://{db_file}")
        if not settings.secret_key:
            settings = replace(settings, secret_key=load_or_create_secret(settings.data_dir))
        return settings

    @classmethod
    def documented(cls) -> dict[str, str]:
        """Environment variable name → help line, for the README and its test."""
        return {s.name.upper(): s.metadata["help"] for s in fields(cls)}


def _parse(kind: object, raw: str) -> object:
    if kind in (bool, "bool"):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind in (int, "int"):
        return int(raw)
    if kind in (Path, "Path"):
        return Path(raw)
    return raw


def load_or_create_secret(data_dir: Path) -> str:
    """Return the key kept in `data_dir/secret_key`, creating it (mode 0600) on first use."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Written to a private temporary file, then linked into place: a worker starting at the same
    # moment either wins the link or reads the complete key of the one that did, never half of it.
    fd, temporary = tempfile.mkstemp(dir=data_dir, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        os.link(temporary, path)
    except FileExistsError:
        return path.read_text().strip()
    finally:
        os.unlink(temporary)
    return key
