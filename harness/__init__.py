"""Shared by design by tests/, bench/ and loadtest/: the app server on 127.0.0.1 (stopped by its PID), free
ports, Debian's Chromium with the project's flags, waiting for an idle page, redraw timing, lesson-page
helpers and real PostgreSQL/nginx on loopback. Not part of the app (the app image leaves it out);
pytest-only fixtures stay in tests/conftest.py. `python -m harness shoot [url-path ...]` saves screenshots."""
