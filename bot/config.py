"""Settings from the environment (and `.env`), validated once at start-up.

An empty value means the default, exactly as if the variable were not set: `DATA_DIR=`
is ./.data (never the current directory), `PORT=` is 3000. A variable set in the
environment, even empty, hides the one in `.env`.

A malformed value is refused here with a message that names the variable; what can
only be checked on disk (DATA_DIR, POLICY_PATH, KB_PATH) is checked by `problems`,
for the commands that use it. bot/cli.py prints either as one line and exits 2.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.storage.embedded import data_dir_problem
from bot.storage.urls import BadRedisUrl, parse_redis_url

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
DingTalkMode = Literal["stream", "http"]


def _bad(message: str) -> PydanticCustomError:
    """A refusal whose message is shown as written (no "Value error, " prefix)."""
    return PydanticCustomError("bad_setting", message)


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    redis_url: str | None = Field(default=None, alias="REDIS_URL")
    data_dir: Path = Field(default=Path(".data"), alias="DATA_DIR")
    policy_path: Path | None = Field(default=None, alias="POLICY_PATH")
    kb_path: Path | None = Field(default=None, alias="KB_PATH")
    # Where the FAQ matcher keeps what it built from the knowledge base (default
    # DATA_DIR/cache/faq): a start with an unchanged knowledge base then reads it back
    # instead of building it (about 30 s for the bundled one).
    faq_cache_dir: Path | None = Field(default=None, alias="FAQ_CACHE_DIR")
    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    dingtalk_client_id: str | None = Field(default=None, alias="DINGTALK_CLIENT_ID")
    dingtalk_client_secret: str | None = Field(default=None, alias="DINGTALK_CLIENT_SECRET")
    dingtalk_robot_code: str | None = Field(default=None, alias="DINGTALK_ROBOT_CODE")
    dingtalk_mode: DingTalkMode | None = Field(default=None, alias="DINGTALK_MODE")
    dingtalk_card_template_id: str | None = Field(default=None, alias="DINGTALK_CARD_TEMPLATE_ID")
    dingtalk_api_url: str = Field(default="https://api.dingtalk.com", alias="DINGTALK_API_URL")
    dingtalk_card_callback_url: str | None = Field(default=None, alias="DINGTALK_CARD_CALLBACK_URL")
    host: str = Field(default="0.0.0.0", alias="HOST")
    port: int = Field(default=3000, alias="PORT")
    log_level: LogLevel = Field(default="INFO", alias="LOG_LEVEL")
    timezone: str | None = Field(default=None, alias="BOT_TIMEZONE")
    # How long an owed message stays with the process that holds it before another
    # process may take it over (its holder died or hung); pickup within 30 s needs <= 20.
    outbox_lease_seconds: float = Field(default=20.0, gt=0, le=20, alias="OUTBOX_LEASE_SECONDS")

    @property
    def faq_cache(self) -> Path:
        return self.faq_cache_dir or self.data_dir / "cache" / "faq"

    @model_validator(mode="before")
    @classmethod
    def _empty_is_unset(cls, data: object) -> object:
        if isinstance(data, Mapping):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data

    @field_validator("redis_url")
    @classmethod
    def _known_redis_url(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_redis_url(value)
            except BadRedisUrl as exc:
                raise _bad(str(exc)) from None
        return value

    @field_validator("port", mode="before")
    @classmethod
    def _port_number(cls, value: object) -> int:
        text = str(value).strip()
        if not text.isdigit() or int(text) > 65535:
            raise _bad(f"{text!r} is not a port number; use a whole number from 0 to 65535")
        return int(text)

    @field_validator("log_level", mode="before")
    @classmethod
    def _known_level(cls, value: object) -> str:
        level = str(value).strip().upper()
        levels = get_args(LogLevel)
        if level not in levels:
            raise _bad(f"{value!r} is not a log level; use {', '.join(levels)}")
        return level

    @field_validator("dingtalk_mode", mode="before")
    @classmethod
    def _known_dingtalk_mode(cls, value: object) -> str:
        mode = str(value).strip().lower()
        modes = get_args(DingTalkMode)
        if mode not in modes:
            raise _bad(f"{value!r} is not a DingTalk mode; use {' or '.join(modes)}")
        return mode

    @field_validator("dingtalk_card_callback_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is not None and not value.strip().startswith(("https://", "http://")):
            raise _bad(
                f"{value!r} is not a URL; use the public URL of POST /dingtalk/events,"
                " e.g. https://bot.example.com/dingtalk/events"
            )
        return value.strip() if value is not None else None

    @property
    def dingtalk_transport(self) -> DingTalkMode:
        """How DingTalk reaches the bot: Stream mode unless DINGTALK_MODE=http."""
        return self.dingtalk_mode or "stream"

    @property
    def dingtalk_robot(self) -> str | None:
        """The robot's code: DINGTALK_ROBOT_CODE, by default the app's client id."""
        return self.dingtalk_robot_code or self.dingtalk_client_id

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise _bad(f"unknown time zone {value!r} (e.g. Asia/Shanghai)") from None
        return value

    @property
    def tz(self) -> ZoneInfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None

    def problems(
        self, *, storage: bool = False, policy: bool = False, kb: bool = False
    ) -> list[tuple[str, str]]:
        """(variable, what is wrong) for the files and directories a command will use:
        `storage` the embedded server's DATA_DIR (when REDIS_URL is unset), `policy`
        POLICY_PATH, `kb` KB_PATH. Creates nothing."""
        found: list[tuple[str, str]] = []
        if storage and self.redis_url is None:
            problem = data_dir_problem(self.data_dir)
            if problem:
                found.append(("DATA_DIR", problem))
        for wanted, name, path in (
            (policy, "POLICY_PATH", self.policy_path),
            (kb, "KB_PATH", self.kb_path),
        ):
            if wanted and path is not None:
                problem = _file_problem(path)
                if problem:
                    found.append((name, problem))
        return found

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, dotenv: Path | None = None) -> Settings:
        """Environment variables win over `.env`, which wins over defaults."""
        values: dict[str, str] = {}
        env_file = dotenv if dotenv is not None else Path(".env")
        if env_file.is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        return cls.model_validate(values)


def _file_problem(path: Path) -> str | None:
    if not path.exists():
        return f"{path} does not exist"
    if not path.is_file():
        return f"{path} is not a file"
    if not os.access(path, os.R_OK):
        return f"{path} cannot be read"
    return None
