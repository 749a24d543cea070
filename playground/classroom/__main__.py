"""The class server's command line: `python -m playground.classroom check|hash|secret|storage` (each with
--help).

- check [--secrets FILE]: is classroom.toml valid (every mistake, each with its line), and does a class
  that signs cookies have its server secret?
- hash [--instructor]: a password's line for .streamlit/secrets.toml (`password_hash`, or with
  --instructor `instructor_password_hash`); secret: a random token_secret line.
- storage: where submissions will be stored (a container's start checks this before learners arrive)."""

from __future__ import annotations

import argparse
import sys

from playground.classroom import access, config, storage_url

PROG = "python -m playground.classroom"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog=PROG, description="Set up and check a Neural Playground class server.",
        epilog="Paste the lines that hash and secret print under [classroom] in .streamlit/secrets.toml.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check", help="check classroom.toml (every mistake, each with its line) and the server secret",
        description="Check classroom.toml (or the file $NP_CLASSROOM names): every mistake is reported with "
                    "its line; a class with passwords or an instructor also needs its server secret.")
    check.add_argument("--secrets", metavar="FILE", help="the secrets file to read (default: Streamlit's "
                                                          ".streamlit/secrets.toml)")
    hash_ = commands.add_parser(
        "hash", help="print a password's line for secrets.toml",
        description="Ask for a password twice and print its salted hash as a line for secrets.toml: "
                    "password_hash (the learners' class password) or, with --instructor, "
                    "instructor_password_hash (the password that opens the class board).")
    hash_.add_argument("--instructor", action="store_true",
                       help="print instructor_password_hash instead of password_hash")
    commands.add_parser("secret", help="print a new random server secret (token_secret) for secrets.toml",
                        description="Print a new random token_secret line. It signs the sign-in and nickname "
                                    "cookies; a new one signs everyone out.")
    commands.add_parser("storage", help="check where submissions will be stored",
                        description="Check the submissions database ($NP_STORAGE_URL, or classroom.toml's "
                                    "[storage] url, or SQLite next to classroom.toml).")
    return top


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = parser().parse_args(argv)
    except SystemExit as done:  # --help (0) or a wrong command line (2, with the usage)
        return int(done.code or 0)
    if args.command == "check":
        return config.main(["check"] + (["--secrets", args.secrets] if args.secrets else []))
    if args.command == "hash":
        return access.main(["hash"] + (["--instructor"] if args.instructor else []))
    if args.command == "secret":
        return access.main(["secret"])
    return storage_url.main()


if __name__ == "__main__":
    sys.exit(main())
