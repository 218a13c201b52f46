#!/usr/bin/env python3
"""Hostile and broken peers against a Gearman job server, on raw sockets (benchmarks/hostile.sh runs each against
our server and against gearmand). Each attack prints key=value lines: what it cost the server (RSS growth, sampled
from /proc every 20 ms) and what a well-behaved peer saw meanwhile (round trips).

usage: hostile.py ATTACK HOST PORT SERVER_PID [RUN]

RUN (default 1) tells the runs of one attack against one server apart where names must differ (hostile.sh runs each
attack twice against one server: the first run also pays the server's first use of a code path).
"""

import os
import random
import socket
import struct
import sys
import threading
import time

REQ = b"\0REQ"
CAN_DO, PRE_SLEEP, NOOP, SUBMIT_JOB, JOB_CREATED, GRAB_JOB, NO_JOB, JOB_ASSIGN = 1, 4, 6, 7, 8, 9, 10, 11
WORK_COMPLETE, ECHO_REQ, ECHO_RES, ERROR, WORK_DATA = 13, 16, 17, 19, 28


def packet(kind, *parts):
    """A request: the parts joined with NULs (the last one is the data blob, if the type has one)."""
    payload = b"\0".join(parts)
    return REQ + struct.pack(">II", kind, len(payload)) + payload


def connect(host, port, small_receive_buffer=False):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if small_receive_buffer:
        # replies it does not read pile up in the server, not in the kernel
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.connect((host, port))
    return sock


def read_exactly(sock, size):
    chunks = []
    while size > 0:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_packet(sock):
    header = read_exactly(sock, 12)
    kind, size = struct.unpack(">II", header[4:])
    return kind, read_exactly(sock, size)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class RssPeak:
    """The peak RSS growth of the server over its RSS when this started."""

    def __init__(self, pid):
        self.pid = pid
        self.base = rss_kib(pid)
        self.peak = 0
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            try:
                self.peak = max(self.peak, rss_kib(self.pid) - self.base)
            except OSError:
                return
            time.sleep(0.02)

    def stop(self):
        self.running = False
        self.thread.join()
        return self.peak / 1024


def percentile(samples, percent):
    """The sample at a percentile. (What an attack adds to a percentile is counted from 0: an attack that seems to
    speed a server up has only met a quieter moment of the machine.)"""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * percent / 100 + 0.5) - 1))]


class EchoProbe:
    """A well-behaved connection doing ECHO round trips, one every 5 ms, recording them in milliseconds."""

    def __init__(self, host, port):
        self.sock = connect(host, port)
        self.sock.settimeout(30)
        self.times = []
        self.failed = None
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        try:
            while self.running:
                start = time.perf_counter()
                self.sock.sendall(packet(ECHO_REQ, b"probe"))
                kind, data = read_packet(self.sock)
                if kind != ECHO_RES or data != b"probe":
                    raise ValueError(f"unexpected reply {kind}")
                self.times.append((time.perf_counter() - start) * 1000)
                time.sleep(0.005)
        except Exception as ex:  # noqa: BLE001 - reported as a figure
            self.failed = ex

    def stop(self):
        self.running = False
        self.thread.join(35)
        return self.times, self.failed


def report(**figures):
    for key, value in figures.items():
        print(f"{key}={value:.1f}" if isinstance(value, float) else f"{key}={value}")
    sys.stdout.flush()


def drain(sock):
    """Reads and drops whatever arrives until the connection closes."""
    try:
        while sock.recv(1 << 16):
            pass
    except OSError:
        pass


