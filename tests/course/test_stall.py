"""The cause of the lost replies, shown on two real ZMQ sockets, and its fix (``stall.poll_in_slices``).

The client waits for a reply on its shell socket; the reply arrives while the client is busy, and then the client
sends on the same socket (as nbclient's output widget does). The send uses up the socket's wake-up: a plain
``get_msg`` sees the reply only when its timeout runs out, a sliced one within a slice."""

from __future__ import annotations

import asyncio
import time

import zmq
import zmq.asyncio
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.session import Session

from dyplab.course import stall

TIMEOUT = 5.0


async def _wait_for_a_reply_that_arrives_before_a_send(sliced: bool) -> tuple[float, str]:
    ctx = zmq.asyncio.Context()
    kernel = ctx.socket(zmq.ROUTER)
    port = kernel.bind_to_random_port("tcp://127.0.0.1")
    client = ctx.socket(zmq.DEALER)
    client.connect(f"tcp://127.0.0.1:{port}")
    session = Session(key=b"test")
    channel = AsyncZMQSocketChannel(client, session)
    if sliced:
        stall.poll_in_slices(channel, every=0.5)
    try:
        session.send(client, "execute_request", {"code": "1"})
        ident = (await kernel.recv_multipart())[0]
        waiting = asyncio.ensure_future(channel.get_msg(timeout=TIMEOUT))
        await asyncio.sleep(0.3)  # the client now waits for the reply
        session.send(kernel, "execute_reply", {"status": "ok"}, ident=[ident])
        time.sleep(0.3)  # the reply lands while the client's loop is busy ...
        session.send(client, "comm_msg", {})  # ... and then it sends on the same socket
        start = time.monotonic()
        msg = await waiting
        return time.monotonic() - start, msg["msg_type"]
    finally:
        client.close(0)
        kernel.close(0)
        ctx.term()


def test_a_send_during_the_wait_hides_the_reply_until_the_timeout() -> None:
    seconds, msg_type = asyncio.run(_wait_for_a_reply_that_arrives_before_a_send(sliced=False))
    assert msg_type == "execute_reply" and seconds > TIMEOUT - 1.5  # the cause: nbclient's timeout is 1800 s


def test_polling_in_slices_finds_the_reply_within_a_slice() -> None:
    seconds, msg_type = asyncio.run(_wait_for_a_reply_that_arrives_before_a_send(sliced=True))
    assert msg_type == "execute_reply" and seconds < 1.5


def test_polling_in_slices_still_times_out() -> None:
    async def wait() -> float:
        ctx = zmq.asyncio.Context()
        sock = ctx.socket(zmq.DEALER)
        sock.connect("tcp://127.0.0.1:9")  # nobody answers
        channel = stall.poll_in_slices(AsyncZMQSocketChannel(sock, Session(key=b"test")), every=0.5)
        start = time.monotonic()
        try:
            await channel.get_msg(timeout=1.2)
        except Exception as exc:  # noqa: BLE001 - the channel raises queue.Empty
            assert type(exc).__name__ == "Empty"
            return time.monotonic() - start
        finally:
            sock.close(0)
            ctx.term()
        raise AssertionError("a message came from nowhere")

    assert 1.1 < asyncio.run(wait()) < 2.5
