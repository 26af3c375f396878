"""Fast tests of the web chat server without a browser: headers, CORS, proxy, limits."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, Optional, Tuple

import pytest

from tests.browser.conftest import ERASED_TEXT, NOT_ERASED_TEXT, ChatFactory, FakeRasa, Hosts
from tests.conftest import free_port
from webchat.__main__ import main
from webchat.config import ConfigError, WebchatSettings, normalise_origin, parse_origins
from webchat.server import TEXT_TIMEOUT, TEXT_UNREACHABLE

ALLOWED = "https://www.gemeente-testdorp.nl"
EVIL = "https://evil.example"
PRIVACY_LINE = (
    "Anoniem: je hoeft geen naam te geven. We bewaren het gesprek onder een code, 30 dagen, "
    "en jij kunt het altijd wissen."
)


def call(
    method: str,
    url: str,
    body: Optional[bytes] = None,
    headers: Optional[Dict[str, str]] = None,
) -> Tuple[int, Any, bytes]:
    """One HTTP request; returns status, headers and body (also for error statuses)."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def post(
    base: str, message: Any, conversation: Optional[str] = None, **headers: str
) -> Tuple[int, Any, dict]:
    data = {"conversation": conversation or str(uuid.uuid4()), "message": message}
    status, head, raw = call(
        "POST",
        base + "/api/message",
        json.dumps(data).encode("utf-8"),
        {"Content-Type": "application/json", **headers},
    )
    return status, head, json.loads(raw.decode("utf-8") or "{}")


@pytest.fixture
def server(chat_server: ChatFactory, fake_rasa: FakeRasa) -> str:
    return chat_server(fake_rasa.url, allowed_origins=(ALLOWED,)).url


# -- page and headers -----------------------------------------------------------------------