def attack_warm_up(host, port, pid):
    """Ordinary traffic, run before the attacks: small and 2 MiB echoes (one arriving in pieces), 2,000 foreground
    jobs through a worker, a status; so that neither server's first use of its common paths (a JVM compiling them, a
    buffer pool taking its first chunks) counts as an attack's cost."""
    sock = connect(host, port)
    sock.settimeout(30)
    for _ in range(20):
        sock.sendall(packet(ECHO_REQ, b"ping") * 500)
        for _ in range(500):
            read_packet(sock)
    large = packet(ECHO_REQ, b"L" * (2 << 20))
    for _ in range(5):
        sock.sendall(large)
        read_packet(sock)
    for offset in range(0, len(large), 64 * 1024):
        sock.sendall(large[offset:offset + 64 * 1024])
        time.sleep(0.001)
    read_packet(sock)
    sock.sendall(b"status\n")
    sock.recv(1 << 16)
    sock.close()
    probe = JobProbe(host, port)
    for _ in range(4):
        probe.round_trips(0.5)
    probe.close()


def attack_trickle(host, port, pid):
    """Four 32 MiB packets announced, their bodies trickled a byte every 2 ms: 10 KB sent in all."""
    peak = RssPeak(pid)
    socks = [connect(host, port) for _ in range(4)]
    for sock in socks:
        sock.sendall(REQ + struct.pack(">II", ECHO_REQ, 32 << 20))
    for _ in range(2500):
        for sock in socks:
            sock.sendall(b"x")
        time.sleep(0.002)
    report(trickle_rss_growth_mib=peak.stop())
    for sock in socks:
        sock.close()


def status_flood(host, port, pid, names, name):
    quiet = EchoProbe(host, port)
    time.sleep(2)
    before, _ = quiet.stop()
    peak = RssPeak(pid)
    probe = EchoProbe(host, port)
    attacker = connect(host, port, small_receive_buffer=True)
    attacker.sendall(b"status\n" * 1500)
    time.sleep(5)
    growth = peak.stop()
    times, failed = probe.stop()
    report(**{name + "_rss_growth_mib": growth, name + "_probe_p99_during_ms": percentile(times, 99),
              name + "_probe_p99_increase_ms": max(0.0, percentile(times, 99) - percentile(before, 99)),
              name + "_probe_failed": int(failed is not None)})
    attacker.close()
    for worker in names:
        worker.close()


def attack_status_flood_big_names(host, port, pid):
    """Four functions with 1 MiB names, then 1,500 status lines on a connection that never reads."""
    workers = []
    for i in range(4):
        worker = connect(host, port)
        try:
            worker.sendall(packet(CAN_DO, (b"%d" % i) * (1 << 20)))
        except OSError:
            pass
        workers.append(worker)
    time.sleep(1)
    status_flood(host, port, pid, workers, "big_names_status_flood")


def attack_status_flood(host, port, pid):
    """A thousand functions with 500-byte names (a status reply of 500 KB), then 1,500 status lines unread."""
    worker = connect(host, port)
    reader = threading.Thread(target=drain, args=(worker,), daemon=True)
    reader.start()
    worker.sendall(b"".join(packet(CAN_DO, b"%03d" % i + b"f" * 497) for i in range(1000)))
    time.sleep(1)
    status_flood(host, port, pid, [worker], "status_flood")


def attack_fanout(host, port, pid):
    """100 clients coalesce on one job and never read; the worker sends 66 MB of WORK_DATA."""
    clients = []
    for _ in range(100):
        client = connect(host, port, small_receive_buffer=True)
        client.sendall(packet(SUBMIT_JOB, b"fanout", b"one-job", b"x"))
        clients.append(client)
    worker = connect(host, port)
    worker.settimeout(30)
    worker.sendall(packet(CAN_DO, b"fanout"))
    kind, data = NO_JOB, b""
    while kind != JOB_ASSIGN:
        time.sleep(0.2)
        worker.sendall(packet(GRAB_JOB))
        kind, data = read_packet(worker)
    handle = data.split(b"\0")[0]
    peak = RssPeak(pid)
    chunk = b"d" * 65000
    start = time.perf_counter()
    sent = 0
    try:
        for _ in range(1015):
            worker.sendall(packet(WORK_DATA, handle, chunk))
            sent += 1
        worker.sendall(packet(WORK_COMPLETE, handle, b"done"))
    except OSError:
        pass
    time.sleep(3)
    report(fanout_rss_growth_mib=peak.stop(), fanout_work_data_sent=sent,
           fanout_send_s=time.perf_counter() - start)
    for client in clients:
        client.close()
    worker.close()


