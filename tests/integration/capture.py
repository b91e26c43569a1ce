"""Proof that nothing leaves loopback: tcpdump on every interface
except lo, for the whole run, must see no packet of the kinds the test
world could send (DNS, XMPP, and whatever the filter adds).

The host may have unrelated traffic on its interfaces (a management
connection, say), so the default filter looks only at the ports the test
world uses or would use if a name escaped: DNS (53, 853, 5353) and XMPP
(5222, 5223, 5269, 5270). On an otherwise idle host, --capture-filter ''
counts every packet. Needs root (or CAP_NET_RAW) and tcpdump."""

import os
import subprocess
import time

import procs

DEFAULT_FILTER = ("port 53 or port 853 or port 5353 or port 5222 or "
                  "port 5223 or port 5269 or port 5270")


def _interfaces():
    return sorted(i for i in os.listdir("/sys/class/net") if i != "lo")


class Capture:
    """tcpdump writing DIRECTORY/offloopback.pcap while the world runs."""

    def __init__(self, directory, bpf=DEFAULT_FILTER):
        self.pcap = os.path.join(directory, "offloopback.pcap")
        self.log = os.path.join(directory, "tcpdump.log")
        # "-i any" also sees lo; its packets are excluded by address, so
        # that the filter stays one expression on one capture.
        expr = "not (net 127.0.0.0/8 or host ::1)"
        if bpf:
            expr = "(%s) and %s" % (bpf, expr)
        self.expr = expr
        self.child = procs.Child(
            "tcpdump", ["tcpdump", "-i", "any", "-n", "-p", "-U", "-w",
                        self.pcap, expr], self.log)
        self._wait_started()

    def _wait_started(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.child.alive():
                raise RuntimeError("tcpdump failed: %s" % self._log_text())
            if "listening on" in self._log_text():
                return
            time.sleep(0.05)
        raise RuntimeError("tcpdump did not start: %s" % self._log_text())

    def _log_text(self):
        with open(self.log, errors="replace") as f:
            return f.read().strip()

    def finish(self):
        """Stops the capture; returns (count, text of the packets)."""
        # Let packets still in flight reach the capture before stopping.
        time.sleep(0.5)
        self.child.stop()
        r = subprocess.run(["tcpdump", "-n", "-r", self.pcap],
                           capture_output=True, text=True)
        lines = [ln for ln in r.stdout.splitlines() if ln.strip()]
        return len(lines), "\n".join(lines[:20])

    @staticmethod
    def describe():
        return "interfaces %s" % ", ".join(_interfaces())
