"""`make run`: migrate, load the demo data, then serve the site with a Celery worker and beat.

With no configuration it needs no server: an embedded PostgreSQL (pgserver, data in var/pgdata)
and Celery's filesystem broker (var/celery-broker). DATABASE_URL and CELERY_BROKER_URL, when set,
are used instead. The embedded database has the two roles of production
(reussite/core/privileges.py): `migrate` runs as the owner, the demo data, the web server, the
worker and beat as the application role; with DATABASE_URL set, DATABASE_OWNER_URL names the
owner (without it, one role does everything). Ctrl-C (or SIGTERM) stops every process started
here, then exits 0.

The demo runs with DEBUG off (the product's own error pages, static files by whitenoise);
outgoing mail goes to files in var/courriels, shown to staff on /demo/courriels/; the output of
the web server, the worker and beat goes to var/log/ (REUSSITE_RUN_LOGS), so that the banner
with the logins is the last thing printed.

    python -m reussite.devtools.run        # PORT=8001 to serve on another port
"""

# ruff: noqa: S603 - starting processes is the point, with argument lists built here.

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from reussite.devtools.services import (
    APP_ROLE,
    OWNER_ROLE,
    ROOT,
    VAR,
    SetupError,
    port_is_free,
    say,
    start_embedded_postgres,
    wait_for_port,
)

PYTHON = sys.executable
MANAGE = [PYTHON, str(ROOT / "manage.py")]


class Stop(Exception):
    """Raised by the SIGINT/SIGTERM handler to unwind into the clean-up."""


_deferred: dict[str, object] = {"active": False, "signal": None}


def _on_signal(signum, frame):
    if _deferred["active"]:
        _deferred["signal"] = signum
        return
    # Ignore further signals while we clean up: a second Ctrl-C must not leave orphans behind.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Stop(signal.Signals(signum).name)


def spawn(args: list[str], env: dict[str, str], **kwargs) -> subprocess.Popen:
    # Each child leads its own process group: Ctrl-C reaches this process only, and the clean-up
    # then stops the children in order, their own children included (runserver's reloader).
    return subprocess.Popen(args, env=env, cwd=ROOT, start_new_session=True, **kwargs)