RUN = 1


def attack_function_flood(host, port, pid):
    """A worker registers 100,000 functions with 212-byte names, then disconnects."""
    peak = RssPeak(pid)
    flooder = connect(host, port)
    answers = []

    def count():
        try:
            while True:
                answers.append(read_packet(flooder)[0])
        except (OSError, EOFError):
            pass

    counter = threading.Thread(target=count, daemon=True)
    counter.start()
    batch = []
    for i in range(100_000):
        batch.append(packet(CAN_DO, b"%d-%06d" % (RUN, i) + b"f" * 204))
        if len(batch) == 5000:
            flooder.sendall(b"".join(batch))
            batch = []
    flooder.sendall(b"".join(batch) + packet(ECHO_REQ, b"done"))
    deadline = time.time() + 120
    while ECHO_RES not in answers and time.time() < deadline:
        time.sleep(0.05)
    prefix = b"%d-" % RUN
    known_connected = count_status(host, port, prefix)
    flooder.close()
    time.sleep(2)
    report(function_flood_known_while_connected=known_connected,
           function_flood_known_after_disconnect=count_status(host, port, prefix),
           function_flood_rss_growth_mib=peak.stop())


def count_status(host, port, prefix):
    """The functions whose names start with the prefix, as the admin 'status' lists them."""
    admin = connect(host, port)
    admin.sendall(b"status\n")
    reply = b""
    while not (reply == b".\n" or reply.endswith(b"\n.\n")):
        chunk = admin.recv(1 << 20)
        if not chunk:
            break
        reply += chunk
    admin.close()
    return sum(1 for line in reply.split(b"\n") if line.startswith(prefix))


class JobProbe:
    """A foreground job round trip through a worker of its own, as another client sees the server."""

    def __init__(self, host, port):
        self.worker = connect(host, port)
        self.worker.settimeout(30)
        self.worker.sendall(packet(CAN_DO, b"probe"))
        self.client = connect(host, port)
        self.client.settimeout(30)
        self.running = True
        self.thread = threading.Thread(target=self.work, daemon=True)
        self.thread.start()

    def work(self):
        try:
            while self.running:
                self.worker.sendall(packet(GRAB_JOB))
                kind, data = read_packet(self.worker)
                if kind == JOB_ASSIGN:
                    handle, _function, payload = data.split(b"\0", 2)
                    self.worker.sendall(packet(WORK_COMPLETE, handle, payload))
                elif kind == NO_JOB:
                    self.worker.sendall(packet(PRE_SLEEP))
                    while read_packet(self.worker)[0] != NOOP:
                        pass
        except (OSError, EOFError):
            pass

    def round_trips(self, seconds):
        """Round trips in milliseconds for about this long; one that times out (30 s) counts as 30,000 ms and ends it."""
        times = []
        end = time.time() + seconds
        while time.time() < end:
            start = time.perf_counter()
            try:
                self.client.sendall(packet(SUBMIT_JOB, b"probe", b"", b"ping"))
                kind, _ = read_packet(self.client)
                while kind != WORK_COMPLETE:
                    kind, _ = read_packet(self.client)
            except socket.timeout:
                times.append(30_000.0)
                break
            times.append((time.perf_counter() - start) * 1000)
            time.sleep(0.005)
        return times

    def close(self):
        self.running = False
        self.worker.close()
        self.client.close()


