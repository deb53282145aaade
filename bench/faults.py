"""`make faults`: what survives when the parts of Newsroom are killed under load.

On a throwaway PostgreSQL cluster (tests/pgscratch.py: made, killed and removed here,
never the library), gunicorn serves the app with two worker processes and two
`manage.py worker`s do the background work, each kept running by a small supervisor as
systemd would (`Restart=always`). 16 clients, each signed in as a colleague of their own,
write page notes on one article for 60 s, while this script:

1. kills -9 one gunicorn worker process (its master starts another);
2. kills -9 the worker that is fetching a page (served slowly by an HTTP server on
   127.0.0.1, so NEWSROOM_FETCH_ALLOW_PRIVATE is lifted for this throwaway run only);
3. kills -9 the worker running the heartbeat, halfway through it (the script holds the
   feeds table, so the beat waits there, and makes that beat due now rather than at the
   next minute);
4. kills -9 PostgreSQL itself, and starts it again OUTAGE seconds later.

Then it waits for the background work to settle (at most SETTLE seconds) and reports:
acknowledged writes lost (a note whose POST was answered with its id, missing from the
database: must be 0), duplicated articles (0), workers alive at the end (all) and worker
exits it did not cause (0), seconds until the heartbeat resumed after the mid-beat kill
and after the outage, seconds of 5xx during the outage (against how long PostgreSQL was
down), and jobs left stuck (fetch jobs still waiting, tasks still "running" for a dead
worker, or due and untaken: 0). Logs go to var/faults/. All traffic stays on 127.0.0.1.

    .venv/bin/python bench/faults.py       # FAULTS_CLIENTS=16 FAULTS_SECONDS=60
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import psycopg
import urllib3
from common import ROOT

sys.path.insert(0, str(ROOT))
from tests import pgscratch

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

CLIENTS = int(os.environ.get("FAULTS_CLIENTS", "16"))
SECONDS = float(os.environ.get("FAULTS_SECONDS", "60"))
OUTAGE = 5.0
SETTLE = 180.0
SLOW = 15.0  # seconds the slow page takes to answer the first time
AFTER_OUTAGE = 30.0  # failures this long after PostgreSQL is back still count as its
LOGS = ROOT / "var" / "faults"
T0 = time.monotonic()


def now() -> float:
    return time.monotonic() - T0


def say(message: str) -> None:
    print(f"[{now():6.1f} s] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True, check=False)  # fmt: skip
    return [int(p) for p in out.stdout.split()]


def wait_until(predicate: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if found := predicate():
                return found
        except Exception:  # noqa: BLE001 - the database may be away meanwhile
            from django.db import connections  # noqa: PLC0415

            connections.close_all()
        time.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {what}")


class Pages(BaseHTTPRequestHandler):
    """/slow/<name>: the first request waits SLOW seconds (its worker is killed
    meanwhile), later ones answer at once; /fast/<name> always at once."""

    seen: set[str] = set()
    lock = threading.Lock()

    def do_GET(self) -> None:
        with self.lock:
            first = self.path not in self.seen
            self.seen.add(self.path)
        if self.path.startswith("/slow/") and first:
            time.sleep(SLOW)
        name = self.path.rsplit("/", 1)[-1]
        words = " ".join(["The harbour reopened after a week of repairs to the quay."] * 30)
        body = (
            f"<!doctype html><html lang=en><head><title>Harbour {name}</title></head><body>"
            f"<article><h1>Harbour {name}</h1><p>{words}</p><p>{name} {words}</p></article>"
            "</body></html>"
        ).encode()
        with contextlib.suppress(OSError):  # the worker that asked may be dead
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Supervised:
    """A background worker kept running, as systemd's Restart=always with RestartSec=1."""

    name: str
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    killed: set[int] = field(default_factory=set)
    exits: list[tuple[float, int, bool]] = field(default_factory=list)  # when, status, ours
    stopping: bool = False

    def start(self) -> None:
        threading.Thread(target=self._keep, daemon=True).start()

    def _keep(self) -> None:
        with self.log.open("ab") as out:
            while not self.stopping:
                self.process = subprocess.Popen(
                    [sys.executable, "manage.py", "worker", "--worker-id", self.name,
                     "--no-reload"],
                    cwd=ROOT, env=self.env, stdout=out, stderr=out,
                )  # fmt: skip
                status = self.process.wait()
                if self.stopping:
                    return
                self.exits.append((now(), status, self.process.pid in self.killed))
                time.sleep(1)

    def kill(self, pid: int) -> None:
        self.killed.add(pid)
        os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        self.stopping = True
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


