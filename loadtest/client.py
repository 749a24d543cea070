"""A learner without a browser: speaks Streamlit's websocket protocol (protobuf BackMsg / ForwardMsg) the way
the page does — opens a lesson, presses its buttons, and counts the pictures that arrive. Light enough that
dozens run in one process and the server, not the clients, is what gets measured."""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


@dataclass
class Stats:
    frames: list[float] = field(default_factory=list)  # arrival times of Playground pictures
    latencies: list[float] = field(default_factory=list)  # click -> new picture, seconds
    unanswered: int = 0  # clicks followed by another click (or the end) before any new picture
    errors: list[str] = field(default_factory=list)
    runs: int = 0  # script runs finished
    first_page: float | None = None  # seconds from connecting to the end of the first page's run
    told_busy: bool = False  # the page said it shares a busy server


class Learner:
    """One websocket session on one lesson page."""

    def __init__(self, url: str, page: str, name: str, cookie: str | None = None,
                 certificate: Path | None = None) -> None:
        self.ws_url = url.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
        self.page, self.name = page, name
        self.cookie = cookie  # behind nginx: the cookie its sticky hash reads, one per learner (as browsers get)
        self.ssl = ssl.create_default_context(cafile=str(certificate)) if certificate else None
        self.stats = Stats()
        self.widgets: dict[str, str] = {}  # label -> widget id (buttons, checkboxes)
        self.checkbox_values: dict[str, bool] = {}
        self._socket = None
        self._finished = asyncio.Event()
        self._click_sent: float | None = None
        self._running = True
        self._connected_at: float | None = None

    async def connect(self) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else None
        self._connected_at = time.perf_counter()
        self._socket = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=2**26,
                                                open_timeout=60, ping_interval=None, additional_headers=headers,
                                                ssl=self.ssl)
        asyncio.get_running_loop().create_task(self._receive())
        await self.rerun()

    async def rerun(self, trigger: str | None = None, checkbox: tuple[str, bool] | None = None) -> None:
        message = BackMsg()
        state = message.rerun_script
        state.page_name = self.page
        if trigger is not None and trigger in self.widgets:
            widget = state.widget_states.widgets.add()
            widget.id, widget.trigger_value = self.widgets[trigger], True
        if checkbox is not None and checkbox[0] in self.widgets:
            widget = state.widget_states.widgets.add()
            widget.id, widget.bool_value = self.widgets[checkbox[0]], checkbox[1]
            self.checkbox_values[checkbox[0]] = checkbox[1]
        self._finished.clear()
        await self._socket.send(message.SerializeToString())

    async def click(self, label: str) -> None:
        """Press a button (measure until the next picture of the network view)."""
        self._clicked()
        await self.rerun(trigger=label)

    async def toggle(self, label: str) -> None:
        self._clicked()
        await self.rerun(checkbox=(label, not self.checkbox_values.get(label, False)))

    def _clicked(self) -> None:
        if self._click_sent is not None:  # the last click was never answered
            self.stats.unanswered += 1
        self._click_sent = time.perf_counter()

    def forget_clicks(self) -> None:
        """Start measuring afresh (the end of the warm-up)."""
        self.stats.latencies.clear()
        self.stats.unanswered, self._click_sent = 0, None

    def pending_click(self) -> float | None:
        """Seconds since a click that has no answer yet."""
        return None if self._click_sent is None else time.perf_counter() - self._click_sent

    async def wait_run(self, timeout: float = 60.0) -> None:
        await asyncio.wait_for(self._finished.wait(), timeout)

    async def _receive(self) -> None:
        try:
            async for raw in self._socket:
                message = ForwardMsg()
                message.ParseFromString(raw)
                self._handle(message)
        except websockets.ConnectionClosed as closed:
            if self._running:
                self.stats.errors.append(f"{self.name}: connection closed ({closed.code})")
        except Exception as error:  # noqa: BLE001 - reported in the summary
            self.stats.errors.append(f"{self.name}: {type(error).__name__}: {error}")

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "script_finished":
            self.stats.runs += 1
            if self.stats.first_page is None and self._connected_at is not None:
                self.stats.first_page = time.perf_counter() - self._connected_at
            self._finished.set()
        elif kind == "session_event" and message.session_event.WhichOneof("type") == "script_compilation_exception":
            self.stats.errors.append(f"{self.name}: the page failed to compile")
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                self.stats.errors.append(f"{self.name}: {element.exception.type}: {element.exception.message[:120]}")
            elif which == "markdown" and "busy: sharing the server" in element.markdown.body:
                self.stats.told_busy = True
            elif which in ("button", "checkbox"):
                widget = getattr(element, which)
                self.widgets[widget.label] = widget.id
                if which == "checkbox":
                    self.checkbox_values.setdefault(widget.label, widget.default)
            elif which == "bidi_component":
                name = element.bidi_component.component_name
                if name.endswith("np_frame_pump") or name.endswith("np_network_view"):
                    now = time.perf_counter()
                    self.stats.frames.append(now)
                    if self._click_sent is not None and name.endswith("np_network_view"):
                        self.stats.latencies.append(now - self._click_sent)
                        self._click_sent = None

    async def close(self) -> None:
        self._running = False
        if self._socket is not None:
            await self._socket.close()
