"""The DPO's console (issue 19): one programme's access trail, searched by person, pathway,
period and event, exported as CSV; exports traced as exports with their programme; queries on
the (programme, time) index whatever the trail's size."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from parcours.models import Parcours, Statut
from reussite.core.models import Evenement, TraceAcces
from reussite.core.selectors.console_dpo import trace_du_programme
from reussite.core.trace import ALIAS
from tests.conftest import connecter
from tests.factories.core import UserFactory, dpo
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import pre, professionnel

# Read through an index (plain, backward, index-only or bitmap): with sequential scans
# disabled, any plan node on the trail other than a Seq Scan is one.
INDEX_SUR_LA_TRACE = (
    r"(Index (Only )?Scan( Backward)?|Bitmap (Heap|Index) Scan)\b[^\n]* on core_traceacces"
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def a():
    return pre(nom="PRE de Villeneuve")


def _trace(user, evenement, programme_id=None, parcours_id=None, il_y_a=timedelta(0), **kw):
    return TraceAcces.objects.create(
        le=timezone.now() - il_y_a,
        user_id=user.pk if user else None,
        evenement=evenement,
        autorise=evenement != Evenement.REFUS,
        programme_id=programme_id,
        content_type=ContentType.objects.get_for_model(Parcours) if parcours_id else None,
        object_id=parcours_id,
        page="parcours:detail",
        **kw,
    )


def _parcours(programme, nom="Zorgheb"):
    return ParcoursFactory(
        programme=programme,
        statut=Statut.EN_COURS,
        enfant=EnfantFactory(programme=programme, nom=nom, prenom="Quillane"),
    )


def test_le_dpo_cherche_par_personne_parcours_periode_et_evenement(client, a):
    b = pre(nom="PRE voisin")
    p, q = _parcours(a.programme), _parcours(b.programme)
    referent = professionnel(a.porteuse, user__email="referente@exemple.test")
    _trace(referent.user, Evenement.LECTURE, a.programme.pk, p.pk)
    _trace(referent.user, Evenement.REFUS, a.programme.pk, p.pk + 1000, il_y_a=timedelta(days=3))
    _trace(a.coordinateur, Evenement.MODIFICATION, a.programme.pk, p.pk, il_y_a=timedelta(days=40))
    _trace(b.coordinateur, Evenement.LECTURE, b.programme.pk, q.pk)  # another programme
    _trace(a.coordinateur, Evenement.CONNEXION)  # a role holder's login: no programme
    _trace(UserFactory(), Evenement.CONNEXION)  # someone else's login
    delegue = dpo(a.programme)
    connecter(client, delegue)
    url = reverse("programmes:journal", args=[a.programme.pk])

    def nombre(**filtres):
        return client.get(url, filtres).context["page"].paginator.count

    # The programme's 3 rows and its coordinator's login; not the other programme's row, not
    # the login of someone without a role on it.
    assert nombre() == 4
    assert nombre(personne="REFERENTE@exemple.test") == 2
    assert nombre(parcours=p.pk) == 2
    assert nombre(evenement="refus") == 1
    assert nombre(evenement="connexion") == 1
    debut = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert nombre(du=debut, evenement="modification") == 0
    page = client.get(url).content.decode()
    assert "ZORGHEB" not in page.upper()  # never a child's name
    assert f"parcours n° {p.pk}" in page


def test_l_export_du_journal_suit_la_recherche_et_est_trace(client, a):
    p = _parcours(a.programme)
    referent = professionnel(a.porteuse, user__email="referente@exemple.test")
    _trace(referent.user, Evenement.LECTURE, a.programme.pk, p.pk)
    _trace(a.coordinateur, Evenement.LECTURE, a.programme.pk, p.pk)
    delegue = dpo(a.programme)
    connecter(client, delegue)

    reponse = client.get(
        reverse("programmes:journal_export", args=[a.programme.pk]),
        {"personne": "referente@exemple.test"},
    )
    lignes = list(
        csv.reader(
            io.StringIO(b"".join(reponse.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert len(lignes) == 2, lignes
    assert lignes[1][2] == "referente@exemple.test"
    assert (
        TraceAcces.objects.using(ALIAS)
        .filter(user_id=delegue.pk, evenement=Evenement.EXPORT, programme_id=a.programme.pk)
        .exists()
    )


@pytest.mark.parametrize("qui", ["coordinateur", "referent", "dpo_ailleurs", "pilote"])
def test_la_console_est_reservee_au_dpo_du_programme(client, a, qui):
    from reussite.core.models import Role
    from reussite.core.services import role_attribuer

    if qui == "coordinateur":
        user = a.coordinateur
    elif qui == "referent":
        user = professionnel(a.porteuse).user
    elif qui == "dpo_ailleurs":
        user = dpo(pre(nom="Autre PRE").programme)
    else:
        user = UserFactory()
        role_attribuer(user=user, programme=a.programme, role=Role.PILOTAGE)
    connecter(client, user)
    for nom in ("journal", "journal_export"):
        assert client.get(reverse(f"programmes:{nom}", args=[a.programme.pk])).status_code == 404


@pytest.mark.parametrize("nombre", [1, 30])
def test_la_console_coute_autant_avec_peu_ou_beaucoup_de_lignes(
    client, a, django_assert_num_queries, nombre
):
    p = _parcours(a.programme)
    for _i in range(nombre):
        _trace(professionnel(a.porteuse).user, Evenement.LECTURE, a.programme.pk, p.pk)
    connecter(client, dpo(a.programme))
    url = reverse("programmes:journal", args=[a.programme.pk])
    client.get(url)
    with django_assert_num_queries(REQUETES_CONSOLE):
        assert client.get(url).status_code == 200


# Session, user; savepoint; the programme (role check); the count and the page of the UNION;
# the people of the page (one query); release. Neither the session save nor the DSFR
# configuration on a second request (issue 18, point 3).
REQUETES_CONSOLE = 8


def test_les_requetes_de_la_console_passent_par_l_index_programme_temps(a):
    """No sequential scan: with sequential scans disallowed, the plan still reads the trail
    through its (programme, time) index, for each filter the console offers."""
    filtres = [
        {},
        {"evenement": "refus"},
        {"personne": "x@exemple.test"},
        {"du": timezone.localdate(), "au": timezone.localdate()},
    ]
    with connection.cursor() as curseur:
        curseur.execute("SET LOCAL enable_seqscan = off")
        for filtre in filtres:
            requete = trace_du_programme(a.programme.pk, filtre)[:50]
            sql, params = requete.query.sql_with_params()
            curseur.execute("EXPLAIN " + sql, params)
            plan = "\n".join(ligne[0] for ligne in curseur.fetchall())
            # Through an index: which one the planner picks on a test table of a few rows
            # depends on its statistics (the (programme, time) one at scale).
            assert "Seq Scan on core_traceacces" not in plan and re.search(
                INDEX_SUR_LA_TRACE, plan
            ), (filtre, plan)
            assert "Seq Scan on core_traceacces" not in plan, (filtre, plan)


def test_les_connexions_des_personnes_du_programme_sont_lues_par_leur_index(a):
    """The logins branch reads each person's logins alone (partial index `trace_connexions_le`),
    not their whole trail filtered afterwards: on (user_id, -le) the console read ~1,200 rows per
    person to keep ~30, a cost that grew with the platform's trail (issue 18)."""
    requete = trace_du_programme(a.programme.pk, {})[:50]
    sql, params = requete.query.sql_with_params()
    with connection.cursor() as curseur:
        curseur.execute("SET LOCAL enable_seqscan = off")
        curseur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(ligne[0] for ligne in curseur.fetchall())
    assert "trace_connexions_le" in plan, plan