@dataclass
class Client:
    """One colleague writing page notes as fast as the server answers."""

    number: int
    session: str
    article: int
    port: int
    acked: list[tuple[int, str]] = field(default_factory=list)
    # When each failed write was answered (or cut), and how.
    failures: list[tuple[float, str]] = field(default_factory=list)
    successes: list[float] = field(default_factory=list)

    def run(self, stop: threading.Event) -> None:
        pool = urllib3.HTTPConnectionPool(
            "127.0.0.1", self.port, maxsize=1, retries=False, timeout=urllib3.Timeout(10)
        )
        token = secrets.token_hex(16)  # a CSRF secret of our own: cookie and form agree
        headers = {"Cookie": f"sessionid={self.session}; csrftoken={token}"}
        seq = 0
        while not stop.is_set():
            seq += 1
            note = f"faults client {self.number} note {seq}"
            started = now()
            try:
                response = pool.request(
                    "POST",
                    f"/articles/{self.article}/notes/",
                    fields={"note": note, "csrfmiddlewaretoken": token},
                    encode_multipart=False,
                    headers=headers,
                    redirect=False,
                )
            except urllib3.exceptions.HTTPError as exc:
                self.failures.append((now(), type(exc).__name__))
                time.sleep(0.05)
                continue
            found = re.search(r"#annotation-(\d+)$", response.headers.get("Location", ""))
            if response.status == 302 and found:
                self.acked.append((int(found.group(1)), note))
                self.successes.append(started)
            else:
                self.failures.append((now(), str(response.status)))
                time.sleep(0.05)


