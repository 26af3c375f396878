"""Web chat for the assistant: a page, an embeddable widget and a proxy to Rasa's REST channel.

Run it with ``make web`` (``python -m webchat``); see ``docs/webchat.md``.
"""
