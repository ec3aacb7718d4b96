"""`manage.py generer_donnees` at a tiny scale: deterministic, guardian rows as derived by
`parcours.permissions`, rows that satisfy the models' validation."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from parcours.generation.generateur import Generateur
from parcours.generation.parametres import TAILLE_GRAND_PROGRAMME
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
    "parcours_sollicitation",
    "core_traceacces",
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


@pytest.mark.lent  # generates the data set twice
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


def test_le_grand_programme_a_un_reseau_qui_remplit_les_listes_de_la_plateforme():
    """Issue 18: programme 1 works with about 150 structures and 460 professionals at both
    scales, so that a platform-wide list (admin: 100 rows a page; data·inclusion: 100) shows
    as many rows at city scale as at national scale, and the benchmark compares equal pages."""
    from partenaires.models import Offre, SignatureCharte, Structure
    from reussite.core.models import User

    _generer()
    reseau = Structure.objects.filter(
        partenariat__programme__pk=Parcours.objects.first().programme_id
    )
    assert reseau.count() == 150
    assert reseau.filter(partenariat__est_porteuse=True).count() == 1
    assert Professionnel.objects.filter(structure__in=reseau).count() == 460
    assert SignatureCharte.objects.count() > 100
    assert Offre.objects.filter(programmes__isnull=False).distinct().count() == 300
    # About 40 % of the offers are published as open data: the data·inclusion API's pages
    # are full (100 rows) at city scale too, not empty.
    assert 100 < Offre.objects.filter(diffusion_publique=True).count() < 200
    assert User.objects.filter(email__icontains="pro1").count() > 100
    for objet in (
        list(reseau.order_by("-pk")[:3])
        + list(Professionnel.objects.order_by("-pk")[:3])
        + list(Offre.objects.order_by("-pk")[:3])
    ):
        objet.full_clean()


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


def test_les_statistiques_annuelles_de_la_nuit_sont_calculees():
    """The generated platform holds what the nightly task stores (the platform-wide statistics
    read it): one row per programme for the reference year and the one before, equal to the
    live figures."""
    from parcours.models import StatistiqueAnnuelle
    from parcours.selectors.statistiques_agregees import chiffres_annuels

    _generer()

    programme = Parcours.objects.order_by("pk").first().programme
    lignes = StatistiqueAnnuelle.objects.filter(programme=programme)
    assert sorted(lignes.values_list("annee", flat=True)) == [LE.year - 1, LE.year]
    stockee = lignes.get(annee=LE.year).chiffres["statistiques"]
    assert stockee["suivis"] == chiffres_annuels(programme, LE.year)["statistiques"]["suivis"] > 0


def test_tailles_un_grand_programme_aux_deux_echelles():
    """Issue 18: programme 1 is the same large programme (3,000 pathways) at both scales, so
    that the national/city ratio compares the same programme; the national set keeps about
    150,700 pathways over 500 programmes of varied sizes."""
    national = Generateur(echelle="national", graine=1, le=LE).tailles()
    assert Generateur(echelle="city", graine=1, le=LE).tailles() == [TAILLE_GRAND_PROGRAMME]
    assert national[0] == TAILLE_GRAND_PROGRAMME == 3000
    assert len(national) == 500
    assert sum(national) == 150_704
    assert min(national) >= 76 and max(national[1:]) <= 516
    assert len(set(national)) > 100, "programmes of varied sizes"
    assert Generateur(echelle="national", graine=1, le=LE).tailles() == national
    assert Generateur(echelle="city", graine=1, parcours=30, programmes=2, le=LE).tailles() == [
        30,
        30,
    ]


def _generer_deux_programmes():
    Generateur(echelle="city", graine=7, programmes=2, parcours=40, le=LE).generer()


def test_objets_des_nouvelles_listes_dans_tous_leurs_etats():
    """Issue 21: the new lists are measured with data — requests to partners in every state,
    rights requests, orientations, transfers, other schemes, transitions, exit questionnaires
    and the family's words, valid for their models, with their history rows."""
    from django.apps import apps

    from parcours.models import (
        DemandeDroit,
        Dispositif,
        EchangeOrientation,
        Orientation,
        ParoleFamille,
        QuestionnaireSortie,
        Sollicitation,
        Transfert,
        Transition,
    )

    SollicitationEvent = apps.get_model("parcours", "SollicitationEvent")
    OrientationEvent = apps.get_model("parcours", "OrientationEvent")

    _generer_deux_programmes()

    etats = set(Sollicitation.objects.values_list("statut", flat=True))
    assert etats == {"envoyee", "acceptee", "attente", "refusee", "redirigee", "retiree"}
    assert not Sollicitation.objects.filter(statut="refusee", motif_refus="").exists()
    assert Sollicitation.objects.filter(statut="envoyee", echeance__lt=LE).exists(), (
        "some requests unanswered past their deadline"
    )
    assert Sollicitation.objects.filter(professionnel__isnull=True).exists()
    for sollicitation in Sollicitation.objects.select_related("parcours", "structure")[:50]:
        assert sollicitation.structure.partenariat_set.filter(
            programme_id=sollicitation.programme_id
        ).exists(), "a structure of the programme's network"
    assert SollicitationEvent.objects.count() == Sollicitation.objects.count()
    assert OrientationEvent.objects.count() == Orientation.objects.count()
    assert set(Orientation.objects.values_list("statut", flat=True)) >= {
        "acceptee",
        "recue",
        "refusee",
    }
    assert not Orientation.objects.filter(statut="acceptee", parcours__isnull=True).exists()
    assert EchangeOrientation.objects.filter(genre="depot").count() == Orientation.objects.count()
    assert set(DemandeDroit.objects.values_list("statut", flat=True)) >= {"satisfaite"}
    assert Transfert.objects.exclude(
        programme_origine_id=Transfert.objects.values("programme_destination_id")[:1]
    ).exists()
    assert Dispositif.objects.values("type").distinct().count() >= 5
    assert QuestionnaireSortie.objects.exists()
    assert ParoleFamille.objects.exists()
    assert Transition.objects.filter(contact_le__isnull=True).exists(), "no plan yet"
    assert Transition.objects.filter(reunion_le__isnull=False).exists(), "complete checklist"
    for modele in (
        Sollicitation,
        DemandeDroit,
        Orientation,
        Transfert,
        Dispositif,
        QuestionnaireSortie,
        ParoleFamille,
        Transition,
    ):
        for objet in modele.objects.order_by("pk")[:10]:
            objet.full_clean(validate_unique=False)


