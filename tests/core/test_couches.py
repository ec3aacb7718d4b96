"""The layers hold, and are enforced: `reussite.core` below `partenaires` below `parcours`, the
tools and the settings above all, no layer importing the Celery wiring module (pyproject.toml,
`[tool.importlinter]`, run by `make test`). A lower layer that needs the higher one's reaction
sends a signal; nothing fills a table of callbacks at start-up any more."""

# ruff: noqa: S603 - lint-imports of this environment, with an argument list built here.

import importlib.util
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.db import transaction

from partenaires.services import professionnel_desactiver
from partenaires.signals import adhesion_modifiee
from tests.factories.core import ProgrammeFactory
from tests.factories.partage import partenaire, professionnel

RACINE = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PAQUETS = ("reussite", "partenaires", "parcours")


def _config() -> dict:
    with open(RACINE / "pyproject.toml", "rb") as fichier:
        return tomllib.load(fichier)["tool"]["importlinter"]


def _lint_imports(racine: Path) -> subprocess.CompletedProcess:
    # lint-imports puts its working directory first on sys.path: the copy is what it analyses.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=racine,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def copie(tmp_path_factory) -> Path:
    """The three packages' Python files and the contracts, copied to a temporary folder."""
    racine = tmp_path_factory.mktemp("couches")
    for paquet in PAQUETS:
        shutil.copytree(
            RACINE / paquet,
            racine / paquet,
            ignore=lambda dossier, noms: (
                [n for n in noms if not n.endswith(".py") and not (Path(dossier) / n).is_dir()]
                + ["__pycache__"]
            ),
        )
    shutil.copy(RACINE / "pyproject.toml", racine / "pyproject.toml")
    return racine


def test_les_couches_sont_declarees_dans_l_ordre():
    config = _config()
    assert set(config["root_packages"]) == set(PAQUETS)
    contrats = {c["id"]: c for c in config["contracts"]}
    assert contrats["couches"]["type"] == "layers"
    assert contrats["couches"]["layers"] == [
        "reussite.devtools | reussite.settings",
        "reussite.urls | reussite.wsgi | reussite.asgi",
        "parcours",
        "partenaires",
        "reussite.core",
    ]
    assert contrats["celery"]["type"] == "forbidden"
    assert contrats["celery"]["forbidden_modules"] == ["reussite.celery"]
    assert set(contrats["celery"]["source_modules"]) == {"reussite.core", "partenaires", "parcours"}


@pytest.mark.lent
def test_le_depot_tient_ses_contrats(copie):
    resultat = _lint_imports(copie)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "2 kept, 0 broken" in resultat.stdout


@pytest.mark.lent
@pytest.mark.parametrize(
    ("module", "importe", "contrat"),
    [
        ("partenaires", "parcours.models", "Layers"),
        ("reussite.core", "partenaires.models", "Layers"),
        ("reussite.core", "parcours.access", "Layers"),
        ("parcours", "reussite.devtools.services", "Layers"),
        ("partenaires", "reussite.settings.base", "Layers"),
        ("parcours", "reussite.urls", "Layers"),
        ("reussite.core", "reussite.celery", "The Celery wiring module"),
    ],
)
def test_un_import_interdit_casse_les_contrats(copie, module, importe, contrat):
    intrus = copie.joinpath(*module.split(".")) / "intrus_couches.py"
    intrus.write_text(f"import {importe}  # noqa\n")
    try:
        resultat = _lint_imports(copie)
    finally:
        intrus.unlink()
    assert resultat.returncode == 1, resultat.stdout
    assert f"{module}.intrus_couches -> {importe}" in resultat.stdout
    broken = [ligne for ligne in resultat.stdout.splitlines() if ligne.endswith("BROKEN")]
    assert len(broken) == 1 and broken[0].startswith(contrat), broken


def test_plus_de_table_de_crochets():
    """`partenaires/hooks.py` filled at start-up by `parcours` hid a reverse dependency: gone,
    and nothing asks for a provider by name any more."""
    assert importlib.util.find_spec("partenaires.hooks") is None
    for paquet in PAQUETS:
        for fichier in (RACINE / paquet).rglob("*.py"):
            texte = fichier.read_text()
            for trace in (
                "partenaires.hooks",
                "from .hooks",
                "from ..hooks",
                "fournir(",
                'demander("',
            ):
                assert trace not in texte, (fichier, trace)


@pytest.mark.django_db
def test_l_adhesion_modifiee_est_recue_par_parcours_dans_la_meme_transaction():
    pro = professionnel(partenaire(ProgrammeFactory()))
    # Named, not compared by identity: another test may have imported the module afresh.
    recus = {
        (receveur.__module__, receveur.__qualname__)
        for receveur, _reponse in adhesion_modifiee.send(sender=None, professionnel=pro)
    }
    assert ("parcours.permissions", "recalculer_apres_adhesion") in recus

    def refuser(sender, professionnel, **kwargs):
        raise RuntimeError("receiver failed")

    adhesion_modifiee.connect(refuser, dispatch_uid="test_refuser")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            professionnel_desactiver(professionnel=pro)
    finally:
        adhesion_modifiee.disconnect(dispatch_uid="test_refuser")
    # The receiver ran inside the service's transaction: its failure undid the change.
    pro.refresh_from_db()
    assert pro.actif is True
