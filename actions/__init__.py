"""Action server package: ``rasa run actions --actions actions`` loads ``actions.assistant``."""