class Run:
    """The scenario, in order; each step records what the report needs."""

    def __init__(self, cluster: pgscratch.ScratchCluster, pages: str) -> None:
        from common import setup_django  # noqa: PLC0415 - only once DATABASE_URL is set

        setup_django()
        self.cluster = cluster
        self.pages = pages
        self.env = {
            **os.environ,
            "NEWSROOM_FETCH_ALLOW_PRIVATE": "true",
            "NEWSROOM_LOG_LEVEL": "WARNING",
            "NEWSROOM_DEBUG": "false",
        }
        self.port = free_port()
        self.workers: list[Supervised] = []
        self.web: subprocess.Popen[bytes] | None = None
        self.stop = threading.Event()
        self.health: list[tuple[float, int]] = []
        self.monitor = urllib3.HTTPConnectionPool("127.0.0.1", self.port, retries=False,
                                                  timeout=5)  # fmt: skip
        self.figures: dict[str, Any] = {}

    # -- set-up ---------------------------------------------------------------------------

    def people_and_article(self) -> tuple[int, list[str]]:
        from django.contrib.auth import (  # noqa: PLC0415
            BACKEND_SESSION_KEY,
            HASH_SESSION_KEY,
            SESSION_KEY,
            get_user_model,
        )
        from django.contrib.sessions.backends.db import SessionStore  # noqa: PLC0415

        from articles.ingest import ingest  # noqa: PLC0415

        welcome = ROOT / "articles" / "welcome.txt"
        article = ingest(welcome.read_bytes(), filename=welcome.name).article
        sessions = []
        # Signed in by a session made here, as a sign-in would make it: the clients test
        # writing, not the sign-in form (nor its throttling of 16 sign-ins from one address).
        for n in range(CLIENTS):
            user = get_user_model().objects.create_user(f"writer{n}", f"writer{n}@example.org")
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            sessions.append(store.session_key or "")
        return article.pk, sessions

    def start_processes(self) -> None:
        web_log = (LOGS / "gunicorn.log").open("ab")
        self.web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--bind",
             f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "4", "--timeout", "30"],
            cwd=ROOT, env=self.env, stdout=web_log, stderr=web_log,
        )  # fmt: skip
        for n in (1, 2):
            self.workers.append(Supervised(f"faults-{n}", self.env, LOGS / f"worker-{n}.log"))
            self.workers[-1].start()
        wait_until(lambda: self.healthz() == 200, 60, "/healthz to answer 200")
        say(f"gunicorn (2 processes x 4 threads) on 127.0.0.1:{self.port}, 2 workers: healthy")

    def healthz(self) -> int:
        try:
            return int(self.monitor.request("GET", "/healthz").status)
        except urllib3.exceptions.HTTPError:
            return 0

    def watch_health(self) -> None:
        while not self.stop.is_set():
            self.health.append((now(), self.healthz()))
            time.sleep(0.5)

    def worker_for(self, pid: int | None) -> Supervised:
        return next(w for w in self.workers if w.process and w.process.pid == pid)

    # -- the faults -----------------------------------------------------------------------

    def kill_web_worker(self) -> None:
        assert self.web is not None
        victim = children(self.web.pid)[0]
        os.kill(victim, signal.SIGKILL)
        killed = self.figures["web_killed"] = now()
        wait_until(lambda: len(children(self.web.pid)) == 2, 30, "gunicorn to replace it")  # type: ignore[union-attr]
        self.figures["web_back"] = now() - killed
        say(f"killed gunicorn worker {victim}; replaced in {self.figures['web_back']:.1f} s")

    def kill_fetching_worker(self) -> None:
        from django.tasks import TaskResultStatus  # noqa: PLC0415
        from django_tasks_db.models import DBTaskResult  # noqa: PLC0415

        from articles import jobs, workers  # noqa: PLC0415
        from articles.models import FetchJob  # noqa: PLC0415

        job = jobs.submit(f"{self.pages}/slow/one")
        self.figures["slow_job"] = job.pk
        row = wait_until(
            lambda: DBTaskResult.objects.filter(
                task_path=jobs.run_fetch_job.module_path,
                status=TaskResultStatus.RUNNING,
                args_kwargs__args=[job.pk],
            ).first(),
            30,
            "a worker to start the slow fetch",
        )
        wait_until(
            lambda: FetchJob.objects.get(pk=job.pk).status == FetchJob.Status.FETCHING,
            10,
            "the job to be fetching",
        )
        time.sleep(1)  # well into the download
        pid = workers.pid_of(row.worker_ids[-1])
        self.worker_for(pid).kill(pid)  # type: ignore[arg-type]
        say(f"killed worker {row.worker_ids[-1]} while it fetched {job.url}")

    def kill_worker_mid_beat(self) -> None:
        from django.tasks import TaskResultStatus  # noqa: PLC0415
        from django.utils import timezone  # noqa: PLC0415
        from django_tasks_db.models import DBTaskResult  # noqa: PLC0415

        from articles import maintenance, workers  # noqa: PLC0415

        beats = DBTaskResult.objects.filter(task_path=maintenance.maintain.module_path)
        with psycopg.connect(self.cluster.url) as holder:
            holder.execute("LOCK TABLE articles_feed IN EXCLUSIVE MODE")  # the beat waits here
            beats.update(enqueued_at=timezone.now() - dt.timedelta(minutes=2))  # due now
            beat = wait_until(
                lambda: beats.filter(status=TaskResultStatus.RUNNING).first(),
                30,
                "a heartbeat to start",
            )
            time.sleep(1)
            pid = workers.pid_of(beat.worker_ids[-1])
            self.worker_for(pid).kill(pid)  # type: ignore[arg-type]
            killed_at = timezone.now()
            holder.rollback()
        say(f"killed worker {beat.worker_ids[-1]} halfway through the heartbeat")
        resumed = wait_until(
            lambda: (last := maintenance.last_heartbeat()) and last > killed_at and last,
            120,
            "the heartbeat to resume",
        )
        self.figures["beat_resumed"] = (resumed - killed_at).total_seconds()
        say(f"the heartbeat resumed {self.figures['beat_resumed']:.1f} s after the kill")

    def kill_postgresql(self) -> None:
        from django.db import connections  # noqa: PLC0415
        from django.utils import timezone  # noqa: PLC0415

        from articles import jobs  # noqa: PLC0415

        self.figures["db_down"] = now()
        self.cluster.kill()
        say("killed PostgreSQL (kill -9 of the postmaster)")
        time.sleep(OUTAGE)
        self.cluster.start()
        self.figures["db_up"], self.figures["db_up_at"] = now(), timezone.now()
        connections.close_all()
        say(f"PostgreSQL is back after {now() - self.figures['db_down']:.1f} s")
        self.figures["fast_job"] = jobs.submit(f"{self.pages}/fast/after-outage").pk

    # -- afterwards -----------------------------------------------------------------------

    def stuck_tasks(self) -> int:
        from django.utils import timezone  # noqa: PLC0415
        from django_tasks_db.models import DBTaskResult  # noqa: PLC0415

        from articles import workers  # noqa: PLC0415

        overdue = DBTaskResult.objects.ready().filter(
            enqueued_at__lt=timezone.now() - dt.timedelta(minutes=1)
        )
        dead = [r for r in DBTaskResult.objects.running() if workers.is_abandoned(r)]
        return overdue.count() + len(dead)

    def waiting_jobs(self) -> int:
        from articles.models import FetchJob  # noqa: PLC0415

        active = [FetchJob.Status.PENDING, FetchJob.Status.FETCHING]
        return FetchJob.objects.filter(status__in=active).count()

    def settled(self) -> bool:
        from articles import maintenance  # noqa: PLC0415

        last = maintenance.last_heartbeat()
        beat_after = last is not None and last > self.figures["db_up_at"]
        return beat_after and not self.waiting_jobs() and not self.stuck_tasks()

    def report(self, clients: list[Client]) -> list[str]:
        from django.db.models import Count  # noqa: PLC0415

        from articles import maintenance  # noqa: PLC0415
        from articles.models import Annotation, Article, FetchJob  # noqa: PLC0415

        f = self.figures
        acked = [pair for c in clients for pair in c.acked]
        stored = dict(
            Annotation.objects.filter(pk__in=[pk for pk, _ in acked]).values_list("pk", "note")
        )
        lost = sum(1 for pk, note in acked if stored.get(pk) != note)
        duplicated = (
            Article.objects.exclude(source_url="")
            .values("source_url")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .count()
        )
        slow = FetchJob.objects.get(pk=f["slow_job"])
        fast = FetchJob.objects.get(pk=f["fast_job"])
        failures = sorted(x for c in clients for x in c.failures)
        window = (f["db_down"], f["db_up"] + AFTER_OUTAGE)
        during = [(t, s) for t, s in failures if window[0] <= t <= window[1]]
        fivexx = [t for t, s in during if s.startswith("5")]
        elsewhere = [(t, s) for t, s in failures if not window[0] <= t <= window[1]]
        others = sorted({f"{s} at {round(t - f['start'])} s" for t, s in elsewhere})
        recovered = [t for c in clients for t in c.successes if t > f["db_down"] + 1]
        unhealthy = [t for t, s in self.health if s != 200 and window[0] - 1 <= t <= window[1]]
        last = maintenance.last_heartbeat()
        beat_after = (last - f["db_up_at"]).total_seconds() if last > f["db_up_at"] else None
        alive = sum(1 for w in self.workers if w.process and w.process.poll() is None)
        not_ours = [(w.name, round(t), s) for w in self.workers for t, s, ours in w.exits
                    if not ours]  # fmt: skip
        writes = sum(len(c.acked) + len(c.failures) for c in clients)
        down = f["db_up"] - f["db_down"]
        return [
            (
                f"{CLIENTS} clients for {SECONDS:.0f} s: {writes} page-note writes, "
                f"{len(acked)} acknowledged"
            ),
            f"acknowledged writes lost:          {lost}",
            (
                f"duplicated articles:               {duplicated} (the page whose fetch was "
                f"killed: {Article.objects.filter(source_url=slow.url).count()} article, job "
                f"{slow.status} after {slow.attempts} attempts)"
            ),
            (
                f"workers alive at the end:          {alive} of {len(self.workers)}; exits not "
                f"caused by a kill -9: {len(not_ours)} {not_ours or ''}"
            ),
            f"heartbeat resumed after the mid-beat kill: {f['beat_resumed']:.1f} s",
            "next heartbeat after the outage:   "
            + (
                f"{beat_after:.1f} s after PostgreSQL was back (one beat a "
                f"{maintenance.HEARTBEAT.total_seconds():.0f} s)"
                if beat_after is not None
                else "none within the settle time"
            ),
            (
                f"a fetch queued after the outage:   {fast.status}, "
                f"{(fast.updated_at - f['db_up_at']).total_seconds():.1f} s after it was back"
            ),
            (
                f"PostgreSQL down:                   {down:.1f} s (kill -9, {OUTAGE:.0f} s, "
                "start with crash recovery)"
            ),
            (
                f"seconds of 5xx during the outage:  "
                f"{(max(fivexx) - min(fivexx)) if fivexx else 0:.1f} s ({len(fivexx)} answers "
                f"5xx, {len(during) - len(fivexx)} other failures); writes accepted again "
                f"{(min(recovered) - f['db_down']) if recovered else float('nan'):.1f} s after "
                "the kill"
            ),
            (
                f"/healthz not 200 around it:        "
                f"{(max(unhealthy) - min(unhealthy)) if unhealthy else 0:.1f} s (answered "
                f"{sorted({s for t, s in self.health if t in unhealthy})})"
            ),
            (
                f"failed writes at other times:      {len(elsewhere)} {others or ''} into the run"
                f" (the gunicorn worker was killed at {round(f['web_killed'] - f['start'])} s)"
            ),
            f"jobs left stuck:                   {self.waiting_jobs() + self.stuck_tasks()}",
            f"gunicorn replaced its killed worker in {f['web_back']:.1f} s",
        ]


