"""Command line for the playground's datasets: ``python -m playground.digits fetch mnist`` and friends.

    python -m playground.digits list
    python -m playground.digits fetch {mnist,fashion-mnist} [--dest DIR] [--mirror URL]... [--retries N]

``list`` shows which digit sources the app can load and where they are (or how to get them). ``fetch``
downloads a dataset's four IDX files, verified by SHA-256 (see playground.digits.fetch). Expected failures (no
mirror reachable, checksum mismatch, disk full) end with a one-line reason on stderr and exit status 1,
not a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from playground.digits.fetch import (
    DEFAULT_MIRRORS,
    MIRROR_ENV_VARS,
    FetchError,
    fetch_dataset,
    print_progress,
)
from playground.digits.mnist import IDX_KINDS, available_sources, find_idx_dir

PROG = "python -m playground.digits"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="List and download the playground's digit datasets."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("list", help="show which digit data sources are available")
    fetch = commands.add_parser(
        "fetch",
        help="download a dataset's four IDX files, verified by SHA-256",
        description="Download the four IDX files of MNIST or Fashion-MNIST, verified by SHA-256. "
        f"Mirrors: --mirror, else ${MIRROR_ENV_VARS['mnist']} / ${MIRROR_ENV_VARS['fashion-mnist']} "
        "(comma-separated), else the built-in list.",
    )
    fetch.add_argument("dataset", choices=sorted(DEFAULT_MIRRORS), help="which dataset")
    fetch.add_argument(
        "--dest",
        type=Path,
        metavar="DIR",
        help="directory to put the files in (default: $NP_MNIST_DIR / $NP_FASHION_MNIST_DIR "
        "if set, else datasets/<dataset>/ in the repository)",
    )
    fetch.add_argument(
        "--mirror",
        action="append",
        metavar="URL",
        help="base URL to download from; repeat for several, tried in order",
    )
    fetch.add_argument(
        "--retries", type=int, default=3, metavar="N", help="try each mirror up to N times (default 3)"
    )
    fetch.add_argument(
        "--timeout", type=float, default=60.0, metavar="SECONDS", help="network timeout (default 60)"
    )
    fetch.add_argument("-q", "--quiet", action="store_true", help="no progress lines, only errors")
    return parser


def _list() -> int:
    for source in available_sources():
        state = "available" if source.available else "missing"
        print(f"{source.key:<14} {source.name:<14} {state:<10} {source.detail}")
    return 0


def _fetch(args: argparse.Namespace) -> int:
    if args.retries < 1:
        raise ValueError(f"--retries must be at least 1, got {args.retries}")
    directory = fetch_dataset(
        args.dataset,
        args.dest,
        args.mirror,
        retries=args.retries,
        timeout=args.timeout,
        progress=None if args.quiet else print_progress,
    )
    print(f"{args.dataset}: all four files verified in {directory}")
    found = find_idx_dir(args.dataset)
    if found is None or found.resolve() != directory.resolve():
        # Fetched somewhere the app does not look (or looks elsewhere first): say how to point it here.
        variable = IDX_KINDS[args.dataset].env_var
        print(
            f"note: the app loads {args.dataset} from {found}; set {variable}={directory} to use these files"
            if found
            else f"note: set {variable}={directory} so the app finds these files"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return _list() if args.command == "list" else _fetch(args)
    except (FetchError, OSError, ValueError) as error:
        # One line, even if some reason inside contains a newline: easy to read and to grep in CI logs.
        print(f"{PROG}: error: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; no partial files were kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
