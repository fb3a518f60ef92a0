"""Commons Bot: one passage of the Commons Manifesto a day, its counterpoint, and the talk it starts."""

__version__ = "0.1.0"