def main() -> None:
    LOGS.mkdir(parents=True, exist_ok=True)
    for old in LOGS.glob("*.log"):
        old.unlink()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cluster = pgscratch.create(port=free_port())
    os.environ["DATABASE_URL"] = cluster.url
    run: Run | None = None
    try:
        say(f"throwaway cluster in {cluster.base}; migrating")
        cluster.migrate()
        run = Run(cluster, f"http://127.0.0.1:{server.server_address[1]}")
        lines = scenario(run)
    finally:
        if run is not None:
            for worker in run.workers:
                worker.stop()
            if run.web is not None:
                run.web.terminate()
                run.web.wait(30)
        server.shutdown()
        cluster.destroy()
    print("\ncommand: make faults  (bench/faults.py)")
    for line in lines:
        print(f"  {line}")
    print(f"  logs: {LOGS}")


def scenario(run: Run) -> list[str]:
    from django.db import connections  # noqa: PLC0415

    article, sessions = run.people_and_article()
    run.start_processes()
    clients = [Client(n, sessions[n], article, run.port) for n in range(CLIENTS)]
    threads = [threading.Thread(target=c.run, args=(run.stop,), daemon=True) for c in clients]
    for thread in [*threads, threading.Thread(target=run.watch_health, daemon=True)]:
        thread.start()
    start = run.figures["start"] = now()
    say(f"{CLIENTS} clients writing page notes for {SECONDS:.0f} s")

    def at(second: float) -> None:
        time.sleep(max(0.0, start + second - now()))

    at(5)
    run.kill_web_worker()
    at(10)
    run.kill_fetching_worker()
    at(18)
    run.kill_worker_mid_beat()
    at(max(45.0, now() - start + 1))
    run.kill_postgresql()
    at(SECONDS)
    run.stop.set()
    for thread in threads:
        thread.join(15)
    say("clients stopped; waiting for the background work to settle")
    with contextlib.suppress(TimeoutError):
        wait_until(run.settled, SETTLE, "the background work to settle")
    connections.close_all()
    say("settled")
    return run.report(clients)


if __name__ == "__main__":
    main()
