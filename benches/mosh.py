#!/usr/bin/env python3
"""The dashboard through mosh beside plain SSH (`albergue serve`), same run.

Each client reaches its server through a relay on 127.0.0.1 that counts the
payload bytes each way (SSH: TCP payload; mosh: UDP payload; IP, TCP and
UDP headers not counted) and shapes the link in user space: each packet or
chunk is delayed by --delay-ms and paced to --kbit, each way. (tc netem
would shape the kernel's own packets, but this machine's kernel has no
netem; `--kbit 0` measures unshaped.)

    mosh:  mosh-client -> UDP relay -> mosh-server running `albergue`
    SSH:   ssh -tt      -> TCP relay -> `albergue serve`

Measured, in the roster at 80x24, for --downs presses of Down (medians and
p95): payload bytes server to client per Down, and the time from the key
to the last byte of the screen's answer in the client's terminal.

    cargo build --release
    apt-get install mosh openssh-client
    python3 benches/mosh.py [--people 2000] [--downs 30] [--kbit 256] [--delay-ms 150]

Everything listens on 127.0.0.1 only; the script stops all it started.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve import Relay, Shaper, demo_db, free_port, ssh_argv, start_serve  # noqa: E402
from tui import BIN, DOWN, NOW, Pty, p95  # noqa: E402


class UdpRelay:
    """UDP relay on 127.0.0.1 to `target`: the first client's address is
    where the server's packets go back. Counts payload bytes and packets
    each way; shapes each way like `serve.Relay` (see `serve.Shaper`)."""

    def __init__(self, target, rate=None, delay=0.0):
        self.down = self.up = self.down_packets = self.up_packets = 0
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front.bind(("127.0.0.1", 0))
        self.port = self.front.getsockname()[1]
        self.back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.back.connect(("127.0.0.1", target))
        self.client = None
        self.closed = False
        self.to_server = Shaper(self.back.send, rate, delay)
        self.to_client = Shaper(lambda data: self.front.sendto(data, self.client), rate, delay)
        threading.Thread(target=self._from_client, daemon=True).start()
        threading.Thread(target=self._from_server, daemon=True).start()

    def _from_client(self):
        while not self.closed:
            try:
                data, addr = self.front.recvfrom(65536)
            except OSError:
                return
            self.client = addr
            self.up += len(data)
            self.up_packets += 1
            self.to_server.put(data)

    def _from_server(self):
        while not self.closed:
            try:
                data = self.back.recv(65536)
            except OSError:
                return
            self.down += len(data)
            self.down_packets += 1
            if self.client:
                self.to_client.put(data)

    def close(self):
        self.closed = True
        self.to_server.close()
        self.to_client.close()
        self.front.close()
        self.back.close()


def into_roster(p, t0):
    """Waits for the dashboard, goes to the roster; returns the start time
    (ms from `t0` to the dashboard's last byte)."""
    p.wait_for(b"Due soonest", limit=60)
    start_ms = (p.last_byte - t0) * 1000
    p.settle(1.0)
    p.send(b"2")
    p.wait_for(b"sorted by", limit=60)
    p.settle(2.0)
    return start_ms


def downs_through(p, relay, downs, quiet):
    """Presses Down `downs` times in the roster; returns the payload bytes
    server to client and the key-to-screen seconds of each."""
    sizes, times = [], []
    for _ in range(downs):
        p.settle(quiet)
        before = relay.down
        _, took = p.key(DOWN, quiet=quiet)
        # Late packets (acks, mosh's next frame) belong to this key too.
        p.settle(quiet)
        sizes.append(relay.down - before)
        times.append(took)
    return sizes, times


def over_mosh(db, rate, delay, downs, quiet):
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8", TERM="xterm-256color")
    port = free_port()
    out = subprocess.run(
        ["mosh-server", "new", "-i", "127.0.0.1", "-p", str(port), "-c", "256", "--",
         BIN, "--db", db, "--now", NOW, "--lang", "en"],
        env=env, capture_output=True, text=True, check=True)
    m = re.search(r"MOSH CONNECT (\d+) (\S+)", out.stdout)
    pid = re.search(r"pid = (\d+)", out.stderr)
    if not m:
        raise RuntimeError(f"mosh-server said: {out.stdout} {out.stderr}")
    relay = UdpRelay(int(m.group(1)), rate=rate, delay=delay)
    t0 = time.perf_counter()
    p = Pty(["mosh-client", "127.0.0.1", str(relay.port)],
            env={"MOSH_KEY": m.group(2), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})
    try:
        start_ms = into_roster(p, t0)
        before_packets = relay.down_packets
        sizes, times = downs_through(p, relay, downs, quiet)
        packets = (relay.down_packets - before_packets) / downs
        p.send(b"q")
        p.settle(1.0)
    finally:
        p.close()
        relay.close()
        if pid:
            try:
                os.kill(int(pid.group(1)), signal.SIGTERM)
            except ProcessLookupError:
                pass
    return {"start_ms": start_ms, "sizes": sizes, "times": times, "packets": packets}


def over_ssh(db, work, rate, delay, downs, quiet):
    key, port, serve = start_serve(work, db)
    relay = Relay(port, rate=rate, delay=delay)
    t0 = time.perf_counter()
    p = Pty(ssh_argv(key, relay.port, "coord"))
    try:
        start_ms = into_roster(p, t0)
        sizes, times = downs_through(p, relay, downs, quiet)
    finally:
        p.close()
        relay.close()
        serve.send_signal(signal.SIGTERM)
        serve.wait()
    return {"start_ms": start_ms, "sizes": sizes, "times": times, "packets": None}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=2_000)
    ap.add_argument("--downs", type=int, default=30)
    ap.add_argument("--kbit", type=float, default=256.0, help="link rate each way (0: unshaped)")
    ap.add_argument("--delay-ms", type=float, default=150.0, help="one-way delay")
    args = ap.parse_args()
    for tool in ("mosh-server", "mosh-client", "ssh"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install mosh openssh-client")
    work, db = demo_db(args.people)
    rate = args.kbit * 1000 / 8 if args.kbit else None
    delay = args.delay_ms / 1000 if args.kbit else 0.0  # --kbit 0: unshaped
    # Quiet long enough for a frame to cross the link and mosh's next one.
    quiet = max(0.4, 2 * delay + 0.3)
    rows = [("mosh", over_mosh(db, rate, delay, args.downs, quiet)),
            ("SSH (albergue serve)", over_ssh(db, work, rate, delay, args.downs, quiet))]
    link = f"{args.kbit:g} kbit/s, {args.delay_ms:g} ms each way" if args.kbit else "unshaped"
    print(f"\n{args.people} people, 80x24, roster, {args.downs} Downs, link {link}")
    print("| transport | start to dashboard (ms) | bytes per Down (median) | Down key to screen, median (ms) | p95 (ms) |")
    print("|---|---|---|---|---|")
    for name, r in rows:
        print(f"| {name} | {r['start_ms']:.0f} | {statistics.median(r['sizes']):.0f} | "
              f"{statistics.median(r['times']) * 1000:.0f} | {p95(r['times']) * 1000:.0f} |")
    mosh, ssh = rows[0][1], rows[1][1]
    print(f"ratio mosh / SSH: bytes per Down {statistics.median(mosh['sizes']) / statistics.median(ssh['sizes']):.2f}x, "
          f"key to screen {statistics.median(mosh['times']) / statistics.median(ssh['times']):.2f}x "
          f"(mosh: {mosh['packets']:.1f} packets per Down)")


if __name__ == "__main__":
    main()
