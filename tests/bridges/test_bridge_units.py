"""Unit tests of the bridge helpers: pseudonyms, config, texts, splitting, limits."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from pathlib import Path

import pytest

from bot_bridge.config import (
    CommonSettings,
    ConfigError,
    TelegramSettings,
    WhatsAppSettings,
    load_environment,
    parse_env_file,
)
from bot_bridge.core import split_command
from bot_bridge.limits import (
    Decision,
    Deduplicator,
    PayloadCodec,
    PersistentDeduplicator,
    RateLimiter,
    SenderLocks,
)
from bot_bridge.pseudonym import PseudonymKeyMissing, pseudonymise
from bot_bridge.splitting import split_text, truncate, utf16_len
from bot_bridge.texts import TextsError, load_texts

KEY = "a-test-key-of-enough-length"

# ------------------------------------------------------------------ pseudonym


def test_pseudonym_matches_the_contract() -> None:
    key = "k3y-of-sixteen-chars"
    expected = hmac.new(key.encode(), b"telegram:4242", hashlib.sha256).hexdigest()[:32]
    assert pseudonymise("telegram", "4242", key) == "tg-" + expected
    expected_wa = hmac.new(key.encode(), b"whatsapp:31612345678", hashlib.sha256).hexdigest()
    expected_wa = expected_wa[:32]
    assert pseudonymise("whatsapp", "31612345678", key) == "wa-" + expected_wa


def test_pseudonym_is_stable_and_hides_the_id() -> None:
    key, other = "a-key-that-is-long", "another-long-key-!"
    first = pseudonymise("telegram", "4242", key)
    assert first == pseudonymise("telegram", "4242", key)
    assert len(first) == 3 + 32
    assert "4242" not in first
    assert first != pseudonymise("telegram", "4243", key)
    assert first != pseudonymise("telegram", "4242", other)
    assert first[3:] != pseudonymise("whatsapp", "4242", key)[3:]


def test_pseudonym_uses_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSEUDONYM_KEY", "from-env-0123456789")
    assert pseudonymise("whatsapp", "316") == pseudonymise("whatsapp", "316", "from-env-0123456789")


def test_pseudonym_fails_loudly_without_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PSEUDONYM_KEY", raising=False)
    with pytest.raises(PseudonymKeyMissing, match="PSEUDONYM_KEY is not set"):
        pseudonymise("telegram", "1")
    monkeypatch.setenv("PSEUDONYM_KEY", "short")
    with pytest.raises(PseudonymKeyMissing, match="shorter than 16"):
        pseudonymise("telegram", "1")
    with pytest.raises(PseudonymKeyMissing):
        pseudonymise("telegram", "1", "")


def test_pseudonym_rejects_unknown_platform_and_empty_id() -> None:
    with pytest.raises(ValueError):
        pseudonymise("signal", "1", KEY)
    with pytest.raises(ValueError):
        pseudonymise("telegram", "", KEY)


# --------------------------------------------------------------------- config


def test_parse_env_file() -> None:
    text = """