def terminate(name: str, process: subprocess.Popen, timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        say(f"{name} did not stop within {timeout:.0f} s: killing it")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        process.wait()


def run_step(name: str, args: list[str], env: dict[str, str], *, capture: bool = False) -> str:
    """Run a one-off command to completion, echoing its output; return the output if asked."""
    say(name)
    process = spawn(args, env, stdout=subprocess.PIPE if capture else None, text=True)
    output = []
    try:
        if capture:
            for line in process.stdout:
                print(line, end="", flush=True)
                output.append(line)
        process.wait()
    finally:
        terminate(name, process)
    if process.returncode != 0:
        raise SetupError(f"{name} failed (exit {process.returncode}).")
    return "".join(output)


def configure(env: dict[str, str], started: list) -> None:
    """Fill in the embedded defaults; append the services to stop at the end to `started`."""
    env.setdefault("DJANGO_SETTINGS_MODULE", "reussite.settings.dev")
    # The demo accounts sign in without a second factor (refused by the production settings).
    env.setdefault("REUSSITE_2FA_EXEMPTER_DEMO", "true")
    # Outgoing mail is written to files and shown on /demo/courriels/, not printed.
    env.setdefault("REUSSITE_DEMO_COURRIELS", "true")
    env.setdefault("EMAIL_FILE_PATH", str(VAR / "courriels"))
    env["PYTHONUNBUFFERED"] = "1"
    VAR.mkdir(exist_ok=True)
    if env.get("DATABASE_URL"):
        owner = "DATABASE_OWNER_URL" if env.get("DATABASE_OWNER_URL") else "no owner role"
        say(f"database: DATABASE_URL from the environment ({owner})")
    else:
        say("database: embedded PostgreSQL, data in var/pgdata (set DATABASE_URL to use another)")
        # A signal waits until the handle is recorded, so that Ctrl-C during the start cannot
        # leave a server behind that nobody stops. (Not pthread_sigmask: children inherit it, and
        # PostgreSQL would then ignore pg_ctl stop.)
        _deferred["active"] = True
        try:
            database = start_embedded_postgres(VAR / "pgdata")
            started.append(database)
        finally:
            _deferred["active"] = False
        if _deferred["signal"] is not None:
            _on_signal(_deferred["signal"], None)
        # Two roles, as in production: `migrate` runs as the owner, everything else as the
        # application role, which may only insert into the access trail.
        env["DATABASE_URL"] = database.role_url(APP_ROLE)
        env["DATABASE_OWNER_URL"] = database.role_url(OWNER_ROLE)
    if not env.get("CELERY_BROKER_URL"):
        env["CELERY_BROKER_URL"] = "filesystem://"
        say("Celery broker: files in var/celery-broker (set CELERY_BROKER_URL to use another)")
    else:
        say("Celery broker: CELERY_BROKER_URL from the environment")
    if env["CELERY_BROKER_URL"].startswith("filesystem://"):
        broker_dir = env.setdefault("CELERY_FILESYSTEM_DIR", str(VAR / "celery-broker"))
        for folder in ("out", "processed", "control"):
            os.makedirs(os.path.join(broker_dir, folder), exist_ok=True)


def banner(url: str, demo_output: str, logs: Path) -> None:
    rule = "=" * 72
    lines = [
        "",
        rule,
        f"  Réussite is running at {url}",
        f"  Django admin: {url}admin/",
        f"  Outgoing mail (not sent in the demo): {url}demo/courriels/ (staff accounts)",
        f"  Logs of the web server, the Celery worker and beat: {logs}/",
        "",
        "  Demo logins (from `manage.py demo_data`):",
        *(f"    {line}" for line in demo_output.strip().splitlines()),
        "",
        "  Press Ctrl-C to stop the web server, the Celery worker and beat.",
        rule,
        "",
    ]
    print("\n".join(lines), flush=True)


def main() -> int:
    os.chdir(ROOT)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    env = dict(os.environ)
    port = int(env.get("PORT") or 8000)
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    services: list = []
    children: list[tuple[str, subprocess.Popen]] = []
    exit_code = 0
    try:
        if not port_is_free(port):
            raise SetupError(
                f"port {port} is in use: choose another, e.g. `PORT={port + 1} make run`."
            )
        configure(env, services)
        run_step("applying migrations", [*MANAGE, "migrate", "--noinput"], env)
        # --force: the demo runs with DEBUG off, like production (its settings are the dev ones).
        demo_output = run_step(
            "loading the demo data", [*MANAGE, "demo_data", "--force"], env, capture=True
        )
        # What the daily beat task would find today, so that the bell is not empty at first.
        run_step("finding the reminders due today", [*MANAGE, "rappels_scanner"], env)

        celery = [PYTHON, "-m", "celery", "-A", "reussite"]
        processes = {
            "web": [*MANAGE, "runserver", f"127.0.0.1:{port}"],
            "worker": [*celery, "worker", "-l", "info", "--pool", "solo"],
            "beat": [*celery, "beat", "-l", "info", "-s", str(VAR / "celerybeat-schedule")],
        }
        # Their output goes to log files, so that the banner stays the last thing printed.
        logs = Path(env.get("REUSSITE_RUN_LOGS") or VAR / "log")
        logs.mkdir(parents=True, exist_ok=True)
        for name, args in processes.items():
            with (logs / f"{name}.log").open("ab") as log:
                children.append((name, spawn(args, env, stdout=log, stderr=subprocess.STDOUT)))
        if not wait_for_port(port, timeout=60, process=children[0][1]):
            raise SetupError(f"the web server did not start: see {logs / 'web.log'}.")
        banner(f"http://127.0.0.1:{port}/", demo_output, logs)

        while True:
            for name, process in children:
                if process.poll() is not None:
                    raise SetupError(
                        f"the {name} process stopped unexpectedly (exit {process.returncode}): "
                        f"see {logs / (name + '.log')}."
                    )
            time.sleep(0.5)
    except Stop:
        print(flush=True)
        say("stopping")
    except SetupError as error:
        say(f"error: {error}")
        exit_code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for name, process in reversed(children):
            terminate(name, process)
        for service in reversed(services):
            service.stop()
        if children or services:
            say("stopped everything this command started")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