def test_page_has_strict_security_headers_and_no_cookies(server: str) -> None:
    status, headers, body = call("GET", server + "/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    csp = headers["Content-Security-Policy"]
    for part in (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
        "require-trusted-types-for 'script'",
    ):
        assert part in csp, part
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Set-Cookie" not in headers
    assert headers["Server"] == "webchat"  # no versions
    page = body.decode("utf-8")
    assert '<html lang="nl">' in page and 'data-max-chars="1000"' in page
    assert "<script>" not in page and "style=" not in page  # nothing inline for the CSP


def test_frame_ancestors_follow_configuration(
    chat_server: ChatFactory, fake_rasa: FakeRasa
) -> None:
    url = chat_server(fake_rasa.url, frame_ancestors=("https://school.example",)).url
    _status, headers, _ = call("GET", url + "/")
    assert "frame-ancestors https://school.example" in headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in headers


def test_static_files_are_a_fixed_list(server: str) -> None:
    status, headers, body = call("GET", server + "/static/chat.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert b"innerHTML" not in body and b"GZChat" in body
    assert headers["X-Content-Type-Options"] == "nosniff"
    etag = headers["ETag"]
    assert call("GET", server + "/static/chat.js", headers={"If-None-Match": etag})[0] == 304
    _s, css_headers, _b = call("GET", server + "/static/widget.css")
    assert css_headers["Cross-Origin-Resource-Policy"] == "cross-origin"  # host page loads it
    for name in ("chat.css", "chat.js", "frame.js", "frame.css"):  # only the chat's own pages
        _s, own_headers, _b = call("GET", server + "/static/" + name)
        assert own_headers["Cross-Origin-Resource-Policy"] == "same-origin", name
    for path in ("/static/server.py", "/static/..%2fserver.py", "/static/index.html", "/nope"):
        status, headers, _ = call("GET", server + path)
        assert status == 404, path
        assert headers["X-Content-Type-Options"] == "nosniff"  # also on errors


def test_health(server: str) -> None:
    assert call("GET", server + "/health")[:1] == (200,)


# -- the proxy ------------------------------------------------------------------------------


def test_message_goes_to_rasa_as_web_sender_and_answer_is_cleaned(
    server: str, fake_rasa: FakeRasa
) -> None:
    conversation = str(uuid.uuid4())
    status, headers, data = post(server, "  knoppen  ", conversation)
    assert status == 200
    assert headers["Cache-Control"] == "no-store"
    assert fake_rasa.received == [
        {
            "sender": "web-" + conversation,
            "message": "knoppen",
            "metadata": {"channel": "web"},
        }
    ]
    (message,) = data["messages"]
    assert message["text"] == "Mag ik vragen voor wie je dit vraagt?"
    assert message["buttons"][0] == {
        "title": "Voor mijn kind",
        "payload": '/inform{"role":"parent"}',
    }
    assert "recipient_id" not in message


def test_erased_only_with_the_bots_explicit_confirmation(
    server: str, fake_rasa: FakeRasa
) -> None:
    """Issue #17 point 5: the API says "erased" only when the bot sent its marker."""
    conversation = str(uuid.uuid4())
    status, _h, data = post(server, "/affirm", conversation)
    assert status == 200
    assert data == {"messages": [{"text": ERASED_TEXT}], "erased": True}  # marker not passed on
    fake_rasa.erase_confirms = False
    status, _h, data = post(server, "/affirm", conversation)
    assert status == 200 and data == {"messages": [{"text": NOT_ERASED_TEXT}]}
    status, _h, data = post(server, "hallo", conversation)
    assert "erased" not in data


def test_image_urls_other_than_http_are_dropped(server: str, fake_rasa: FakeRasa) -> None:
    _status, _headers, data = post(server, "links")
    assert data["messages"][1]["image"] == "https://example.org/plaatje.png"


@pytest.mark.parametrize(
    ("mode", "status", "text"),
    [
        ("error", 502, "Er ging iets mis bij de chat"),
        ("garbage", 502, "Er ging iets mis bij de chat"),
        ("drop", 503, TEXT_UNREACHABLE),
    ],
)
def test_rasa_problems_become_a_friendly_dutch_message(
    server: str, fake_rasa: FakeRasa, mode: str, status: int, text: str
) -> None:
    fake_rasa.mode = mode
    got, _headers, data = post(server, "hallo")
    assert got == status
    assert data["error"].startswith(text) and data["retry"] is True


def test_rasa_down_and_slow(chat_server: ChatFactory, fake_rasa: FakeRasa) -> None:
    down = chat_server(f"http://127.0.0.1:{free_port()}").url
    status, _h, data = post(down, "hallo")
    assert (status, data["error"]) == (503, TEXT_UNREACHABLE)

    slow = chat_server(fake_rasa.url, rasa_timeout=0.5).url
    fake_rasa.delay = 1.5
    status, _h, data = post(slow, "hallo")
    assert (status, data["error"]) == (504, TEXT_TIMEOUT)


def test_logs_never_hold_message_text(
    chat_server: ChatFactory, caplog: pytest.LogCaptureFixture
) -> None:
    down = chat_server(f"http://127.0.0.1:{free_port()}").url
    with caplog.at_level(logging.DEBUG):
        post(down, "geheimwoord-4711 mijn adres is Dorpsstraat 1")
    assert "geheimwoord" not in caplog.text and "Dorpsstraat" not in caplog.text


# -- input checks and limits ----------------------------------------------------------------


def test_message_length_is_capped(chat_server: ChatFactory, fake_rasa: FakeRasa) -> None:
    url = chat_server(fake_rasa.url, max_chars=50, max_body_bytes=2048).url
    assert post(url, "a" * 50)[0] == 200
    status, _h, data = post(url, "a" * 51)
    assert status == 413
    assert data["error"] == "Je bericht is te lang. Maak het korter dan 50 tekens."
    status, _h, data = post(url, "a" * 5000)  # body larger than the body cap
    assert status == 413 and "te lang" in data["error"]
    assert [r["message"] for r in fake_rasa.received] == ["a" * 50]


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        json.dumps({"message": "hoi"}).encode(),
        json.dumps({"conversation": "../../etc/passwd", "message": "hoi"}).encode(),
        json.dumps({"conversation": str(uuid.uuid4()).upper(), "message": "hoi"}).encode(),
        json.dumps({"conversation": str(uuid.uuid4()), "message": ["hoi"]}).encode(),
        json.dumps({"conversation": str(uuid.uuid4()), "message": "   "}).encode(),
        "\xff".encode("latin-1"),
    ],
)
def test_bad_requests_get_400_with_dutch_text(
    server: str, fake_rasa: FakeRasa, body: bytes
) -> None:
    status, _headers, raw = call(
        "POST", server + "/api/message", body, {"Content-Type": "application/json"}
    )
    data = json.loads(raw)
    assert status == 400 and data["retry"] is False
    assert data["error"] in (
        "Typ eerst een bericht.",
        "Er ging iets mis met je bericht. Laad de pagina opnieuw en probeer het nog eens.",
    )
    assert fake_rasa.received == []


