"""Where the app's files are: the repository root, its data folder and the cache of drawn pictures."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS_DIR = REPO_ROOT / "datasets"
# Pictures the app draws once and keeps (the home cards); NP_CACHE_DIR moves it (a read-only install).
CACHE_DIR = Path(os.environ.get("NP_CACHE_DIR") or REPO_ROOT / ".cache")