# comment
export A=1
B = "two words"	\t
C='single # not a comment'
D=plain # trailing comment
E="line\\nbreak"
not a line
"""
    assert parse_env_file(text) == {
        "A": "1",
        "B": "two words",
        "C": "single # not a comment",
        "D": "plain",
        "E": "line\nbreak",
    }


def test_real_environment_wins_over_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / "bridge.env"
    env_file.write_text("RASA_URL=http://from-file\nTELEGRAM_BOT_TOKEN=file-token\n")
    monkeypatch.setenv("RASA_URL", "http://from-env")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    env = load_environment(str(env_file))
    assert env["RASA_URL"] == "http://from-env"
    assert env["TELEGRAM_BOT_TOKEN"] == "file-token"


def test_secrets_file_is_the_lowest_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secrets.env").write_text("PSEUDONYM_KEY=from-secrets\nA=secrets\n")
    (tmp_path / ".env").write_text("A=dotenv\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("A", raising=False)
    monkeypatch.delenv("BRIDGE_ENV_FILE", raising=False)
    env = load_environment()
    assert env["PSEUDONYM_KEY"] == "from-secrets"
    assert env["A"] == "dotenv"
    monkeypatch.setenv("PSEUDONYM_KEY", "from-environment")
    assert load_environment()["PSEUDONYM_KEY"] == "from-environment"


def test_missing_explicit_env_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_environment(str(tmp_path / "nope.env"))


def test_common_settings_defaults_and_errors() -> None:
    settings = CommonSettings.from_env({"PSEUDONYM_KEY": KEY, "RASA_URL": "http://r:5005/"})
    assert settings.rasa_url == "http://r:5005"
    assert settings.max_body_bytes == 1024 * 1024
    with pytest.raises(ConfigError, match="PSEUDONYM_KEY"):
        CommonSettings.from_env({})
    with pytest.raises(ConfigError, match="shorter than 16"):
        CommonSettings.from_env({"PSEUDONYM_KEY": "too-short"})
    with pytest.raises(ConfigError, match="RASA_TIMEOUT"):
        CommonSettings.from_env({"PSEUDONYM_KEY": KEY, "RASA_TIMEOUT": "soon"})
    with pytest.raises(ConfigError, match="BRIDGE_RATE_BURST"):
        CommonSettings.from_env({"PSEUDONYM_KEY": KEY, "BRIDGE_RATE_BURST": "0"})


def test_telegram_settings() -> None:
    env = {"PSEUDONYM_KEY": KEY, "TELEGRAM_BOT_TOKEN": "t"}
    settings = TelegramSettings.from_env(env)
    assert settings.mode == "polling"
    assert settings.base_url == "https://api.telegram.org/bot"
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        TelegramSettings.from_env(env, mode="webhook")
    with pytest.raises(ConfigError, match="A-Z, a-z, 0-9, _ and -"):
        TelegramSettings.from_env({**env, "TELEGRAM_WEBHOOK_SECRET": "bad secret!"}, "webhook")
    good = "ok_secret-1" + "x" * 21  # 32 characters
    hook = TelegramSettings.from_env(
        {**env, "TELEGRAM_WEBHOOK_SECRET": good, "TELEGRAM_WEBHOOK_PATH": "tg"},
        mode="webhook",
    )
    assert hook.webhook_path == "/tg"


@pytest.mark.parametrize("secret", ["x", "a" * 31, "a" * 257, "a" * 31 + "!", "é" * 40])
def test_telegram_webhook_secret_needs_32_safe_characters(secret: str) -> None:
    """Issue #17 point 10: a one-character secret was accepted."""
    env = {"PSEUDONYM_KEY": KEY, "TELEGRAM_BOT_TOKEN": "t", "TELEGRAM_WEBHOOK_SECRET": secret}
    with pytest.raises(ConfigError, match="secrets.token_urlsafe") as error:
        TelegramSettings.from_env(env, "webhook")
    assert secret not in str(error.value)  # the (bad) secret is not echoed
    # Built directly (not from the environment) it is refused too.
    common = CommonSettings(pseudonym_key=KEY)
    with pytest.raises(ConfigError):
        TelegramSettings(common=common, bot_token="t", mode="webhook", webhook_secret=secret)
    # Polling mode needs no secret.
    assert TelegramSettings.from_env(env).mode == "polling"
    for ok in ("a" * 32, "A-z_0" * 51 + "x"):
        assert TelegramSettings.from_env({**env, "TELEGRAM_WEBHOOK_SECRET": ok}, "webhook")
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        TelegramSettings.from_env({"PSEUDONYM_KEY": KEY})
    with pytest.raises(ConfigError, match="TELEGRAM_MODE"):
        TelegramSettings.from_env({**env, "TELEGRAM_MODE": "push"})


