"""Meet the data, without Streamlit: a learner's seed for the toy datasets and their own CSV file, of which
the last valid one stays when a bad one comes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.toydata import generators, learner_csv
from playground.toydata.generators import Data2D
from playground.toydata.seedrandom import new_seed_string

DEFAULT_SEED = "0.12345"
# The page's list: TF's two-class sets, its regression sets, then ours with several classes.
DATASETS = generators.CLASSIFY_DATASETS + generators.REGRESS_DATASETS + generators.MULTICLASS_DATASETS


@dataclass
class DataLesson:
    """What this learner has chosen on the page."""

    seed: str = DEFAULT_SEED
    upload: Data2D | None = None  # the last CSV that passed validation; a bad file never replaces it
    upload_name: str = ""
    upload_error: str = ""  # why the last file was refused (plain text: the page escapes it)
    upload_rejected_name: str = ""

    def regenerate(self) -> None:
        """A new seed: new points for every toy dataset."""
        self.seed = new_seed_string()

    def open_csv(self, name: str, data: bytes, max_bytes: int) -> None:
        """A learner's file: kept if it is valid, else the reason is kept and the previous data stay."""
        try:
            self.upload = learner_csv.parse_learner_csv(data, max_bytes=max_bytes, seed=self.seed)
            self.upload_name, self.upload_error, self.upload_rejected_name = name, "", ""
        except learner_csv.CsvError as error:
            self.upload_error, self.upload_rejected_name = error.message, name


def class_counts(n_classes: int, *labels: np.ndarray) -> np.ndarray:
    """How many points of each class 0..n_classes-1 the label arrays hold together."""
    return np.bincount(np.concatenate(labels), minlength=n_classes)


def dataset_csv(data: Data2D) -> bytes:
    """A dataset's training points, then its test points, as a CSV to download."""
    return learner_csv.data_to_csv(np.concatenate([data.train_x, data.test_x]),
                                   np.concatenate([data.train_y, data.test_y]), data.class_names)
