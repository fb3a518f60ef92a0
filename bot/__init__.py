"""Commons Bot: a passage of the Commons Manifesto a day, its counterpoint, the talk it starts."""

__version__ = "0.1.0"