def attack_grab_spin(host, port, pid):
    """A worker with 50,000 abilities spins GRAB_JOB (one at a time, as fast as it is answered); another client's
    foreground round trips meanwhile."""
    probe = JobProbe(host, port)
    before = probe.round_trips(2)
    spinner = connect(host, port)
    spinner.settimeout(60)
    spinning = [True]
    spinner.sendall(b"".join(packet(CAN_DO, b"ability-%d" % i) for i in range(50_000))
                    + packet(ECHO_REQ, b"registered"))
    while read_packet(spinner)[0] != ECHO_RES:
        pass  # an ERROR per ability refused

    def spin():
        try:
            while spinning[0]:
                spinner.sendall(packet(GRAB_JOB))
                read_packet(spinner)
        except (OSError, EOFError):
            pass

    spin_thread = threading.Thread(target=spin, daemon=True)
    spin_thread.start()
    time.sleep(1)
    during = probe.round_trips(3)
    spinning[0] = False
    spin_thread.join(60)
    spinner.close()
    probe.close()
    report(grab_spin_probe_p50_during_ms=percentile(during, 50), grab_spin_probe_p99_during_ms=percentile(during, 99),
           grab_spin_probe_p99_increase_ms=max(0.0, percentile(during, 99) - percentile(before, 99)),
           grab_spin_probe_count=len(during))


def submit_all(host, port, payloads):
    client = connect(host, port)
    client.settimeout(120)
    wire = b"".join(packet(SUBMIT_JOB, b"coalesce", b"-", payload) for payload in payloads)
    start = time.perf_counter()
    sender = threading.Thread(target=client.sendall, args=(wire,), daemon=True)
    sender.start()
    for _ in payloads:
        kind, _ = read_packet(client)
        if kind != JOB_CREATED:
            raise ValueError(f"unexpected reply {kind}")
    took = time.perf_counter() - start
    client.close()
    return took


def attack_colliding(host, port, pid):
    """16,384 foreground jobs with unique '-' and payloads sharing a 31-based hash, against random payloads."""
    colliding = []
    for i in range(16_384):
        colliding.append(b"".join(b"Aa" if (i >> bit) & 1 == 0 else b"BB" for bit in range(14)))
    rng = random.Random(7)
    best_random, best_colliding = float("inf"), float("inf")
    for run in range(3):
        randoms = [rng.randbytes(28) for _ in range(16_384)]
        best_random = min(best_random, submit_all(host, port, randoms))
        best_colliding = min(best_colliding, submit_all(host, port, colliding))
    report(colliding_submit_ms=best_colliding * 1000, random_submit_ms=best_random * 1000,
           colliding_over_random=best_colliding / best_random)


def attack_read_ahead(host, port, pid):
    """64 connections announce a 1 MiB ECHO_REQ each and send its first kilobyte."""
    peak = RssPeak(pid)
    socks = []
    for _ in range(64):
        sock = connect(host, port)
        sock.sendall((REQ + struct.pack(">II", ECHO_REQ, 1 << 20) + b"y" * (1 << 20))[:1024])
        socks.append(sock)
    time.sleep(2)
    report(read_ahead_rss_growth_mib=peak.stop())
    for sock in socks:
        sock.close()


def attack_silent_connections(host, port, pid):
    """2,000 connections from one address that never send a byte; how many the server still holds 12 s later."""
    socks = []
    for _ in range(2000):
        try:
            socks.append(connect(host, port))
        except OSError:
            break
    time.sleep(12)
    held = 0
    for sock in socks:
        sock.setblocking(False)
        try:
            held += 0 if sock.recv(1) == b"" else 1
        except BlockingIOError:
            held += 1
        except OSError:
            pass
        sock.close()
    report(silent_connections_held=held)


ATTACKS = {name[len("attack_"):]: function for name, function in globals().items() if name.startswith("attack_")}

if __name__ == "__main__":
    if len(sys.argv) not in (5, 6) or sys.argv[1] not in ATTACKS:
        sys.exit(__doc__ + "\nattacks: " + ", ".join(ATTACKS))
    if len(sys.argv) == 6:
        RUN = int(sys.argv[5])
    ATTACKS[sys.argv[1]](sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
