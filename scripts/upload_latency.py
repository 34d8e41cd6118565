#!/usr/bin/env python3
"""Time from an upload's last byte to the result's last byte, for a client that sends at a throttled rate.

Uploads FILE to a running `sobel serve` (POST /api/v1/jobs?wait=true) at RATE Mbit/s, paced in the client
(64 KiB pieces, each sent when the rate allows), and reads the PNG result. Each run is timed twice over: the
whole exchange, and from the moment the last upload byte was handed to the socket to the moment the last result
byte arrived. Two ways of sending are measured, alternately:
  - "streamed": with Content-Length, so the server decodes the image while it arrives;
  - "collected": with chunked transfer encoding (no length), which the server reads whole before decoding:
    the reference, measured in the same run.
Prints one JSON object: per mode, the median and every run in ms.

Usage: upload_latency.py URL FILE [--rate-mbit 100] [--runs 5] [--label NAME]
"""
import argparse
import json
import socket
import statistics
import time
import urllib.parse


def upload(url: str, body: bytes, rate_mbit: float, streamed: bool) -> dict:
    parts = urllib.parse.urlsplit(url)
    connection = socket.create_connection((parts.hostname, parts.port or 80))
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    framing = f"Content-Length: {len(body)}" if streamed else "Transfer-Encoding: chunked"
    head = f"POST {parts.path}?wait=true HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: image/png\r\n{framing}\r\n\r\n"
    bytes_per_second = rate_mbit * 1e6 / 8
    piece = 64 << 10
    start = time.perf_counter()
    connection.sendall(head.encode())
    for offset in range(0, len(body), piece):
        due = start + offset / bytes_per_second
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        chunk = body[offset:offset + piece]
        connection.sendall(chunk if streamed else b"%x\r\n%s\r\n" % (len(chunk), chunk))
    if not streamed:
        connection.sendall(b"0\r\n\r\n")
    last_sent = time.perf_counter()
    received = b""
    while b"\r\n\r\n" not in received:
        received += connection.recv(1 << 20)
    head_end = received.index(b"\r\n\r\n") + 4
    status = received.split(b" ", 2)[1].decode()
    fields = [line.lower() for line in received[:head_end].split(b"\r\n")]
    lengths = [int(line.split(b":")[1]) for line in fields if line.startswith(b"content-length:")]
    body = received[head_end:]
    # The body by its declared length, or by its chunked encoding (the result sent as it is deflated).
    complete = (lambda data: len(data) >= lengths[0]) if lengths else (lambda data: data.endswith(b"\r\n0\r\n\r\n") or data == b"0\r\n\r\n")
    while not complete(body):
        more = connection.recv(1 << 20)
        if not more:
            raise SystemExit(f"the connection closed before the answer's end ({status}, {len(body)} bytes)")
        body += more
    last_received = time.perf_counter()
    connection.close()
    if status != "200":
        raise SystemExit(f"the upload got {status}: {received[:400]!r}")
    return {"after_last_byte_ms": (last_received - last_sent) * 1000, "total_ms": (last_received - start) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url", help="the server, e.g. http://127.0.0.1:8080/api/v1/jobs")
    parser.add_argument("file")
    parser.add_argument("--rate-mbit", type=float, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--label", default="")
    arguments = parser.parse_args()
    body = open(arguments.file, "rb").read()
    upload(arguments.url, body, 10_000, streamed=True)  # warm-up, unthrottled
    runs = {"streamed": [], "collected": []}
    for _ in range(arguments.runs):
        for mode in runs:
            runs[mode].append(upload(arguments.url, body, arguments.rate_mbit, streamed=mode == "streamed"))
    result = {"label": arguments.label, "file_bytes": len(body), "rate_mbit": arguments.rate_mbit}
    for mode, timings in runs.items():
        result[mode] = {
            "after_last_byte_ms": statistics.median(t["after_last_byte_ms"] for t in timings),
            "total_ms": statistics.median(t["total_ms"] for t in timings),
            "runs_after_last_byte_ms": [round(t["after_last_byte_ms"], 1) for t in timings],
        }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