def test_rate_limit_per_conversation_and_per_client(
    chat_server: ChatFactory, fake_rasa: FakeRasa
) -> None:
    url = chat_server(
        fake_rasa.url, rate_burst=3, rate_per_minute=1.0, ip_rate_burst=6, ip_rate_per_minute=1.0
    ).url
    conversation = str(uuid.uuid4())
    assert [post(url, "hoi", conversation)[0] for _ in range(3)] == [200, 200, 200]
    status, headers, data = post(url, "hoi", conversation)
    assert status == 429 and headers["Retry-After"] == "10"
    assert data["error"].startswith("Je stuurt veel berichten snel na elkaar")
    # Another conversation from the same client still works, up to the per-client cap.
    assert [post(url, "hoi")[0] for _ in range(3)] == [200, 200, 429]


# -- origins and CORS -----------------------------------------------------------------------


def test_allowed_origin_gets_cors_for_the_config_only(
    server: str, fake_rasa: FakeRasa
) -> None:
    # The widget's chat runs in an iframe of this server: even an allowed site never sends
    # messages itself, so /api/message has no CORS at all (issue #17 point 4).
    status, headers, data = post(server, "hallo", Origin=ALLOWED)
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    assert data["error"] == "Deze website mag de chat niet gebruiken."
    assert fake_rasa.received == []
    preflight = {
        "Origin": ALLOWED,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    status, headers, _ = call("OPTIONS", server + "/api/message", headers=preflight)
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    status, headers, _ = call("OPTIONS", server + "/api/config", headers=preflight)
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Origin" in headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in headers


def test_widget_frame_only_for_an_allowed_host_and_only_framed_by_it(server: str) -> None:
    status, headers, body = call("GET", server + "/widget?host=" + ALLOWED)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    csp = headers["Content-Security-Policy"]
    assert f"frame-ancestors {ALLOWED};" in csp and "script-src 'self'" in csp
    assert "X-Frame-Options" not in headers and "Set-Cookie" not in headers
    page = body.decode("utf-8")
    assert f'data-host="{ALLOWED}"' in page and "/static/frame.js" in page
    assert "<script>" not in page and "style=" not in page
    for query in ("", "?host=" + EVIL, "?host=null", "?host=" + ALLOWED + "/pad",
                  "?host=%22%3E%3Cscript%3E"):
        status, headers, body = call("GET", server + "/widget" + query)
        assert status == 403, query
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], query
        assert headers["X-Frame-Options"] == "DENY", query
        assert b"<script" not in body