def test_un_export_de_liste_est_trace_comme_export_pour_son_programme(client, a):
    _parcours(a.programme)
    connecter(client, a.coordinateur)
    reponse = client.get(reverse("parcours:parcours_export"), {"programme": a.programme.pk})
    assert reponse.status_code == 200
    b"".join(reponse.streaming_content)
    assert (
        TraceAcces.objects.using(ALIAS)
        .filter(user_id=a.coordinateur.pk, evenement=Evenement.EXPORT, programme_id=a.programme.pk)
        .exists()
    )


def test_un_refus_porte_le_programme_du_parcours_refuse(client, a):
    """A denied access to an existing pathway is traced with its programme, so that the DPO
    sees it; a pathway that does not exist has none; both answer the same 404."""
    p = _parcours(a.programme)
    curieux = pre(nom="PRE voisin").coordinateur
    connecter(client, curieux)

    assert client.get(reverse("parcours:detail", args=[p.pk])).status_code == 404
    assert client.get(reverse("parcours:detail", args=[p.pk + 1000])).status_code == 404

    refus = TraceAcces.objects.using(ALIAS).filter(user_id=curieux.pk, evenement="refus")
    assert dict(refus.values_list("object_id", "programme_id")) == {
        p.pk: a.programme.pk,
        p.pk + 1000: None,
    }


