#!/usr/bin/env python3
"""`albergue serve` beside OpenSSH running `albergue`, same key script, same run.

Between the `ssh` client and each server sits a relay that counts the bytes
on the wire each way and can shape the link (default 256 kbit/s and 150 ms
each way, as a phone on a poor link). Measured for each server:

  - start to settled dashboard over the shaped link (median of --starts);
  - bytes on the wire per Down and per PageDown in the roster (medians),
    server to client, SSH framing and encryption included.

Then, for `albergue serve` alone, unshaped: --sessions dashboards at once,
the server's resident memory, and the key-to-screen time of a Down in one
of them while the others press keys too (p95).

    cargo build --release
    apt-get install openssh-server     # the peer: a temporary sshd on 127.0.0.1
    python3 benches/serve.py [--people 100000] [--sessions 20] [--encrypted]

Everything listens on 127.0.0.1 only; the script stops all it started.
"""

import argparse
import collections
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tui import BIN, DOWN, NOW, PGDN, Pty, p95, rss_mb  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Shaper:
    """One direction of a shaped link: `put` never blocks; a thread delivers
    each chunk with `send` once it has crossed the link: `delay` s after it
    was put (propagation), and no sooner than the link's rate allows after
    the chunk before it (serialization at `rate` bytes/s). Chunks put back
    to back are in flight together, as on a real link."""

    def __init__(self, send, rate=None, delay=0.0):
        self.send, self.rate, self.delay = send, rate, delay
        self.queue = collections.deque()
        self.wake = threading.Condition()
        self.free_at = 0.0
        self.closed = False
        threading.Thread(target=self._run, daemon=True).start()

    def put(self, data):
        now = time.perf_counter()
        if self.rate:
            start = max(now + self.delay, self.free_at)
            self.free_at = start + len(data) / self.rate
            due = self.free_at
        else:
            due = now + self.delay
        with self.wake:
            self.queue.append((due, data))
            self.wake.notify()

    def close(self):
        with self.wake:
            self.closed = True
            self.wake.notify()

    def _run(self):
        while True:
            with self.wake:
                while not self.queue and not self.closed:
                    self.wake.wait()
                if not self.queue:
                    return
                due, data = self.queue.popleft()
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            try:
                self.send(data)
            except OSError:
                pass


class Relay:
    """TCP relay on 127.0.0.1 to `target`: counts the payload bytes each
    way and, when shaping, delays and paces them (see `Shaper`)."""

    def __init__(self, target, rate=None, delay=0.0):
        self.target, self.rate, self.delay = target, rate, delay
        self.down = 0  # server to client
        self.up = 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            # A link forwards each segment as it comes: without this the
            # relay's own sockets would hold a small write behind the ACK of
            # the one before (Nagle + the peer's 40 ms delayed ACK), a stall
            # no router adds.
            for s in (client, server):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for a, b, down in ((client, server, False), (server, client, True)):
                threading.Thread(target=self._pump, args=(a, b, down), daemon=True).start()

    def _pump(self, src, dst, down):
        link = Shaper(dst.sendall, self.rate, self.delay) if self.rate or self.delay else None
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data:
                if link:
                    link.close()
                    while link.queue:
                        time.sleep(0.01)
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                return
            if down:
                self.down += len(data)
            else:
                self.up += len(data)
            if link:
                link.put(data)
            else:
                try:
                    dst.sendall(data)
                except OSError:
                    return

    def close(self):
        self.sock.close()


def ssh_argv(key, port, user, command=None):
    argv = ["ssh", "-F", "/dev/null", "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
            "-i", key, "-p", str(port), "-tt", f"{user}@127.0.0.1"]
    return argv + ([command] if command else [])


