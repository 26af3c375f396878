"""Review web app for professionals who receive a handover (``python -m handover.review``)."""

from handover.review.app import ReviewConfig, create_app

__all__ = ["ReviewConfig", "create_app"]