def test_le_dpo_voit_les_connexions_des_personnes_affectees_a_ses_parcours(client, a):
    from tests.factories.partage import nommer_referent, partenaire

    p = _parcours(a.programme)
    # A référent of the porteuse: the PRE team sees the pathway before any consent.
    referente = professionnel(a.porteuse, user__email="affectee@exemple.test")
    nommer_referent(p, referente, auteur=a.coordinateur)
    inconnu = professionnel(partenaire(a.programme), user__email="inconnu@exemple.test")
    _trace(referente.user, Evenement.CONNEXION)
    _trace(inconnu.user, Evenement.CONNEXION)  # works with the programme, assigned to nothing
    connecter(client, dpo(a.programme))

    reponse = client.get(
        reverse("programmes:journal", args=[a.programme.pk]), {"evenement": "connexion"}
    )
    texte = reponse.content.decode()
    assert "affectee@exemple.test" in texte
    assert "inconnu@exemple.test" not in texte


def test_les_personnes_du_programme_sont_les_memes_qu_avec_la_jointure(a):
    """Issue 18: the people assigned to the programme's pathways are read through the
    pathway ids (an index probe per pathway) instead of a join that scanned the whole
    permission table; the set is the one the join gave, on a varied data set: référents,
    intervenants, several pathways per person, a person on two programmes, another
    programme's people left out, a programme with no pathway."""
    from parcours.models import ParcoursUserObjectPermission
    from parcours.permissions import affectes_du_programme
    from tests.factories.partage import (
        ajouter_intervenant,
        consentement,
        nommer_referent,
        partenaire,
    )

    b = pre(nom="PRE voisin")
    vide = pre(nom="PRE sans parcours")
    structure_a = partenaire(a.programme)
    commune = professionnel(partenaire(a.programme, b.programme))
    for i in range(3):
        p = _parcours(a.programme, nom=f"Enfant{i}")
        nommer_referent(p, professionnel(a.porteuse), auteur=a.coordinateur)
        consentement(p, auteur=a.coordinateur, structures=[structure_a, commune.structure])
        ajouter_intervenant(p, professionnel(structure_a), auteur=a.coordinateur)
        ajouter_intervenant(p, commune, auteur=a.coordinateur)
    autre = _parcours(b.programme, nom="Ailleurs")
    nommer_referent(autre, professionnel(b.porteuse), auteur=b.coordinateur)
    consentement(autre, auteur=b.coordinateur, structures=[commune.structure])
    ajouter_intervenant(autre, commune, auteur=b.coordinateur)

    for programme in (a.programme, b.programme, vide.programme):
        avant = set(
            ParcoursUserObjectPermission.objects.filter(
                content_object__programme_id=programme.pk
            ).values_list("user_id", flat=True)
        )
        apres = {ligne["user_id"] for ligne in affectes_du_programme(programme.pk)}
        assert apres == avant
    assert len({ligne["user_id"] for ligne in affectes_du_programme(a.programme.pk)}) >= 4
    assert not list(affectes_du_programme(vide.programme.pk))


def test_les_personnes_du_programme_sont_lues_par_l_index_des_parcours(a):
    """The permission rows are probed through their pathway index, never scanned whole
    (233,386 rows in the national set: 85 ms and a misestimate of thousands of people)."""
    from parcours.permissions import affectes_du_programme

    requete = affectes_du_programme(a.programme.pk)
    sql, params = requete.query.sql_with_params()
    with connection.cursor() as curseur:
        curseur.execute("SET LOCAL enable_seqscan = off")
        curseur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(ligne[0] for ligne in curseur.fetchall())
    assert "Seq Scan" not in plan, plan
    assert "Join" not in plan and "Nested Loop" not in plan, plan


def _export_attendu(programme_id, filtres):
    """The CSV rows the export wrote before it streamed (issue 18): the whole result in a
    list, its people in one `in_bulk` — the reference the streamed export must match."""
    from reussite.core.models import User

    lignes = list(trace_du_programme(programme_id, filtres))
    personnes = User.objects.in_bulk({ligne.user_id for ligne in lignes if ligne.user_id})
    libelles = dict(Evenement.choices)
    rangees = []
    for ligne in lignes:
        personne = personnes.get(ligne.user_id)
        objet = (
            f"{ContentType.objects.get_for_id(ligne.content_type_id).name} n° {ligne.object_id}"
            if ligne.content_type_id and ligne.object_id
            else ""
        )
        rangees.append(
            [
                timezone.localtime(ligne.le).strftime("%d/%m/%Y %H:%M:%S"),
                personne.get_full_name() if personne else "",
                personne.email if personne else ligne.identifiant,
                str(libelles.get(ligne.evenement, ligne.evenement)),
                "oui" if ligne.autorise else "non",
                objet,
                ligne.page,
            ]
        )
    return rangees


