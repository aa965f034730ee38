"""Use cases. Each one owns its transaction; views and commands call these, never the ORM
directly."""
