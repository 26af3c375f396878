"""Client for Rasa's REST channel, shared by the Telegram and WhatsApp bridges."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List

import httpx

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/rest/webhook"


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) did not give a usable answer."""


@dataclass(frozen=True)
class Button:
    """A Rasa button: the title to show and the payload to send back when tapped."""

    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    """One message from Rasa: text, buttons and/or an image URL."""

    text: str | None = None
    buttons: List[Button] = field(default_factory=list)
    image: str | None = None

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to show."""
        return not (self.text or self.buttons or self.image)


def parse_messages(data: Any) -> List[BotMessage]:
    """Turn Rasa's JSON answer into :class:`BotMessage` objects.

    Raises:
        RasaUnavailable: when the answer is not a JSON list.
    """
    if not isinstance(data, list):
        raise RasaUnavailable(f"Rasa answered with {type(data).__name__}, expected a list")
    messages: List[BotMessage] = []
    for item in data:
        if not isinstance(item, dict):
            continue
        text = item.get("text")
        text = text.strip() if isinstance(text, str) and text.strip() else None
        image = item.get("image")
        image = image.strip() if isinstance(image, str) and image.strip() else None
        buttons: List[Button] = []
        for raw in item.get("buttons") or []:
            if not isinstance(raw, dict):
                continue
            title = str(raw.get("title") or "").strip()
            payload = str(raw.get("payload") or "").strip() or title
            if title:
                buttons.append(Button(title=title, payload=payload))
        message = BotMessage(text=text, buttons=buttons, image=image)
        if not message.is_empty:
            messages.append(message)
    return messages


class RasaClient:
    """Posts user messages to ``{base_url}/webhooks/rest/webhook`` and parses the answers.

    Args:
        base_url: e.g. ``http://127.0.0.1:5005``.
        timeout: seconds to wait for Rasa's answer (includes custom actions).
        connect_timeout: seconds to wait for a connection.
        max_concurrent: requests in flight at once, over all senders.
        client: an ``httpx.AsyncClient`` to use (tests); created lazily otherwise.
    """

    def __init__(
        self,
        base_url: str,
        timeout: float = 15.0,
        connect_timeout: float = 3.0,
        max_concurrent: int = 20,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.url = base_url.rstrip("/") + WEBHOOK_PATH
        self._timeout = httpx.Timeout(timeout, connect=connect_timeout)
        self._client = client
        self._own_client = client is None
        self._semaphore = asyncio.Semaphore(max_concurrent)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout, trust_env=False)
        return self._client

    async def send(
        self, sender: str, text: str, metadata: Dict[str, Any] | None = None
    ) -> List[BotMessage]:
        """Send ``text`` as ``sender`` (already pseudonymised) and return Rasa's messages.

        A connection that could not be made is tried once more after a short pause (the
        message never reached Rasa, so this cannot cause a double answer).

        Raises:
            RasaUnavailable: on a timeout, a connection error, an HTTP error status or an
                answer that is not a JSON list.
        """
        body = {"sender": sender, "message": text, "metadata": metadata or {}}
        async with self._semaphore:
            for attempt in (1, 2):
                try:
                    response = await self._http().post(self.url, json=body, timeout=self._timeout)
                    break
                except httpx.ConnectError as exc:
                    if attempt == 2:
                        raise RasaUnavailable(f"cannot connect to Rasa: {exc!r}") from exc
                    await asyncio.sleep(0.3)
                except httpx.TimeoutException as exc:
                    raise RasaUnavailable(f"Rasa timed out: {exc!r}") from exc
                except httpx.HTTPError as exc:
                    raise RasaUnavailable(f"HTTP error talking to Rasa: {exc!r}") from exc
        if response.status_code >= 300:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError as exc:
            raise RasaUnavailable("Rasa answered with invalid JSON") from exc
        return parse_messages(data)

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._client is not None and self._own_client:
            await self._client.aclose()
            self._client = None
