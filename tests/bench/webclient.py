#!/usr/bin/python3
"""HTTP clients of the status page for make bench (tests/bench/run.sh).

  webclient.py poll HOST PORT PATH INTERVAL_MS OUT
      GET PATH every INTERVAL_MS over one kept-alive connection (a new
      one when the guard closes it) until SIGTERM; then writes to OUT one
      line per poll, "STATUS MICROSECONDS" (STATUS 0 for a failed one).
      Polls are paced from the start, not from the end of the last one, so
      a slow answer does not lower the rate of polls.

  webclient.py slow HOST PORT COUNT HOLD_S SOURCE...
      Opens COUNT connections, spread over the SOURCE addresses in turn,
      each sending the first line of a request and never the rest; prints
      "ready held=N refused=N" once all are tried, then after HOLD_S (or
      at SIGTERM) "result held=N closed=N closed_s=S refused=N": how many
      connected, how many the guard closed before the end, and when the
      last of those was closed (seconds after ready). Connections past
      the guard's limit wait in its listen backlog and count as held.

  webclient.py get HOST PORT PATH
      One GET; prints the status code (0 when it fails) and exits 0.

Nothing here loads the guard's core: run.sh pins this to the load
generator's.
"""
import http.client
import select
import signal
import socket
import sys
import time


class Stop(Exception):
    pass


def stop(_sig, _frame):
    raise Stop()


def poll(host, port, path, interval_ms, out):
    interval = interval_ms / 1000.0
    results = []
    conn = None
    nxt = time.monotonic()
    try:
        while True:
            start = time.monotonic()
            status = 0
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(host, port, timeout=5)
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
                if resp.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
            results.append((status, int((time.monotonic() - start) * 1e6)))
            nxt += interval
            delay = nxt - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                nxt = time.monotonic()
    except Stop:
        pass
    with open(out, "w") as f:
        for status, us in results:
            f.write("%d %d\n" % (status, us))


def slow(host, port, count, hold_s, sources):
    socks = []
    refused = 0
    partial = b"GET /healthz HTTP/1.1\r\nHost: " + host.encode() + b"\r\n"
    for i in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind((sources[i % len(sources)], 0))
            s.settimeout(1)
            s.connect((host, port))
            s.sendall(partial)
            socks.append(s)
        except OSError:
            s.close()
            refused += 1
    # A connection that MHD closes at once is refused; one past its
    # limit waits in the listen backlog, connected but not yet read.
    time.sleep(0.3)
    open_socks = []
    for s in socks:
        r, _, _ = select.select([s], [], [], 0)
        if r and not alive(s):
            s.close()
            refused += 1
        else:
            open_socks.append(s)
    print("ready held=%d refused=%d" % (len(open_socks), refused),
          flush=True)
    ready = time.monotonic()
    closed = 0
    last = 0.0
    try:
        end = ready + hold_s
        while open_socks and time.monotonic() < end:
            r, _, _ = select.select(open_socks, [], [],
                                    max(0, end - time.monotonic()))
            for s in r:
                if not alive(s):
                    open_socks.remove(s)
                    s.close()
                    closed += 1
                    last = time.monotonic() - ready
    except Stop:
        pass
    print("result held=%d closed=%d closed_s=%.1f refused=%d"
          % (closed + len(open_socks), closed, last, refused), flush=True)


def alive(s):
    """Whether readable socket S is still open (reads what it sent)."""
    try:
        return s.recv(4096) != b""
    except OSError:
        return False


def get(host, port, path):
    try:
        conn = http.client.HTTPConnection(host, port, timeout=3)
        conn.request("GET", path)
        status = conn.getresponse().status
        conn.close()
    except (OSError, http.client.HTTPException):
        status = 0
    print(status)


def main():
    signal.signal(signal.SIGTERM, stop)
    a = sys.argv[1:]
    if len(a) == 6 and a[0] == "poll":
        poll(a[1], int(a[2]), a[3], int(a[4]), a[5])
    elif len(a) >= 6 and a[0] == "slow":
        slow(a[1], int(a[2]), int(a[3]), float(a[4]), a[5:])
    elif len(a) == 4 and a[0] == "get":
        get(a[1], int(a[2]), a[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
