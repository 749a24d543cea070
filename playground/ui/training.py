"""Training from a page: the one training driver (playground.training_driver) run for this session, and a
quick digit network for pages that need one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from playground import catalog
from playground.ui.access import class_config
from playground.ui.components import rerun_requested
from playground.ui.page import lesson_link, lesson_link_target
from playground.ui.resources import digit_tensors
from playground.ui.state import session_id


def require_digit_model(lesson) -> None:
    """Stop the page with a friendly way forward when this learner has no trained digit network yet:
    a link to the training lesson, or a quick one-epoch network trained right here."""
    if lesson.trainer is not None:
        return
    shown = lesson_link_target("mnist-train", class_config().lessons) is not None
    st.info("There is no trained digit network yet. " + ("Train one in *Train a digit recogniser*, or train a "
            "quick one here" if shown else "Train a quick one here") + " (one epoch of the default network, a few "
            "seconds).", icon=":material/model_training:")
    c1, c2 = st.columns([1, 3])
    lesson_link("mnist-train", label="Train a digit recogniser", icon=":material/arrow_forward:", container=c1)
    if c2.button("Train a quick network here", key=f"{catalog.lesson_by_key('mnist-train').state_key}:quick-train"):
        # through the training driver, as every training: the class's slot and limits apply here too
        from playground import training_driver as driver
        from playground.digits.models import SizeLimits

        class_limits = class_config().limits
        limits = driver.TrainingLimits.of_class(class_limits)
        trainer = lesson.quick_trainer(digit_tensors(lesson.source), SizeLimits.of_class(class_limits))
        with st.spinner("Training one epoch…"):
            outcome = train(trainer, driver.TrainingRun(), limits)
        if trainer.examples:  # keep what it learned, also when a class limit or a click ended it early
            lesson.adopt(trainer, lesson.source)
            if driver.limit_message(outcome, limits):
                st.toast(driver.limit_message(outcome, limits))
        st.rerun()
    st.stop()


def train(trainer, run, limits, progress: Callable[[], object] | None = None, until_epoch: float | None = None,
          notice: Any = None):
    """Train through the one training driver for this learner's session: a notice (in `notice`, a
    placeholder, or a new one) while the class's training slots are all taken, and a click on the page
    ends the loop so that it is answered. Returns the driver's Outcome."""
    from playground import training_driver as driver
    from playground.ui import saved

    notice = notice if notice is not None else st.empty()
    outcome = driver.run_training(
        trainer, run, session_id(), limits, progress=progress, until_epoch=until_epoch,
        should_stop=rerun_requested, waited=notice.empty,
        waiting=lambda *status: notice.info(driver.waiting_message(*status), icon=":material/hourglass_top:"))
    saved.after_training(trainer)  # the learner's digit network is kept when its run ends (a reload keeps it)
    return outcome
