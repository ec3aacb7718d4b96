"""`make test`: every check CI runs, against private PostgreSQL and Redis instances.

Installs PostgreSQL, Redis and Chromium when missing (as root; otherwise names them), starts
throwaway instances on free loopback ports, runs each step even after a failure, stops what it
started, prints a summary and exits non-zero when any step failed. The tests never use the
DATABASE_URL of the shell: they always get their own instances, with the two database roles of
production (reussite/core/privileges.py): the owner creates and migrates the test databases, the
application role runs the code and the tests.

    python -m reussite.devtools.test [pytest arguments]
    python -m reussite.devtools.test --rapide [pytest arguments]     (`make test-fast`)

`--rapide` is the daily loop: ruff, then pytest without the browser journeys (`e2e`) and without
the tests marked `lent` (they start a process or a server, or are slow by nature: the multi-node
test, the restore drill, `make run`, the real Celery workers...), on a PostgreSQL cluster kept
under var/test-postgres so that the test databases are reused (`--reuse-db`; add `--create-db`
after a migration changes, `--lf` for the last failures).
"""

# ruff: noqa: S603 - starting processes is the point, with argument lists built here.

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from reussite.devtools.services import (
    APP_ROLE,
    CHROMIUM,
    OWNER_ROLE,
    POSTGRES_TEST_SETTINGS,
    ROOT,
    SetupError,
    ensure_system_packages,
    say,
    start_postgres,
    start_redis,
)

BIN = Path(sys.executable).parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]
# Later arguments win: `make test ARGS="-n 0"` runs the suite in one process.
PYTEST = [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadfile", "--durations=15"]

# The fast default (`make test-fast`): the slow parts stay for `make test` and CI. The multi-node
# test and the restore drill carry `lent` too (they start processes).
RAPIDE = ["--reuse-db", "-m", "not e2e and not lent"]
PERSISTENT_POSTGRES = ROOT / "var" / "test-postgres"

# pytest's "no tests were collected": a suite that silently shrank to nothing must fail.
PYTEST_NO_TESTS = 5


@dataclass
class Step:
    name: str
    args: list[str]
    env: dict[str, str] | None = None
    returncode: int | None = None
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def passed(self) -> bool:
        return self.returncode == 0


def fast_steps(pytest_args: list[str]) -> list[Step]:
    return [
        Step("ruff check", [str(BIN / "ruff"), "check", "."]),
        # The caller's arguments come last: `make test-fast ARGS="-m e2e"` wins over the default.
        Step("pytest", [*PYTEST, *RAPIDE, *pytest_args]),
    ]


def steps(pytest_args: list[str], env: dict[str, str]) -> list[Step]:
    # `check --deploy` needs the production settings, which refuse to start without a real
    # secret key (a random one, used for this check only), host names and the site's address.
    prod = {
        **{key: value for key, value in env.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "reussite.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "reussite.example",
        "SITE_URL": "https://reussite.example",
        # Several nodes store their files in a bucket (reussite.W020); nothing connects to it.
        "S3_BUCKET": "reussite",
        "S3_ENDPOINT_URL": "https://s3.reussite.example",
        # The legal notice names the publisher and the host (reussite.W030).
        "REUSSITE_OPERATEUR_NOM": "Opérateur de test",
        "REUSSITE_OPERATEUR_ADRESSE": "1 rue de l’Exemple, 75000 Paris",
        "REUSSITE_OPERATEUR_CONTACT": "contact@reussite.example",
        "REUSSITE_DIRECTEUR_PUBLICATION": "La direction de l’opérateur de test",
        "REUSSITE_HEBERGEUR_NOM": "Hébergeur de test",
        "REUSSITE_HEBERGEUR_ADRESSE": "2 avenue du Nuage, 59000 Lille",
        "REUSSITE_HEBERGEUR_CONTACT": "support@hebergeur.example",
    }
    return [
        Step("ruff check", [str(BIN / "ruff"), "check", "."]),
        Step("ruff format --check", [str(BIN / "ruff"), "format", "--check", "."]),
        Step("djlint --lint templates/", [str(BIN / "djlint"), "--lint", "templates/"]),
        # The layers' contracts of pyproject.toml: a wrong import fails CI.
        Step("lint-imports", [str(BIN / "lint-imports")]),
        Step("makemigrations --check", [*MANAGE, "makemigrations", "--check", "--dry-run"]),
        Step("manage.py check", [*MANAGE, "check"]),
        Step(
            "manage.py check --deploy",
            [*MANAGE, "check", "--deploy", "--fail-level", "WARNING"],
            env=prod,
        ),
        Step("pytest", [*PYTEST, *pytest_args]),
    ]


def run(step: Step, env: dict[str, str]) -> None:
    say(f"--- {step.name}")
    started = time.monotonic()
    step.interrupted = True  # until the command returns
    try:
        result = subprocess.run(step.args, cwd=ROOT, env=step.env or env, check=False)
    finally:
        step.seconds = time.monotonic() - started
    step.interrupted = False
    step.returncode = result.returncode
    if step.name == "pytest" and step.returncode == PYTEST_NO_TESTS:
        say("pytest collected no test: counted as a failure")


def summary(all_steps: list[Step]) -> None:
    print(flush=True)
    say("summary")
    for step in all_steps:
        if step.interrupted:
            status = "interrupted"
        elif step.returncode is None:
            status = "not run"
        else:
            status = "ok" if step.passed else f"FAILED (exit {step.returncode})"
        print(f"    {step.name:<28} {status:<20} {step.seconds:6.1f} s", flush=True)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def main(pytest_args: list[str]) -> int:
    os.chdir(ROOT)
    rapide = bool(pytest_args) and pytest_args[0] == "--rapide"
    if rapide:
        pytest_args = pytest_args[1:]
    # SIGTERM (a CI timeout) unwinds like Ctrl-C, through the finally block that stops services.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    services = []
    all_steps: list[Step] = []
    try:
        ensure_system_packages("postgresql", "redis-server", "chromium")
        say("starting a private PostgreSQL and Redis")
        postgres = start_postgres(
            extra_settings=POSTGRES_TEST_SETTINGS,
            persistent_dir=PERSISTENT_POSTGRES if rapide else None,
        )
        services.append(postgres)
        postgres.create_roles()
        redis = start_redis()
        services.append(redis)
        say(f"PostgreSQL on {postgres.url}, Redis on {redis.url}")
        env = {
            **os.environ,
            # Two roles, as in production: the application role runs the code; the owner
            # creates, migrates, empties and drops the test databases (tests/conftest.py).
            "DATABASE_URL": postgres.role_url(APP_ROLE),
            "DATABASE_OWNER_URL": postgres.role_url(OWNER_ROLE),
            "REDIS_URL": redis.url,
            "CELERY_BROKER_URL": redis.url,
            "DJANGO_SETTINGS_MODULE": "reussite.settings.test",
            "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
            "CHROMIUM_PATH": str(CHROMIUM),
            "HYPOTHESIS_PROFILE": "ci",
            "PYTHONUNBUFFERED": "1",
        }
        all_steps = fast_steps(pytest_args) if rapide else steps(pytest_args, env)
        for step in all_steps:
            run(step, env)
    except SetupError as error:
        say(f"error: {error}")
        return 1
    except KeyboardInterrupt:
        print(flush=True)
        say("interrupted")
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for service in reversed(services):
            service.stop()
        if services:
            say("stopped PostgreSQL and Redis")
        if all_steps:
            summary(all_steps)
    failed = [step.name for step in all_steps if not step.passed]
    if failed:
        say(f"FAILED: {', '.join(failed)}")
        return 1
    say("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
