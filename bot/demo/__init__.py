"""The scripted demo (``python -m bot demo``), its conversations, and the movable clock the
web chat moves to live a week in minutes. Production never imports it."""
