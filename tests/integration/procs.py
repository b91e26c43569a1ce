"""Child processes of the harness: started in their own process group,
stopped on every way out (normal end, exception, SIGINT, SIGTERM), and
checked for the addresses they should (and afterwards should not) hold."""

import atexit
import ctypes
import os
import signal
import socket
import subprocess
import time

_running = []
_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """Runs in the child before exec: should the harness itself be killed
    (SIGKILL leaves no chance to clean up), the kernel sends the child
    SIGTERM."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


class Child:
    """A server started by the harness: its name (for messages), its
    process, and the log file its stdout and stderr go to."""

    def __init__(self, name, argv, log_path, env=None, cwd=None):
        self.name = name
        self.log_path = log_path
        # A new session makes the child the leader of its own process
        # group, so that stopping it also stops anything it forked.
        with open(log_path, "ab") as log:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, env=env, cwd=cwd,
                start_new_session=True, preexec_fn=_die_with_parent)
        _running.append(self)

    def alive(self):
        return self.proc.poll() is None

    def stop(self, grace=5.0):
        """Sends SIGTERM to the process group, then SIGKILL after GRACE
        seconds; returns the exit status."""
        if self in _running:
            _running.remove(self)
        if self.alive():
            _signal_group(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        # Whatever the leader did, nothing of the group may outlive it.
        _signal_group(self.proc.pid, signal.SIGKILL)
        return self.proc.wait()


def _signal_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def stop_all():
    """Stops every child still running, newest first."""
    for child in reversed(list(_running)):
        child.stop()


def _on_signal(signum, frame):
    # Turning the signal into SystemExit runs every finally block and
    # the atexit handler, so that no server is left behind.
    raise SystemExit(128 + signum)


def install_cleanup():
    """Makes sure that the children die with the harness."""
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)


def port_in_use(addr, port):
    """Returns True if something accepts TCP connections on ADDR:PORT or
    holds the port (for instance a server bound to 0.0.0.0)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((addr, port))
        return False
    except OSError:
        return True
    finally:
        s.close()


def wait_listening(child, endpoints, timeout=15.0):
    """Waits until every (address, port) in ENDPOINTS accepts a TCP
    connection; raises RuntimeError if CHILD dies or TIMEOUT passes."""
    deadline = time.monotonic() + timeout
    pending = list(endpoints)
    while pending:
        if not child.alive():
            raise RuntimeError("%s exited with status %s; see %s" % (
                child.name, child.proc.returncode, child.log_path))
        addr, port = pending[0]
        try:
            socket.create_connection((addr, port), timeout=1).close()
            pending.pop(0)
            continue
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("%s does not listen on %s:%d after %.0fs; "
                               "see %s" % (child.name, addr, port, timeout,
                                           child.log_path))
        time.sleep(0.05)


def wait_log_line(child, text, timeout=15.0):
    """Waits until CHILD's log holds TEXT; raises RuntimeError if CHILD
    dies or TIMEOUT passes."""
    deadline = time.monotonic() + timeout
    while True:
        with open(child.log_path, errors="replace") as f:
            if text in f.read():
                return
        if not child.alive():
            raise RuntimeError("%s exited with status %s; see %s" % (
                child.name, child.proc.returncode, child.log_path))
        if time.monotonic() > deadline:
            raise RuntimeError("%s did not log %r after %.0fs; see %s" % (
                child.name, text, timeout, child.log_path))
        time.sleep(0.05)
