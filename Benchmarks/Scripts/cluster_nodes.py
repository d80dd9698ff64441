"""Real steward processes sharing one PostgreSQL journal, for the fail-over and claim-latency
benchmarks: each node has its config, control socket and log in one temporary directory, is its
own session (so it and whatever it spawned can be killed together), and is driven over its control
socket (HTTP over the Unix socket)."""
import http.client
import json
import os
import signal
import socket
import subprocess
import time


class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path, timeout=10):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


def descendants(pid):
    """Every process below `pid` (by /proc parent links)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                text = f.read()
            parent = int(text[text.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


class Node:
    def __init__(self, name, directory, steward, connection, jobs):
        self.name = name
        self.steward = steward
        self.config = os.path.join(directory, f"{name}.json5")
        self.socket = os.path.join(directory, f"{name}.sock")
        self.log = os.path.join(directory, f"{name}.log")
        self.process = None
        with open(self.config, "w") as f:
            f.write("{\n"
                    f'  control: {{ socket: "{self.socket}" }},\n'
                    f'  journal: {{ postgres: "{connection}", node: "{name}" }},\n'
                    f"  jobs: {{ {jobs} }},\n"
                    "}\n")

    def start(self, timeout=60):
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([self.steward, "run", self.config], stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if self.request("GET", "/status")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"steward {self.name} did not start:\n{self.tail()}")

    def tail(self, size=2000):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()[-size:]
        except OSError:
            return "(no log)"

    def request(self, method, path, body=None):
        connection = UnixHTTP(self.socket)
        try:
            payload = None if body is None else json.dumps(body)
            headers = {} if body is None else {"Content-Type": "application/json"}
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            data = response.read()
            return response.status, (json.loads(data) if data.strip().startswith(b"{") else data.decode(errors="replace"))
        finally:
            connection.close()

    def trigger(self, job, timeout=60):
        """Triggers `job`; returns the run's id. While the node's scheduler is still starting (it
        joins the cluster after its control socket answers), the trigger is tried again."""
        deadline = time.monotonic() + timeout
        while True:
            status, body = self.request("POST", f"/jobs/{job}/trigger", {})
            if status == 409 and "not running" in str(body) and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            break
        if status != 202 or not isinstance(body, dict) or "runId" not in body:
            raise RuntimeError(f"trigger {job} on {self.name}: HTTP {status} {body}")
        return body["runId"]

    def kill(self):
        """SIGKILL the steward, then whatever it had spawned (the node is lost as a whole); returns
        the instant (time.time()) of the steward's kill."""
        if self.process is None or self.process.poll() is not None:
            return None
        below = descendants(self.process.pid)
        instant = time.time()
        os.kill(self.process.pid, signal.SIGKILL)
        for pid in below:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        return instant

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