def test_whatsapp_settings() -> None:
    env = {
        "PSEUDONYM_KEY": KEY,
        "WHATSAPP_ACCESS_TOKEN": "a",
        "WHATSAPP_PHONE_NUMBER_ID": "1",
        "WHATSAPP_VERIFY_TOKEN": "v",
        "WHATSAPP_APP_SECRET": "s",
    }
    settings = WhatsAppSettings.from_env(env)
    assert settings.graph_url == "https://graph.facebook.com"
    assert settings.max_message_age == 300.0
    assert settings.dedup_file == "var/whatsapp-dedup.sqlite3"
    tuned = WhatsAppSettings.from_env(
        {**env, "WHATSAPP_MAX_MESSAGE_AGE": "120", "WHATSAPP_DEDUP_FILE": "/tmp/d.sqlite3"}
    )
    assert (tuned.max_message_age, tuned.dedup_file) == (120.0, "/tmp/d.sqlite3")
    with pytest.raises(ConfigError, match="WHATSAPP_MAX_MESSAGE_AGE"):
        WhatsAppSettings.from_env({**env, "WHATSAPP_MAX_MESSAGE_AGE": "0"})
    for name in ("WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"):
        with pytest.raises(ConfigError, match=name):
            WhatsAppSettings.from_env({k: v for k, v in env.items() if k != name})


# ---------------------------------------------------------------------- texts


def test_texts_load_and_fallback_has_a_phone_number() -> None:
    texts = load_texts()
    assert "0800-0432" in texts.fallback
    assert "tekst" in texts.only_text
    assert len(texts.list_button) <= 20
    assert set(texts.commands) == {"start", "help", "vergeetmij"}


def test_texts_errors(tmp_path: Path) -> None:
    broken = tmp_path / "texts.yml"
    broken.write_text("fallback: hoi\n")
    with pytest.raises(TextsError, match="only_text"):
        load_texts(broken)
    broken.write_text("- a list\n")
    with pytest.raises(TextsError):
        load_texts(broken)


# ------------------------------------------------------------------ splitting


def test_split_keeps_short_text_and_drops_blank() -> None:
    assert split_text("  hoi  ", 10) == ["hoi"]
    assert split_text("   ", 10) == []


def test_split_prefers_paragraphs_and_words() -> None:
    text = ("woord " * 500).strip() + "\n\n" + ("ander " * 500).strip()
    chunks = split_text(text, 4096)
    assert chunks == [("woord " * 500).strip(), ("ander " * 500).strip()]
    long = "aap noot mies " * 1000
    chunks = split_text(long, 100)
    assert all(len(chunk) <= 100 for chunk in chunks)
    assert " ".join(chunks).split() == long.split()


def test_split_hard_cuts_a_giant_word() -> None:
    chunks = split_text("x" * 250, 100)
    assert chunks == ["x" * 100, "x" * 100, "x" * 50]


def test_split_counts_utf16_units() -> None:
    emoji = "😀"  # two UTF-16 code units
    assert utf16_len(emoji) == 2
    chunks = split_text(emoji * 100, 50, utf16_len)
    assert all(utf16_len(chunk) <= 50 for chunk in chunks)
    assert "".join(chunks) == emoji * 100


def test_truncate() -> None:
    assert truncate("kort", 10) == "kort"
    assert truncate("een veel te lange titel", 10) == "een veel…"
    assert len(truncate("x" * 50, 24)) == 24


# --------------------------------------------------------------------- limits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_burst_notify_once_and_refill() -> None:
    clock = Clock()
    limiter = RateLimiter(burst=3, per_minute=6, clock=clock)  # one token per 10 s
    assert [limiter.check("a") for _ in range(3)] == [Decision.ALLOW] * 3
    assert limiter.check("a") is Decision.DENY_NOTIFY
    assert limiter.check("a") is Decision.DENY_SILENT
    assert limiter.check("b") is Decision.ALLOW  # other senders are not affected
    clock.now += 10
    assert limiter.check("a") is Decision.ALLOW
    assert limiter.check("a") is Decision.DENY_NOTIFY  # a new burst is told again
    # There is no way to reset a sender's bucket (erasure must not be one, issue #17).
    assert not hasattr(limiter, "forget")


