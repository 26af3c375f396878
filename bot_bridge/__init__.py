"""Bridges from Telegram and WhatsApp to the Rasa REST channel (see docs/channels.md)."""
