"""Private PostgreSQL and Redis instances for the run and test commands.

Every instance listens on 127.0.0.1 (or a private unix socket) and keeps its files in a folder of
its own, so that several checkouts, or a system PostgreSQL on 5432, never collide. Whoever starts
an instance stops it: the callers hold the handles in try/finally blocks.
"""

# These modules start processes by design, with argument lists built here, never from input.
# ruff: noqa: S603, S607

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var"
CHROMIUM = Path("/usr/bin/chromium")
LOOPBACK = "127.0.0.1"
# The two database roles (reussite/core/privileges.py): migrations run as the owner, the
# application as a role that may only insert into the access trail. Both without a password: the
# clusters started here trust loopback and their socket.
OWNER_ROLE = "reussite_owner"
APP_ROLE = "reussite_app"
DATABASE = "reussite"


class SetupError(RuntimeError):
    """A problem the user must fix (a missing package, a busy port): the commands print the
    message without a traceback and exit non-zero."""


def say(message: str) -> None:
    print(f"[reussite] {message}", flush=True)


def is_root() -> bool:
    return os.geteuid() == 0


# --- ports -----------------------------------------------------------------------------------


def free_port(host: str = LOOPBACK) -> int:
    """A port nobody listens on right now. Another process may take it before we do: the
    callers retry their start on failure."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def wait_for_port(port: int, *, host: str = LOOPBACK, timeout: float = 30.0, process=None) -> bool:
    """True once something accepts connections on host:port; False on timeout or when
    `process` (a Popen) exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return True
        time.sleep(0.2)
    return False


# --- system packages -------------------------------------------------------------------------