def test_rate_limiter_is_bounded() -> None:
    limiter = RateLimiter(max_senders=10)
    for n in range(100):
        limiter.check(f"s{n}")
    assert len(limiter) == 10


def test_deduplicator_ttl_and_size() -> None:
    clock = Clock()
    dedup = Deduplicator(ttl=60, max_size=3, clock=clock)
    assert dedup.seen("1") is False
    assert dedup.seen("1") is True
    clock.now += 61
    assert dedup.seen("1") is False
    for key in "abcd":
        dedup.seen(key)
    assert len(dedup) == 3


def test_persistent_deduplicator_survives_a_restart(tmp_path: Path) -> None:
    clock = Clock()
    clock.now = 1_800_000_000.0
    path = tmp_path / "var" / "dedup.sqlite3"
    first = PersistentDeduplicator(path, key=KEY, ttl=300, clock=clock)
    assert first.seen("wamid.1") is False
    assert first.seen("wamid.1") is True
    first.close()
    again = PersistentDeduplicator(path, key=KEY, ttl=300, clock=clock)  # a restart
    assert again.seen("wamid.1") is True
    clock.now += 301
    assert again.seen("wamid.1") is False  # expired: counts as new
    assert again.seen("wamid.1") is True
    again.close()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    raw = path.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("var/*-wal"))
    assert b"wamid.1" not in raw  # only keyed digests are stored


def test_payload_codec_inline_stored_and_unknown() -> None:
    codec = PayloadCodec(64)
    assert codec.encode("/start") == "p:/start"
    assert codec.decode("p:/start") == "/start"
    long_payload = '/kies{"onderwerp":"huur en energie","wie":"ouder","gemeente":"Utrecht"}'
    encoded = codec.encode(long_payload)
    assert encoded.startswith("k:") and len(encoded.encode()) <= 64
    assert codec.decode(encoded) == long_payload
    assert PayloadCodec(64).decode(encoded) is None  # e.g. after a restart
    assert codec.decode("something else") is None
    assert codec.decode(None) is None
    multibyte = "é" * 40  # 80 bytes: too long inline
    assert codec.decode(codec.encode(multibyte)) == multibyte


@pytest.mark.anyio
async def test_sender_locks_keep_order_and_clean_up() -> None:
    locks = SenderLocks()
    order: list = []

    async def work(name: str, delay: float) -> None:
        async with locks.hold("s"):
            await asyncio.sleep(delay)
            order.append(name)

    await asyncio.gather(work("first", 0.05), work("second", 0))
    assert order == ["first", "second"]
    assert len(locks) == 0


def test_split_command() -> None:
    assert split_command("/start") == ["/start"]
    assert split_command("/start@geldzorgen_bot") == ["/start"]
    assert split_command("/vergeetmij") == ["/vergeetmij"]
    assert split_command('/kies{"a":1}') == ['/kies{"a":1}']
    assert split_command(" hoi ") == ["hoi"]
    assert split_command("   ") == []
    # Issue #17 point 11: the words after a command are never lost.
    assert split_command("/help ik wil niet meer leven") == ["/help", "ik wil niet meer leven"]
    assert split_command("/START deeplink") == ["/start", "deeplink"]
    assert split_command("/help@geldzorgen_bot\nik wil dood") == ["/help", "ik wil dood"]
    assert split_command("/vergeetmij /start") == ["/vergeetmij", "start"]  # rest is text
    # Other /words go whole: Rasa's channel sends them through NLU as text.
    assert split_command("/hallo ik wil niet meer leven") == ["/hallo ik wil niet meer leven"]