@pytest.mark.parametrize("origin", [EVIL, "null", "https://www.gemeente-testdorp.nl.evil.example"])
def test_other_origins_get_no_cors_and_no_answer(
    server: str, fake_rasa: FakeRasa, origin: str
) -> None:
    status, headers, data = post(server, "hallo", Origin=origin)
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    assert data["error"] == "Deze website mag de chat niet gebruiken."
    assert fake_rasa.received == []
    status, headers, _ = call(
        "OPTIONS", server + "/api/message", headers={"Origin": origin}
    )
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    status, headers, _ = call("GET", server + "/api/config", headers={"Origin": origin})
    assert status == 403 and "Access-Control-Allow-Origin" not in headers


def test_same_origin_page_needs_no_cors(server: str) -> None:
    status, headers, _data = post(server, "hallo", Origin=server)
    assert status == 200 and "Access-Control-Allow-Origin" not in headers


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": ALLOWED}, 200),
        ({"Origin": EVIL}, 403),
        ({"Referer": ALLOWED + "/contact?x=1"}, 200),
        ({"Referer": EVIL + "/page"}, 403),
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({"Sec-Fetch-Site": "none"}, 200),
        ({}, 200),
    ],
)
def test_widget_script_only_for_allowed_sites(
    server: str, headers: Dict[str, str], status: int
) -> None:
    got, head, body = call("GET", server + "/widget.js", headers=headers)
    assert got == status
    assert head["Content-Type"].startswith("text/javascript")
    assert "Origin" in head["Vary"] and "Referer" in head["Vary"]
    if status == 200:
        assert body.startswith(b"/* Geldzorgen-chat widget")
        assert b"innerHTML" not in body
        # Only a launcher and an iframe: the chat component never runs in the host page.
        assert b"GZChat" not in body and b"sessionStorage" not in body
        assert b'mode: "closed"' in body and b'"/widget?host="' in body
        assert head["Cross-Origin-Resource-Policy"] == "cross-origin"
        if "Origin" in headers:
            assert head["Access-Control-Allow-Origin"] == ALLOWED
    else:
        assert "Access-Control-Allow-Origin" not in head
        assert b"GZChat" not in body


def test_api_config_for_the_widget(server: str) -> None:
    status, headers, body = call("GET", server + "/api/config", headers={"Origin": ALLOWED})
    assert status == 200 and json.loads(body) == {"maxChars": 1000}
    assert headers["Access-Control-Allow-Origin"] == ALLOWED


# -- configuration --------------------------------------------------------------------------


def test_settings_from_environment(hosts: Hosts) -> None:
    settings = WebchatSettings.from_env(
        {
            "RASA_URL": "http://rasa:5005/",
            "WEBCHAT_PORT": "9000",
            "WEBCHAT_ALLOWED_ORIGINS": "https://A.nl, https://a.nl:443 http://localhost:8000",
            "WEBCHAT_FRAME_ANCESTORS": "https://school.nl",
            "WEBCHAT_MAX_CHARS": "500",
        }
    )
    assert settings.rasa_url == "http://rasa:5005" and settings.port == 9000
    assert settings.allowed_origins == ("https://a.nl", "http://localhost:8000")
    assert settings.frame_ancestors == ("https://school.nl",)
    assert settings.max_chars == 500
    assert WebchatSettings.from_env({}).allowed_origins == ()
    assert parse_origins(hosts.allowed) == (hosts.allowed,)
    assert normalise_origin("http://[::1]:8080") == "http://[::1]:8080"


@pytest.mark.parametrize(
    "env",
    [
        {"WEBCHAT_ALLOWED_ORIGINS": "https://a.nl/pad"},
        {"WEBCHAT_ALLOWED_ORIGINS": "*"},
        {"WEBCHAT_ALLOWED_ORIGINS": "gemeente.nl"},
        {"WEBCHAT_PORT": "abc"},
        {"WEBCHAT_MAX_CHARS": "0"},
        {"RASA_URL": "ftp://rasa"},
    ],
)
def test_bad_settings_are_refused(env: Dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        WebchatSettings.from_env(env)


def test_main_exits_2_on_bad_configuration(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--allowed-origins", "*"]) == 2
    assert "not an origin" in capsys.readouterr().err
