"""Notebook runs that wait for a reply the kernel has already sent: the cause, its fix, and a watch for the rest.

With jupyter_client 8 a headless run could wait for half an hour in the client's event loop while the kernel sat
idle, waiting for the next request (jupyter/jupyter_client#922; here: B2 beside a busy CPU, at its ``interact``
cell). The cause: the client waits for the cell's reply by polling the shell socket through pyzmq's asyncio
layer, which wakes up on the socket's edge-triggered file descriptor. ``Session.send`` sends on a plain (shadow)
copy of the same socket, outside that layer; nbclient does so in the middle of a cell when an output widget is
cleared (``OutputWidget.sync_state``). A send processes the socket's pending events, so when the reply has just
arrived its wake-up is used up: the reply sits in the socket and the poll sleeps until its timeout (1800 s).

- :func:`poll_in_slices` is the fix: the shell channel is polled for at most ``every`` seconds at a time, and
  each new poll looks at the socket itself, so a lost wake-up costs at most a second.
- :class:`StallWatch` notices any other lost message. When a cell has had no reply for ``probe_after``
  seconds, a second, separate client sends the kernel a ``kernel_info_request`` on the shell channel. The
  kernel handles shell requests one at a time, in order, so the answer comes only once the kernel is free: the
  cell has finished (or never arrived). If the run's own client still has no reply ``grace`` seconds after that
  answer, the reply was lost: the watch ends the idle kernel, so the run fails at once (nbclient reports a dead
  kernel) with :attr:`StallWatch.stalled` set, and :func:`dyplab.course.runner.execute_notebook` starts the
  notebook again. A cell that computes for an hour is never ended by this: the kernel does not answer the probe
  until it is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from queue import Empty
from typing import Any


@dataclass
class Stall:
    """A cell whose reply never came although the kernel was free."""

    cell_index: int  # -1: the wait for the kernel's first answer, before any cell
    waited: float  # seconds from the request to the moment the wait was ended
    idle: float  # seconds the kernel had been free, with no reply, when the wait was ended


class StallWatch:
    """Watch one :class:`nbclient.NotebookClient` run for lost replies (see the module docstring).

    Pass :meth:`hooks` to the client's constructor and run the client inside :meth:`running`.
    """

    def __init__(self, *, probe_after: float = 10.0, grace: float = 30.0, poll: float = 0.5) -> None:
        self.probe_after = float(probe_after)
        self.grace = float(grace)
        self.poll = float(poll)
        self.stalled: Stall | None = None
        self._lock = threading.Lock()
        self._generation = 0  # one per cell request; a probe answers only for the request it was sent for
        self._index: int | None = None  # the cell that waits for its reply (None: nothing outstanding)
        self._since = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: Any = None
        self._connection: dict | None = None
        self._stop = threading.Event()

    # ------------------------------------------------------------------ hooks (run in the client's event loop)

    def hooks(self) -> dict[str, Any]:
        """The ``NotebookClient`` hooks that tell the watch when a request went out and when its reply came.

        The wait from the kernel's start to the first cell's request (the client's ``kernel_info_request``) is
        watched as cell ``-1``."""
        return {"on_notebook_start": self._kernel_started, "on_cell_complete": self._request_sent,
                "on_cell_executed": self._reply_came}

    def _kernel_started(self, **_: Any) -> None:
        self._request_sent(cell_index=-1)

    def _request_sent(self, cell_index: int = 0, **_: Any) -> None:
        with self._lock:
            self._loop = asyncio.get_running_loop()
            if self._connection is None and self._client is not None and self._client.km is not None:
                self._connection = self._client.km.get_connection_info()
            self._generation += 1
            self._index, self._since = cell_index, time.monotonic()

    def _reply_came(self, **_: Any) -> None:
        with self._lock:
            self._index = None

    # ------------------------------------------------------------------ the watching thread

    @contextlib.contextmanager
    def running(self, client: Any) -> Iterator[StallWatch]:
        """Watch ``client`` (a ``NotebookClient`` built with :meth:`hooks`) while the block runs."""
        self._client = client
        thread = threading.Thread(target=self._watch, name="dyplab-stall-watch", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join(timeout=10)

    def _watch(self) -> None:
        probe = None
        probe_id, probe_generation, free_at = None, -1, None
        try:
            while not self._stop.wait(self.poll):
                with self._lock:
                    generation, index, since, connection = self._generation, self._index, self._since, self._connection
                if index is None or connection is None:
                    continue
                now = time.monotonic()
                if probe_generation != generation:  # a new request: nothing known about the kernel yet
                    probe_id, free_at = None, None
                    if now - since < self.probe_after:
                        continue
                    probe = probe or _probe_client(connection)
                    probe_id, probe_generation = probe.kernel_info(), generation
                if free_at is None and _answered(probe, probe_id):
                    free_at = time.monotonic()
                if free_at is not None and time.monotonic() - free_at >= self.grace:
                    stall = Stall(index, time.monotonic() - since, time.monotonic() - free_at)
                    self._loop.call_soon_threadsafe(self._end_wait, generation, stall)
                    return
        finally:
            if probe is not None:
                probe.stop_channels()

    def _end_wait(self, generation: int, stall: Stall) -> None:
        """In the client's loop: end the wait for the reply, unless it came in the meantime, by ending the idle
        kernel. nbclient then notices a dead kernel within a second, raises ``DeadKernelError`` and cleans up."""
        with self._lock:
            if self._generation != generation or self._index is None:
                return
            self.stalled = stall
        pid = getattr(getattr(self._client.km, "provisioner", None), "pid", None)
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if hasattr(os, "killpg"):  # the kernel leads its own process group: its helpers go with it
                os.killpg(os.getpgid(pid), signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGTERM)


def poll_in_slices(channel: Any, every: float = 1.0) -> Any:
    """Make ``channel.get_msg(timeout)`` (a jupyter_client async channel) poll for at most ``every`` seconds at a
    time until ``timeout`` (``None``: no limit), so that a lost wake-up delays a message by at most ``every``
    seconds instead of the whole timeout (see the module docstring). Returns the channel."""
    get_msg = channel.get_msg

    async def get_msg_in_slices(timeout: float | None = None) -> dict:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = every if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await get_msg(timeout=min(every, left))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    channel.get_msg = get_msg_in_slices
    return channel


def _probe_client(connection: dict) -> Any:
    """A client of its own (own socket, own thread) that only talks on the shell channel."""
    from jupyter_client import BlockingKernelClient

    client = BlockingKernelClient()
    client.load_connection_info(connection)
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    return client


def _answered(probe: Any, msg_id: str | None) -> bool:
    """True once the reply to ``msg_id`` has arrived on the probe's shell channel (older replies are dropped)."""
    while True:
        try:
            msg = probe.shell_channel.get_msg(timeout=0)
        except Empty:
            return False
        if msg.get("parent_header", {}).get("msg_id") == msg_id:
            return True