def start_sshd(work, key_pub, command):
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    if not os.path.exists(sshd):
        return None, None
    host = os.path.join(work, "sshd_host")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host], check=True)
    auth = os.path.join(work, "authorized_keys")
    shutil.copy(key_pub, auth)
    os.chmod(auth, 0o600)
    port = free_port()
    conf = os.path.join(work, "sshd_config")
    with open(conf, "w") as f:
        f.write(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {host}
AuthorizedKeysFile {auth}
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PidFile {work}/sshd.pid
ForceCommand {command}
PrintMotd no
PrintLastLog no
AcceptEnv LANG
""")
    os.makedirs("/run/sshd", exist_ok=True)
    p = subprocess.Popen([sshd, "-D", "-e", "-f", conf], stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return p, port


def demo_db(people):
    """A demo database of `people` in a new temporary folder, by the release
    build (which must exist): returns (folder, database)."""
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} is missing: run `cargo build --release` first")
    work = tempfile.mkdtemp()
    db = os.path.join(work, "bench.db")
    subprocess.run([BIN, "demo", "--people", str(people), "--seed", "1", "--now", NOW, "--db", db],
                   check=True, stderr=subprocess.DEVNULL)
    return work, db


def encrypt(work, db):
    """Encrypts `db` with a new key (`albergue key new`, `albergue encrypt`):
    returns the flags that open it."""
    key = os.path.join(work, "db.key")
    subprocess.run([BIN, "key", "new", "--out", key], check=True, stderr=subprocess.DEVNULL)
    subprocess.run([BIN, "encrypt", "--db", db, "--key-file", key], check=True, stderr=subprocess.DEVNULL)
    return ["--key-file", key]


def start_serve(work, db, db_flags=()):
    """A coordinator's key registered in `db`, and `albergue serve` on a
    free port of 127.0.0.1: returns (private key, port, process)."""
    key = os.path.join(work, "coord")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
    subprocess.run([BIN, "users", "add", "coord", "--role", "coordinator", "--key", key + ".pub",
                    "--db", db, *db_flags], check=True, stderr=subprocess.DEVNULL)
    port = free_port()
    serve = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{port}", "--now", NOW,
                              "--db", db, "--per-address", "64", *db_flags], stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    return key, port, serve


def measure(name, key, port, user, command, starts, downs, rate, delay):
    relay = Relay(port, rate=rate, delay=delay)
    times = []
    for _ in range(starts):
        t0 = time.perf_counter()
        p = Pty(ssh_argv(key, relay.port, user, command))
        try:
            p.wait_for(b"Due soonest", limit=60)
            p.settle(quiet=1.0, limit=30)
            times.append((p.last_byte - t0) * 1000)
        finally:
            p.close()
    p = Pty(ssh_argv(key, relay.port, user, command))
    try:
        p.wait_for(b"Due soonest", limit=60)
        p.settle(1.0)
        p.send(b"2")
        p.wait_for(b"sorted by", limit=60)
        p.settle(2.0)

        def wire(keys, data):
            out = []
            for _ in range(keys):
                p.settle(0.3)
                before = relay.down
                p.send(data)
                p.settle(max(0.6, 2 * delay + 0.3))
                out.append(relay.down - before)
            return out

        d = wire(downs, DOWN)
        pg = wire(5, PGDN)
    finally:
        p.close()
        relay.close()
    return {"server": name, "start_ms": statistics.median(times),
            "down_bytes": statistics.median(d), "pgdn_bytes": statistics.median(pg)}


def many_sessions(key, port, user, server_pid, n, downs, stalled=False):
    """n sessions pressing keys; one more, if `stalled`, that was sent a
    burst of keys and then stopped reading (SIGSTOP) with frames owed."""
    stuck = None
    if stalled:
        stuck = Pty(ssh_argv(key, port, user))
        stuck.wait_for(b"Due soonest", limit=120)
        stuck.send(b"2")
        stuck.wait_for(b"sorted by", limit=120)
        stuck.send((PGDN + b"\x1b[5~") * 300)
        os.kill(stuck.pid, signal.SIGSTOP)
    clients = []
    for _ in range(n):
        p = Pty(ssh_argv(key, port, user))
        clients.append(p)
    for p in clients:
        p.wait_for(b"Due soonest", limit=120)
        p.send(b"2")
    for p in clients:
        p.wait_for(b"sorted by", limit=120)
        p.settle(0.5)
    stop = False

    def busy(p):
        while not stop:
            p.send(DOWN)
            p.pump(0.2)

    threads = [threading.Thread(target=busy, args=(p,), daemon=True) for p in clients[1:]]
    for t in threads:
        t.start()
    lat = [p95x for p95x in (clients[0].key(DOWN, quiet=0.1)[1] * 1000 for _ in range(downs))]
    stop = True
    for t in threads:
        t.join()
    mem = rss_mb(server_pid)
    for p in clients:
        p.close()
    if stuck:
        os.kill(stuck.pid, signal.SIGCONT)
        stuck.close()
    return {"sessions": n, "server_rss_mb": mem, "down_ms_p95": p95(lat),
            "down_ms_median": statistics.median(lat)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--starts", type=int, default=3)
    ap.add_argument("--downs", type=int, default=10)
    ap.add_argument("--kbit", type=float, default=256.0, help="link rate each way (0: unshaped)")
    ap.add_argument("--delay-ms", type=float, default=150.0, help="one-way delay")
    ap.add_argument("--encrypted", action="store_true", help="encrypt the database first (SQLCipher)")
    args = ap.parse_args()
    work, db = demo_db(args.people)
    db_flags = encrypt(work, db) if args.encrypted else []
    key, port, serve = start_serve(work, db, db_flags)
    rate = args.kbit * 1000 / 8 if args.kbit else None
    delay = args.delay_ms / 1000 if args.kbit else 0.0  # --kbit 0: unshaped
    command = f"env TERM=xterm-256color {BIN} --db {db} --now {NOW} --lang en {' '.join(db_flags)}"
    sshd, sshd_port = start_sshd(work, key + ".pub", command)
    try:
        rows = [measure("albergue serve", key, port, "coord", None, args.starts, args.downs, rate, delay)]
        if sshd:
            rows.append(measure("OpenSSH + albergue", key, sshd_port, os.environ.get("USER", "root"),
                                None, args.starts, args.downs, rate, delay))
        print(f"\n{args.people} people, 80x24, link {args.kbit:g} kbit/s, {args.delay_ms:g} ms each way")
        print("| server | start to settled dashboard (ms, median) | bytes per Down | bytes per PageDown |")
        print("|---|---|---|---|")
        for r in rows:
            print(f"| {r['server']} | {r['start_ms']:.0f} | {r['down_bytes']:.0f} | {r['pgdn_bytes']:.0f} |")
        if len(rows) == 2:
            print(f"ratio serve / OpenSSH: Down {rows[0]['down_bytes'] / rows[1]['down_bytes']:.2f}x, "
                  f"PageDown {rows[0]['pgdn_bytes'] / rows[1]['pgdn_bytes']:.2f}x, "
                  f"start {rows[0]['start_ms'] / rows[1]['start_ms']:.2f}x")
        else:
            print("(no sshd: apt-get install openssh-server for the peer)")
        m = many_sessions(key, port, "coord", serve.pid, args.sessions, 40)
        print(f"\n{m['sessions']} sessions at once, unshaped: server RSS {m['server_rss_mb']:.0f} MB, "
              f"Down key to screen median {m['down_ms_median']:.1f} ms, p95 {m['down_ms_p95']:.1f} ms")
        s = many_sessions(key, port, "coord", serve.pid, args.sessions, 40, stalled=True)
        print(f"the same with one more client stopped (SIGSTOP) with 600 frames owed: "
              f"server RSS {s['server_rss_mb']:.0f} MB, Down median {s['down_ms_median']:.1f} ms, "
              f"p95 {s['down_ms_p95']:.1f} ms ({s['down_ms_p95'] / m['down_ms_p95']:.2f}x)")
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait()
        if sshd:
            sshd.terminate()
            sshd.wait()


if __name__ == "__main__":
    main()
