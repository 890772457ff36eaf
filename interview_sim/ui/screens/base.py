"""What every screen of the app shares: typed access to the app's Services."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from interview_sim.services import Services
    from interview_sim.ui.app import InterviewApp

ResultT = TypeVar("ResultT")


class AppScreen(Screen[ResultT]):
    """A full screen of interview-sim."""

    @property
    def interview_app(self) -> InterviewApp:
        return cast("InterviewApp", self.app)

    @property
    def services(self) -> Services:
        return self.interview_app.services


class AppModal(ModalScreen[ResultT]):
    """A dialog of interview-sim."""

    @property
    def interview_app(self) -> InterviewApp:
        return cast("InterviewApp", self.app)

    @property
    def services(self) -> Services:
        return self.interview_app.services
