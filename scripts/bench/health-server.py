#!/usr/bin/env python3
"""Serves GET /health on N loopback ports (asyncio, HTTP/1.1 keep-alive) for scripts/bench-poll.sh.

Usage: health-server.py N PORTS_FILE — binds N ephemeral ports, writes them one per line to PORTS_FILE, serves until
killed. Every request gets the course-style liveness body; anything else about the request is ignored. The number of
requests answered so far is written to PORTS_FILE.count every half second (the benchmark reads how many probes were
really made, not how many should have been).
"""
import asyncio
import sys

BODY = b'{"status":"healthy","version":"1.0.0"}'
RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)


answered = 0


async def serve(reader, writer):
    global answered
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            if not head:
                break
            answered += 1
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def main(count, ports_file):
    servers = [await asyncio.start_server(serve, "127.0.0.1", 0, backlog=128) for _ in range(count)]
    with open(ports_file + ".tmp", "w") as out:
        for server in servers:
            out.write(f"{server.sockets[0].getsockname()[1]}\n")
    import os
    os.replace(ports_file + ".tmp", ports_file)

    async def count():
        while True:
            with open(ports_file + ".count.tmp", "w") as out:
                out.write(f"{answered}\n")
            os.replace(ports_file + ".count.tmp", ports_file + ".count")
            await asyncio.sleep(0.5)

    await asyncio.gather(count(), *(server.serve_forever() for server in servers))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
