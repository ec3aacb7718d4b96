"""`manage.py generer_donnees` at a tiny scale: deterministic, guardian rows as derived by
`parcours.permissions`, rows that satisfy the models' validation."""

from datetime import date

import pytest
from django.db import connection, transaction

from parcours.management.commands.generer_donnees import Generateur
from parcours.models import Action, Consentement, Enfant, Note, Parcours
from parcours.models import ParcoursUserObjectPermission as Droit
from parcours.permissions import parcours_permissions_recalculer
from partenaires.models import Professionnel

pytestmark = pytest.mark.django_db

LE = date(2026, 11, 2)
TABLES = [
    "parcours_parcours",
    "parcours_enfant",
    "parcours_action",
    "parcours_note",
    "parcours_consentement",
    "parcours_intervenant",
    "parcours_parcoursuserobjectpermission",
    "core_user",
    "parcours_examen",
    "core_rappel",
]


def _generer(graine=7, **kwargs):
    Generateur(echelle="city", graine=graine, parcours=30, le=LE, **kwargs).generer()


def _empreinte() -> dict[str, str]:
    """A digest of each table's rows without their ids (serial ids do not roll back)."""
    empreintes = {}
    with connection.cursor() as c:
        for table in TABLES:
            c.execute(
                "SELECT md5(coalesce(string_agg(x, '|' ORDER BY x), '')) FROM "  # noqa: S608
                f"(SELECT (to_jsonb(t) - 'id' - 'password')::text AS x FROM {table} t) r"
            )
            empreintes[table] = c.fetchone()[0]
    return empreintes


def _sans_horodatage():
    # cree_le/modifie_le columns hold now(): neutralise them inside the transaction.
    with connection.cursor() as c:
        for table, colonnes in {
            "parcours_enfant": ["cree_le", "modifie_le"],
            "parcours_parcours": ["modifie_le"],
            "parcours_action": ["cree_le", "modifie_le"],
            "parcours_note": ["modifie_le"],
            "parcours_consentement": ["cree_le"],
        }.items():
            c.execute(f"UPDATE {table} SET " + ", ".join(f"{x} = '2000-01-01'" for x in colonnes))  # noqa: S608


class _Annuler(Exception):
    pass


def test_meme_graine_memes_lignes():
    empreintes = []
    for _ in range(2):
        try:
            with transaction.atomic():
                _generer()
                _sans_horodatage()
                empreintes.append(_empreinte())
                raise _Annuler
        except _Annuler:
            pass
    assert empreintes[0] == empreintes[1]
    assert Parcours.objects.count() == 0
    try:
        with transaction.atomic():
            _generer(graine=8)
            _sans_horodatage()
            autre = _empreinte()
            raise _Annuler
    except _Annuler:
        pass
    assert autre["parcours_parcours"] != empreintes[0]["parcours_parcours"]


def test_droits_egaux_a_ceux_que_derive_le_recalcul():
    _generer()
    assert Parcours.objects.count() == 30

    def lignes():
        return sorted(
            Droit.objects.values_list(
                "content_object_id", "user_id", "permission__codename", "expire_le"
            )
        )

    generees = lignes()
    assert generees, "the generator grants rights"
    # Référents and partners (through a consent) both get rows.
    codenames = {codename for _p, _u, codename, _e in generees}
    assert codenames == {"view_parcours", "change_parcours"}
    assert any(e is not None for *_x, e in generees), "some rows expire with their consent"
    for parcours in Parcours.objects.all():
        parcours_permissions_recalculer(parcours=parcours, le=LE)
    assert lignes() == generees


def test_lignes_valides_et_comptes_de_demo():
    _generer()
    for modele in (Parcours, Enfant, Consentement, Action, Note, Professionnel):
        for objet in modele.objects.order_by("pk")[:10]:
            objet.full_clean()
    assert (
        Professionnel.objects.get(user__email="coordination@city.bench").fonction == "coordinateur"
    )
    assert (
        Professionnel.objects.get(user__email="partenaire@city.bench").structure.type != "porteuse"
    )


def test_historique_ecrit_en_masse_une_creation_par_ligne_suivie():
    """Issue 18, point 4: the per-row history triggers are ignored while the rows are inserted,
    then one « insert » event per generated row is written in bulk, with its values."""
    from parcours.models import NoteEvent, ParcoursEvent

    _generer()

    assert NoteEvent.objects.filter(pgh_label="insert").count() == Note.objects.count() > 0
    assert ParcoursEvent.objects.count() == Parcours.objects.count()
    note = Note.objects.order_by("pk").first()
    evenement = NoteEvent.objects.get(pgh_obj_id=note.pk)
    assert (evenement.texte, evenement.parcours_id) == (note.texte, note.parcours_id)
