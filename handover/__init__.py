"""Handover of a conversation to a professional, with the person's explicit consent."""