def postgres_bin_dir() -> Path | None:
    """The newest PostgreSQL server installed by the Debian packages, if any."""
    candidates = []
    for bin_dir in Path("/usr/lib/postgresql").glob("*/bin"):
        if all((bin_dir / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            with contextlib.suppress(ValueError):
                candidates.append((float(bin_dir.parent.name), bin_dir))
    return max(candidates)[1] if candidates else None


# Debian package name -> "is it there?"
_SYSTEM_PACKAGES = {
    "postgresql": lambda: postgres_bin_dir() is not None,
    "redis-server": lambda: bool(shutil.which("redis-server") and shutil.which("redis-cli")),
    "chromium": lambda: CHROMIUM.is_file(),
}


def apt_install(packages: list[str]) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Wait for a concurrent apt/dpkg (unattended upgrades, another terminal) instead of failing.
    apt = ["apt-get", "-o", "DPkg::Lock::Timeout=600"]
    say(f"installing system packages: {' '.join(packages)} (apt-get)")
    for args in (["update"], ["install", "-y", *packages]):
        result = subprocess.run([*apt, *args], env=env, check=False)
        if result.returncode != 0:
            raise SetupError(f"`apt-get {' '.join(args)}` failed (exit {result.returncode}).")


def ensure_system_packages(*packages: str) -> None:
    """Install the missing Debian packages when root; otherwise stop and name them."""
    packages = packages or tuple(_SYSTEM_PACKAGES)
    missing = [name for name in packages if not _SYSTEM_PACKAGES[name]()]
    if not missing:
        return
    names = " ".join(missing)
    if not is_root():
        raise SetupError(
            f"missing system package(s): {names}.\n"
            f"Install them, then run the command again:\n    sudo apt-get install -y {names}"
        )
    if not shutil.which("apt-get"):
        raise SetupError(f"missing system package(s): {names}, and apt-get is not available.")
    apt_install(missing)
    still_missing = [name for name in missing if not _SYSTEM_PACKAGES[name]()]
    if still_missing:
        raise SetupError(f"still missing after apt-get install: {' '.join(still_missing)}")


# --- PostgreSQL from the system packages (tests) ---------------------------------------------


@dataclass
class PostgresInstance:
    bin_dir: Path
    base_dir: Path
    port: int
    run_as: str | None  # initdb refuses root: as root, the cluster belongs to `postgres`
    # A persistent cluster (`make test-fast`) is stopped cleanly and keeps its folder.
    persistent: bool = False

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base_dir / "socket"

    @property
    def log_file(self) -> Path:
        return self.base_dir / "postgresql.log"

    @property
    def url(self) -> str:
        return f"postgres://postgres@{LOOPBACK}:{self.port}/postgres"

    def role_url(self, role: str, database: str = DATABASE) -> str:
        return f"postgres://{role}@{LOOPBACK}:{self.port}/{database}"

    def create_roles(self, database: str = DATABASE) -> None:
        """The owner and application roles, and `database` owned by the owner. The owner may
        create databases: it creates, migrates and drops the test databases."""
        create_roles(host=LOOPBACK, port=self.port, database=database, owner_creates_databases=True)

    def command(self, program: str, *args: str) -> list[str]:
        prefix = ["runuser", "-u", self.run_as, "--"] if self.run_as else []
        return [*prefix, str(self.bin_dir / program), *args]

    def run(self, program: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.command(program, *args),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            # "immediate" for a throwaway cluster: its data is deleted just after; a persistent
            # one shuts down cleanly, its databases are reused by the next run.
            mode = "fast" if self.persistent else "immediate"
            result = self.run(
                "pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop", timeout=60
            )
            if result.returncode != 0:
                _kill_pid_file(self.data_dir / "postmaster.pid")
        if not self.persistent:
            shutil.rmtree(self.base_dir, ignore_errors=True)


def start_postgres(
    *,
    extra_settings: dict[str, str] | None = None,
    attempts: int = 3,
    persistent_dir: Path | None = None,
) -> PostgresInstance:
    """A throwaway cluster in a temporary folder, superuser `postgres` with trust authentication,
    reachable on 127.0.0.1:<free port> only. With `persistent_dir`, the cluster lives in that
    folder and survives `stop()`: the next start reuses it (and its test databases)."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise SetupError("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin.")
    run_as = "postgres" if is_root() else None
    if persistent_dir is not None:
        base_dir = _reachable_by(run_as, persistent_dir)
        # A cluster of another major version (the machine's PostgreSQL was upgraded) or one
        # that initdb left half-made is started afresh.
        version = base_dir / "data" / "PG_VERSION"
        if base_dir.exists() and (
            not version.exists() or version.read_text().strip() != bin_dir.parent.name
        ):
            shutil.rmtree(base_dir, ignore_errors=True)
        base_dir.mkdir(parents=True, exist_ok=True)
    else:
        base_dir = Path(tempfile.mkdtemp(prefix="reussite-pg-"))
    instance = PostgresInstance(
        bin_dir=bin_dir,
        base_dir=base_dir,
        port=0,
        run_as=run_as,
        persistent=persistent_dir is not None,
    )
    reuse = (instance.data_dir / "PG_VERSION").exists()
    try:
        # A run killed before its `finally` leaves the persistent server running (on a port
        # nobody knows any more): stop it; a stale pid file alone is PostgreSQL's own business.
        if reuse and instance.run("pg_ctl", "-D", str(instance.data_dir), "status").returncode == 0:
            instance.run("pg_ctl", "-D", str(instance.data_dir), "-m", "fast", "-w", "stop")
        instance.socket_dir.mkdir(exist_ok=True)
        if run_as:
            for path in (base_dir, instance.socket_dir):
                shutil.chown(path, user=run_as, group=run_as)
        # fmt: off
        initdb = [
            "-D", str(instance.data_dir),
            "-U", "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",  # a throwaway cluster needs no fsync at creation
        ]
        # fmt: on
        if not reuse:
            result = instance.run("initdb", *initdb)
            if result.returncode != 0:
                raise SetupError(f"initdb failed:\n{result.stdout}{result.stderr}")
        settings = {
            "listen_addresses": f"'{LOOPBACK}'",
            "unix_socket_directories": f"'{instance.socket_dir}'",
            **POSTGRES_PLANNER_SETTINGS,
            **(extra_settings or {}),
        }
        for attempt in range(attempts):
            instance.port = free_port()
            conf = "".join(
                f"{key} = {value}\n" for key, value in {**settings, "port": instance.port}.items()
            )
            # postgresql.auto.conf is read last: our settings win over postgresql.conf.
            (instance.data_dir / "postgresql.auto.conf").write_text(conf)
            result = instance.run(
                "pg_ctl",
                "-D",
                str(instance.data_dir),
                "-l",
                str(instance.log_file),
                "-w",
                "-t",
                "60",
                "start",
            )
            if result.returncode == 0:
                return instance
            if attempt == attempts - 1 or "could not bind" not in instance.log_tail():
                raise SetupError(
                    f"PostgreSQL did not start:\n{result.stdout}{result.stderr}\n{instance.log_tail()}"
                )
    except BaseException:
        instance.stop()
        if instance.persistent:
            shutil.rmtree(base_dir, ignore_errors=True)
        raise
    raise AssertionError("unreachable")


# --- the two database roles (reussite/core/privileges.py) ------------------------------------


def create_roles(
    *, host: str, port: int, database: str, owner_creates_databases: bool = False
) -> None:
    """As the superuser `postgres`: both roles, and `database` owned by the owner role
    (idempotent). A database left by the one-role layout (owned by someone else) holds only demo
    data: it is dropped and created again."""
    import psycopg2

    connection = psycopg2.connect(host=host, port=port, user="postgres", dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for role, options in (
                (OWNER_ROLE, "LOGIN CREATEDB" if owner_creates_databases else "LOGIN NOCREATEDB"),
                (APP_ROLE, "LOGIN NOCREATEDB"),
            ):
                cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
                verb = "ALTER" if cursor.fetchone() else "CREATE"
                cursor.execute(f"{verb} ROLE {role} {options}")
            cursor.execute(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [database]
            )
            row = cursor.fetchone()
            if row and row[0] != OWNER_ROLE:
                say(f"database {database} belongs to {row[0]}, not {OWNER_ROLE}: creating it again")
                cursor.execute(f"DROP DATABASE {database} WITH (FORCE)")
                row = None
            if row is None:
                cursor.execute(f"CREATE DATABASE {database} OWNER {OWNER_ROLE}")
    finally:
        connection.close()


# The planner's costs of production (docker-compose.yml, docs/exploitation.md), in every cluster
# started here: the data lives on SSDs and mostly in memory, where a random page costs about what
# a sequential one does. With the default (4), the planner scans a 10,000-row table rather than
# probe its index a few hundred times (issue 18: the offers published to a programme, 3.3 ms
# scanned, 0.8 ms through the index).
POSTGRES_PLANNER_SETTINGS = {"random_page_cost": "1.1"}

# Durability switched off: the test cluster is thrown away, and the suite runs faster.
POSTGRES_TEST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


# --- Redis (tests) ---------------------------------------------------------------------------


@dataclass
class RedisInstance:
    port: int
    base_dir: Path

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    @property
    def pid_file(self) -> Path:
        return self.base_dir / "redis.pid"

    def ping(self) -> bool:
        try:
            with socket.create_connection((LOOPBACK, self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-h", LOOPBACK, "-p", str(self.port), "shutdown", "nosave"],
            capture_output=True,
            timeout=30,
            check=False,
        )
        deadline = time.monotonic() + 10
        while self.ping() and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.ping():
            _kill_pid_file(self.pid_file)
        shutil.rmtree(self.base_dir, ignore_errors=True)


def start_redis(*, attempts: int = 3, port: int | None = None) -> RedisInstance:
    """A throwaway Redis on loopback; `port` restarts one where a stopped one listened."""
    base_dir = Path(tempfile.mkdtemp(prefix="reussite-redis-"))
    instance = RedisInstance(port=0, base_dir=base_dir)
    try:
        for attempt in range(attempts):
            instance.port = port if port is not None else free_port()
            # fmt: off
            args = [
                "redis-server",
                "--port", str(instance.port),
                "--bind", LOOPBACK,
                "--save", "",  # no RDB snapshot, no append-only file: nothing on disk
                "--appendonly", "no",
                "--daemonize", "yes",
                "--pidfile", str(instance.pid_file),
                "--dir", str(base_dir),
                "--logfile", str(base_dir / "redis.log"),
            ]
            # fmt: on
            subprocess.run(args, capture_output=True, timeout=30, check=False)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if instance.ping():
                    return instance
                time.sleep(0.05)
            if attempt == attempts - 1:
                log_file = base_dir / "redis.log"
                log = log_file.read_text(errors="replace") if log_file.exists() else ""
                raise SetupError(f"Redis did not start on port {instance.port}:\n{log}")
    except BaseException:
        instance.stop()
        if instance.persistent:
            shutil.rmtree(base_dir, ignore_errors=True)
        raise
    raise AssertionError("unreachable")


# --- embedded PostgreSQL (run command, no database configured) -------------------------------


@dataclass
class EmbeddedPostgres:
    """PostgreSQL from the `pgserver` wheel, data kept in var/pgdata so that a second run finds
    its data again. It listens on a unix socket only."""

    pgdata: Path
    socket_dir: Path
    port: int
    database: str
    started_here: bool
    _server: object = field(repr=False)

    @property
    def url(self) -> str:
        return self.role_url("postgres")

    def role_url(self, role: str) -> str:
        # django-environ leaves a %2F-encoded host undecoded; the query string reaches psycopg2
        # through OPTIONS instead, which libpq reads as the socket folder.
        return f"postgres://{role}@/{self.database}?host={self.socket_dir}&port={self.port}"

    def stop(self) -> None:
        if not self.started_here:
            return  # another `make run` owns it
        import pgserver

        try:
            pgserver.pg_ctl(
                ["-w", "-m", "fast", "stop"],
                pgdata=self.pgdata,
                user=self._server.system_user,
                timeout=60,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            _kill_pid_file(self.pgdata / "postmaster.pid")


def start_embedded_postgres(
    pgdata: Path | None = None, *, database: str = "reussite"
) -> EmbeddedPostgres:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI) and falls back to /tmp.
        warnings.simplefilter("ignore")
        import pgserver
        from pgserver.utils import PostmasterInfo

    pgdata = (pgdata or VAR / "pgdata").resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    running = (
        pgdata.exists()
        and (info := PostmasterInfo.read_from_pgdata(pgdata)) is not None
        and info.is_running()
    )
    # cleanup_mode=None: we stop the server ourselves. pgserver's own clean-up only stops it when
    # its pid list is empty, and a run killed with SIGKILL would leave a stale pid there forever.
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    embedded = EmbeddedPostgres(
        pgdata=pgdata,
        socket_dir=info.socket_dir,
        port=info.port or 5432,
        database=database,
        started_here=not running,
        _server=server,
    )
    try:
        create_roles(host=str(embedded.socket_dir), port=embedded.port, database=database)
    except BaseException:
        embedded.stop()
        raise
    return embedded


# --- helpers ---------------------------------------------------------------------------------


def _reachable_by(user: str | None, folder: Path) -> Path:
    """`folder`, or, when `user` (the cluster's owner as root) cannot traverse its parents (a
    checkout under /root), a private temporary folder that `folder` links to, so that the
    cluster still shows under var/ and the next run finds it again."""
    if user is None:
        return folder
    if folder.is_symlink():
        target = folder.resolve()
        if target.is_dir():
            return target
        folder.unlink()  # its temporary folder was cleaned away: a new cluster
    folder.parent.mkdir(parents=True, exist_ok=True)
    check = subprocess.run(
        ["runuser", "-u", user, "--", "test", "-x", str(folder.parent)], check=False
    )
    if check.returncode == 0:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    elsewhere = Path(tempfile.mkdtemp(prefix=f"reussite-{folder.name}-"))
    folder.symlink_to(elsewhere)
    return elsewhere


def _kill_pid_file(pid_file: Path) -> None:
    """Last resort when a polite stop failed: SIGKILL the pid written in the first line."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":  # pragma: no cover - manual check: python -m reussite.devtools.services
    ensure_system_packages("postgresql", "redis-server")
    pg = start_postgres(extra_settings=POSTGRES_TEST_SETTINGS)
    redis = start_redis()
    try:
        say(f"PostgreSQL {pg.url}  Redis {redis.url}")
    finally:
        redis.stop()
        pg.stop()
    sys.exit(0)
