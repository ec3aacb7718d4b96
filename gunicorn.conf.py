"""gunicorn reads this file from its working directory (/app in the image) by itself.

Prometheus multiprocess mode (reussite.core.metriques): each worker writes its counters to files
in PROMETHEUS_MULTIPROC_DIR and a scrape adds them up. The folder must be set before any worker
imports prometheus_client, and emptied when the server starts (a dead worker's files would count
twice otherwise); a worker that exits is marked dead so that its live gauges disappear.

Each worker, once it has loaded the application, sets its heap aside from the garbage collector
(reussite.core.tas): a full collection no longer walks Django and the apps on some requests.
"""

import os
import tempfile
from pathlib import Path

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="reussite-prometheus-")


def on_starting(server):
    dossier = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    dossier.mkdir(parents=True, exist_ok=True)
    for fichier in dossier.glob("*.db"):
        fichier.unlink()


def post_worker_init(worker):
    from reussite.core.tas import geler_le_tas

    geler_le_tas()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
