"""The session store over one SQLite file."""
