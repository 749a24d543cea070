"""The class server's command line: `python -m playground.classroom check|hash|secret|storage`.

- check [--secrets FILE]: is classroom.toml valid, and does a class that signs cookies have its server secret?
- hash: a password's line for .streamlit/secrets.toml; secret: a random token_secret line.
- storage: where submissions will be stored (a container's start checks this before learners arrive)."""

from __future__ import annotations

import sys

from playground.classroom import access, config, storage_url

USAGE = "usage: python -m playground.classroom check [--secrets FILE] | hash | secret | storage"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[:1]
    if command == ["check"]:
        return config.main(argv)
    if command in (["hash"], ["secret"]):
        return access.main(argv)
    if command == ["storage"] and len(argv) == 1:
        return storage_url.main()
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
