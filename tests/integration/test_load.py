"""A short load against PostgreSQL with two gunicorn web processes and the projection worker:
no errors, every acknowledged write in the log exactly once, every view equal to a fresh replay."""

from __future__ import annotations

import socket

from benchmarks import load
from tests.databases import postgres_url, private_schema_url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_short_load_on_two_web_processes_and_the_worker_loses_and_doubles_nothing():
    url = private_schema_url(postgres_url())
    users = load.prepare(url, companies=40, attempts_per_company=3)
    port = free_port()
    server = load.serve(url, port, workers=2, threads=4)
    try:
        cpu_before, busy_before = load.cpu_seconds(server.pid), load.machine_busy_seconds()
        # Seed 250: the first four requests of the clients hold every kind of the mix, the others' included.
        result = load.run(f"http://127.0.0.1:{port}", users, clients=4, seconds=300, max_requests=80, seed=250)
        cpu_after, busy_after = load.cpu_seconds(server.pid), load.machine_busy_seconds()
    finally:
        load.stop(server)
    assert result.count == 80 and not result.errors, result.errors
    # What the benchmark reports as the web's CPU per request and the machine's busy cores.
    assert set(cpu_after) >= {"master", "web", "projection-worker"}
    assert cpu_after["web"] > cpu_before["web"] and busy_after > busy_before
    assert len(result.acknowledged) > 5
    assert set(result.times) == set(load.KINDS), result.times.keys()
    assert load.check(url, result.acknowledged) == []
