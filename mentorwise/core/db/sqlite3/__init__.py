"""Django's SQLite backend with the project's compiler (see `base`)."""