def _jeu_varie(a):
    from tests.factories.partage import nommer_referent

    p = _parcours(a.programme)
    referente = professionnel(a.porteuse, user__first_name="Ysolde", user__last_name="Brac")
    nommer_referent(p, referente, auteur=a.coordinateur)
    for i in range(7):
        _trace(referente.user, Evenement.LECTURE, a.programme.pk, p.pk, il_y_a=timedelta(hours=i))
    _trace(a.coordinateur, Evenement.MODIFICATION, a.programme.pk, p.pk, timedelta(days=3))
    _trace(None, Evenement.REFUS, a.programme.pk, p.pk, identifiant="=inconnu@exemple.test")
    _trace(referente.user, Evenement.CONNEXION, il_y_a=timedelta(days=1))
    _trace(referente.user, Evenement.DECONNEXION, il_y_a=timedelta(minutes=5))
    _trace(a.coordinateur, Evenement.EXPORT, a.programme.pk)
    return p


@pytest.mark.parametrize("lot", [2, 500])
def test_l_export_diffuse_donne_le_meme_csv_qu_avant(client, a, monkeypatch, lot):
    """Streamed by batches (2 rows here, crossing batch boundaries; 500 in production): the
    same rows, in the same order, as the export that built its whole result in memory."""
    from reussite.core.views import console_dpo

    monkeypatch.setattr(console_dpo, "TAILLE_LOT", lot)
    p = _jeu_varie(a)
    connecter(client, dpo(a.programme))
    url = reverse("programmes:journal_export", args=[a.programme.pk])
    for parametres, filtres in [
        ({}, {}),
        ({"evenement": "connexion"}, {"evenement": "connexion"}),
        ({"parcours": p.pk}, {"parcours": p.pk}),
        ({"evenement": "refus"}, {"evenement": "refus"}),
    ]:
        attendu = _export_attendu(a.programme.pk, filtres)
        reponse = client.get(url, parametres)
        assert reponse.streaming
        lignes = list(
            csv.reader(
                io.StringIO(b"".join(reponse.streaming_content).decode("utf-8-sig")),
                delimiter=";",
            )
        )
        neutralise = [[("'" + v) if v.startswith("=") else v for v in rangee] for rangee in attendu]
        assert lignes[1:] == neutralise, parametres
        assert lignes[0][0] == "Date et heure"
    assert len(_export_attendu(a.programme.pk, {})) >= 11


@pytest.mark.parametrize("nombre", [1, 30])
def test_l_export_coute_autant_avec_peu_ou_beaucoup_de_lignes(
    client, a, django_assert_num_queries, monkeypatch, nombre
):
    """The header goes out before any query on the trail; the rows then cost the UNION on a
    server-side cursor, with their people joined, whatever their number: batches of 2 rows
    here (500 in production), where each batch used to cost a query for its people (96
    queries for a programme's 44,000 rows, issue 18)."""
    from reussite.core.views import console_dpo

    monkeypatch.setattr(console_dpo, "TAILLE_LOT", 2)
    p = _parcours(a.programme)
    for i in range(nombre):
        auteur = professionnel(a.porteuse).user if i % 2 else a.coordinateur
        _trace(auteur, Evenement.LECTURE, a.programme.pk, p.pk)
    connecter(client, dpo(a.programme))
    url = reverse("programmes:journal_export", args=[a.programme.pk])
    client.get(url)
    with django_assert_num_queries(REQUETES_EXPORT):
        reponse = client.get(url)
    contenu = iter(reponse.streaming_content)
    with django_assert_num_queries(0):
        assert next(contenu).decode("utf-8-sig").startswith("Date et heure")
    with django_assert_num_queries(REQUETES_EXPORT_LIGNES):
        reste = b"".join(contenu)
    assert reste.count(b"\n") == nombre


# Session, user; savepoint; the programme (role check); release: the view runs no query on
# the trail (the export's own trace row goes through the `trace` connection).
REQUETES_EXPORT = 5
# The UNION, its people joined (one server-side cursor).
REQUETES_EXPORT_LIGNES = 1