def test_journal_des_acces_ce_que_la_console_du_dpo_doit_trouver():
    """Issue 18 point 4: the access trail (`TraceAcces`) has a year of realistic entries,
    about 14 per pathway, and the DPO's anomaly views find someone in each programme."""
    from django.db.models import Count, Max, Min

    from reussite.core.models import Programme, SeuilsAnomalies, TraceAcces
    from reussite.core.selectors import anomalies

    _generer_deux_programmes()

    assert (
        TraceAcces.objects.filter(
            object_id__isnull=False, evenement__in=["lecture", "modification", "refus"]
        ).count()
        >= 14 * Parcours.objects.count()
    )
    evenements = dict(TraceAcces.objects.values_list("evenement").annotate(n=Count("pk")))
    assert set(evenements) == {
        "lecture",
        "modification",
        "refus",
        "connexion",
        "deconnexion",
        "echec_connexion",
        "export",
        "droit_acces",
    }
    assert evenements["lecture"] > 4 * evenements["modification"] > 40 * evenements["refus"] / 10
    etendue = TraceAcces.objects.aggregate(premier=Min("le"), dernier=Max("le"))
    premier, dernier = etendue["premier"], etendue["dernier"]
    assert (dernier - premier).days >= 330, "spread over 12 months"
    assert dernier < datetime.combine(LE, time.min, tzinfo=timezone.get_default_timezone()), (
        "nothing on or after the reference date (today by default): never in the future"
    )
    periode = anomalies.Periode(LE - timedelta(days=29), LE)
    for programme in Programme.objects.all():
        seuils = SeuilsAnomalies.pour(programme)
        hors = anomalies.lectures_hors_affectation(programme.pk, periode, 20)
        assert hors, "someone reads pathways outside their assignments"
        assert anomalies.acces_nuit_week_end(programme.pk, periode, seuils)
        assert anomalies.refus_en_rafale(programme.pk, periode, 5)
        assert anomalies.exports(programme.pk, periode)
