"""The access trail (DOMAIN.md rule 3): every read and every denied attempt is recorded, outside
the request's transaction, never with the content, and the application cannot rewrite it."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, connections, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from parcours.access import LECTURE, parcours_pour
from parcours.models import Parcours, Statut
from partenaires.models import Professionnel, Structure
from reussite.core.models import Evenement, Programme, TraceAcces, User
from reussite.core.noms import nom_complet
from reussite.core.privileges import connexion_proprietaire, proprietaire, role_application
from reussite.core.services import RETENTION_MINIMALE_TRACE, trace_purger
from reussite.core.trace import ALIAS
from tests.conftest import connecter
from tests.factories.core import MOT_DE_PASSE, UserFactory
from tests.factories.monde import construire_monde
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import (
    ajouter_intervenant,
    consentement,
    fichier_png,
    pre,
    professionnel,
)

pytestmark = pytest.mark.django_db

NOM, PRENOM = "Zébulon-Trace", "Anatole"


def entrees(**filtres):
    return TraceAcces.objects.using(ALIAS).filter(**filtres).order_by("pk")


def ct_parcours():
    return ContentType.objects.get_for_model(Parcours)


@dataclass
class Monde:
    programme: Programme
    coordinateur: User
    structure: Structure
    referent: Professionnel
    intervenant: Professionnel
    p: Parcours


@pytest.fixture
def monde():
    """Programme A with one shared pathway: a partner référent and a partner intervenant."""
    m = construire_monde(nom="PRE A", enfant={"nom": NOM, "prenom": PRENOM}, fichier=fichier_png())
    return Monde(m.programme, m.coordinateur, m.structure, m.referent, m.intervenant, m.parcours)


# --- Reads and denials ------------------------------------------------------------------------


@pytest.mark.parametrize("qui", ["coordinateur", "referent", "intervenant"])
def test_chaque_lecture_du_detail_ecrit_une_entree(client, monde, qui):
    user = getattr(monde, qui) if qui == "coordinateur" else getattr(monde, qui).user
    connecter(client, user)
    avant = entrees(user_id=user.pk, object_id=monde.p.pk).count()
    url = reverse("parcours:detail", args=[monde.p.pk])

    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200

    nouvelles = list(entrees(user_id=user.pk, object_id=monde.p.pk))[avant:]
    assert len(nouvelles) == 2
    for entree in nouvelles:
        assert entree.autorise is True
        assert entree.evenement == Evenement.LECTURE
        assert entree.content_type_id == ct_parcours().pk
        assert entree.programme_id == monde.programme.pk
        assert entree.page == "parcours:detail"
        assert entree.methode == "GET"
        assert entree.ip == "127.0.0.1"
        assert timezone.now() - entree.le < timedelta(minutes=5)


@pytest.mark.parametrize("qui", ["autre-coordinateur", "collegue-non-affecte", "inexistant"])
def test_un_refus_qui_finit_en_404_est_journalise(client, monde, qui):
    if qui == "autre-coordinateur":
        user, pk = pre(nom="PRE B").coordinateur, monde.p.pk
    elif qui == "collegue-non-affecte":
        user, pk = professionnel(monde.structure).user, monde.p.pk
    else:
        user, pk = monde.coordinateur, Parcours.objects.order_by("pk").last().pk + 1000
    connecter(client, user)

    assert client.get(reverse("parcours:detail", args=[pk])).status_code == 404

    (entree,) = entrees(user_id=user.pk, object_id=pk)
    assert entree.autorise is False
    assert entree.evenement == Evenement.REFUS
    assert entree.content_type_id == ct_parcours().pk
    assert entree.page == "parcours:detail"


def test_un_refus_sur_une_page_de_modification_est_journalise(client, monde):
    connecter(client, monde.intervenant.user)
    url = reverse("parcours:modifier_enfant", args=[monde.p.pk])
    assert client.post(url, {"enfant-nom": "X"}).status_code == 404
    (entree,) = entrees(user_id=monde.intervenant.user.pk, page="parcours:modifier_enfant")
    assert (entree.autorise, entree.evenement, entree.methode) == (False, "refus", "POST")


@pytest.mark.parametrize(
    ("qui", "page", "methode"),
    [
        # The intervenant reads the pathway, but the scans are for the team only.
        ("intervenant", "parcours:consentement_fichier", "GET"),
        # The référent may edit the pathway, but the id is another pathway's sub-object.
        ("referent", "parcours:consentement_retirer", "GET"),
        ("referent", "parcours:intervenant_retirer", "POST"),
    ],
)
def test_un_refus_apres_le_controle_du_parcours_est_journalise_comme_refus(
    client, monde, qui, page, methode
):
    """A condition of the page beyond the permission (team only, a sub-object of this very
    pathway) that fails is a denied access: never traced as a consultation."""
    user = getattr(monde, qui).user
    if qui == "intervenant":
        sous_objet = monde.p.consentements.get().pk
    else:
        # Another pathway of the same structure, where this user is not assigned.
        autre = ParcoursFactory(programme=monde.programme, statut=Statut.EN_COURS)
        c = consentement(autre, structures=[monde.structure], auteur=monde.coordinateur)
        i = ajouter_intervenant(autre, professionnel(monde.structure), auteur=monde.coordinateur)
        sous_objet = c.pk if page == "parcours:consentement_retirer" else i.pk
    connecter(client, user)
    url = reverse(page, args=[monde.p.pk, sous_objet])

    reponse = client.get(url) if methode == "GET" else client.post(url)

    assert reponse.status_code == 404
    traces = entrees(user_id=user.pk, page=page)
    assert [(e.autorise, e.evenement, e.object_id) for e in traces] == [
        (False, Evenement.REFUS, monde.p.pk)
    ]


def test_ouvrir_un_formulaire_de_modification_est_une_lecture_l_enregistrer_une_modification(
    client, monde
):
    connecter(client, monde.referent.user)
    url = reverse("parcours:modifier_enfant", args=[monde.p.pk])
    donnees = {
        "version": monde.p.enfant.version,
        "enfant-nom": "Autre",
        "enfant-prenom": PRENOM,
        "enfant-date_naissance": monde.p.enfant.date_naissance.isoformat(),
        "enfant-sexe": monde.p.enfant.sexe,
    }

    assert client.get(url).status_code == 200
    assert client.post(url, donnees).status_code == 302

    traces = entrees(user_id=monde.referent.user.pk, page="parcours:modifier_enfant")
    assert [(e.evenement, e.methode, e.autorise) for e in traces] == [
        (Evenement.LECTURE, "GET", True),
        (Evenement.MODIFICATION, "POST", True),
    ]


@pytest.mark.django_db(transaction=True)
def test_le_refus_est_enregistre_hors_de_la_transaction_annulee(client):
    """The trail goes through its own connection: it survives the rollback of the request."""
    a = pre(nom="PRE A")
    p = ParcoursFactory(programme=a.programme)
    intrus = pre(nom="PRE B").coordinateur

    with pytest.raises(Http404), transaction.atomic():
        parcours_pour(user=intrus, pk=p.pk, capacite=LECTURE)
    # Read through the *default* connection: the entry was committed on its own.
    assert TraceAcces.objects.filter(user_id=intrus.pk, object_id=p.pk, autorise=False).exists()

    connecter(client, intrus)
    assert client.get(reverse("parcours:detail", args=[p.pk])).status_code == 404
    assert TraceAcces.objects.filter(user_id=intrus.pk, object_id=p.pk, autorise=False).count() == 2


# --- Logins ---------------------------------------------------------------------------------


def test_connexion_echec_et_deconnexion_sont_journalises(client):
    user = UserFactory(email="marie.curie@exemple.test")
    mauvais = "Mauvais-Secret-987654"

    reponse = client.post(reverse("login"), {"username": user.email, "password": mauvais})
    assert reponse.status_code == 200
    (echec,) = entrees(evenement=Evenement.ECHEC_CONNEXION)
    assert echec.autorise is False
    assert echec.identifiant == user.email
    assert echec.user_id is None
    assert echec.page == "login"

    reponse = client.post(reverse("login"), {"username": user.email, "password": MOT_DE_PASSE})
    assert reponse.status_code == 302
    (connexion,) = entrees(evenement=Evenement.CONNEXION)
    assert (connexion.user_id, connexion.autorise, connexion.identifiant) == (user.pk, True, "")

    assert client.post(reverse("logout")).status_code == 302
    (deconnexion,) = entrees(evenement=Evenement.DECONNEXION)
    assert deconnexion.user_id == user.pk

    for valeurs in entrees().values():
        for valeur in valeurs.values():
            assert mauvais not in str(valeur)
            assert MOT_DE_PASSE not in str(valeur)


def test_echec_avec_un_identifiant_inconnu(client):
    client.post(reverse("login"), {"username": "personne@exemple.test", "password": "x" * 12})
    (echec,) = entrees(evenement=Evenement.ECHEC_CONNEXION)
    assert echec.identifiant == "personne@exemple.test"


# --- Append-only ------------------------------------------------------------------------------


@pytest.mark.parametrize("alias", ["default", ALIAS])
def test_la_base_refuse_update_et_delete_depuis_l_application(alias):
    entree = TraceAcces.objects.using(alias).create(
        user_id=1, evenement=Evenement.LECTURE, autorise=True, object_id=42, page="parcours:detail"
    )
    table = TraceAcces._meta.db_table
    tentatives = {
        "sql-update": lambda c: c.execute(f"UPDATE {table} SET autorise = false"),  # noqa: S608
        "sql-delete": lambda c: c.execute(f"DELETE FROM {table} WHERE id = %s", [entree.pk]),  # noqa: S608
        "orm-update": lambda c: TraceAcces.objects.using(alias).update(page="effacé"),
        "orm-delete": lambda c: TraceAcces.objects.using(alias).filter(pk=entree.pk).delete(),
        "save": lambda c: (setattr(entree, "object_id", 7), entree.save(using=alias)),
        "instance-delete": lambda c: TraceAcces.objects.using(alias).get(pk=entree.pk).delete(),
    }
    for nom, tentative in tentatives.items():
        with (
            pytest.raises(DatabaseError, match="permission denied for table core_traceacces"),
            transaction.atomic(using=alias),
            connections[alias].cursor() as curseur,
        ):
            tentative(curseur)
        relue = TraceAcces.objects.using(alias).get(pk=entree.pk)
        assert (relue.object_id, relue.autorise, relue.page) == (42, True, "parcours:detail"), nom


def test_la_purge_supprime_les_entrees_anciennes_et_elles_seules():
    maintenant = timezone.now()
    vieilles = [
        TraceAcces.objects.using(ALIAS).create(
            evenement=Evenement.LECTURE, autorise=True, le=maintenant - timedelta(days=400 + i)
        )
        for i in range(3)
    ]
    recente = TraceAcces.objects.using(ALIAS).create(
        evenement=Evenement.LECTURE, autorise=True, le=maintenant - timedelta(days=10)
    )

    assert trace_purger(avant=maintenant - timedelta(days=365)) == len(vieilles)

    assert list(entrees().values_list("pk", flat=True)) == [recente.pk]


@pytest.mark.django_db(transaction=True)
def test_la_purge_ne_laisse_aucune_porte_ouverte_apres_elle():
    """The purge opens nothing for the application role: it still may not delete."""
    TraceAcces.objects.using(ALIAS).create(
        evenement=Evenement.LECTURE, autorise=True, le=timezone.now() - timedelta(days=800)
    )
    recente = TraceAcces.objects.using(ALIAS).create(evenement=Evenement.LECTURE, autorise=True)
    assert trace_purger(avant=timezone.now() - timedelta(days=365)) == 1

    for alias in ("default", ALIAS):
        with (
            pytest.raises(DatabaseError, match="permission denied"),
            transaction.atomic(using=alias),
        ):
            TraceAcces.objects.using(alias).filter(pk=recente.pk).delete()
    assert TraceAcces.objects.filter(pk=recente.pk).exists()


def test_la_purge_refuse_d_effacer_des_entrees_plus_recentes_que_la_retention_minimale():
    """The CNIL's framework: access traces are kept 6 months at least."""
    maintenant = timezone.now()
    gardees = [
        TraceAcces.objects.using(ALIAS).create(
            evenement=Evenement.LECTURE, autorise=True, le=maintenant - timedelta(days=jours)
        )
        for jours in (0, 150)
    ]
    for avant in (
        maintenant + timedelta(seconds=1),
        maintenant - timedelta(days=150),
        maintenant - RETENTION_MINIMALE_TRACE + timedelta(minutes=1),
    ):
        with pytest.raises(ValueError, match="6 months"):
            trace_purger(avant=avant)
    assert entrees(pk__in=[e.pk for e in gardees]).count() == 2

    # The oldest cut-off allowed deletes nothing younger than the retention.
    assert trace_purger(avant=maintenant - RETENTION_MINIMALE_TRACE) == 0
    assert entrees(pk__in=[e.pk for e in gardees]).count() == 2


def test_l_application_ne_peut_pas_s_ouvrir_elle_meme_la_porte_de_la_purge():
    """The trigger's purge switch is a session setting: the application role may set it, but it
    has no DELETE right on the trail to use it with."""
    recente = TraceAcces.objects.using(ALIAS).create(evenement=Evenement.LECTURE, autorise=True)
    with (
        pytest.raises(DatabaseError, match="permission denied for table core_traceacces"),
        transaction.atomic(using=ALIAS),
        connections[ALIAS].cursor() as curseur,
    ):
        curseur.execute("SET LOCAL reussite.purge_trace = 'on'")
        curseur.execute("DELETE FROM core_traceacces WHERE id = %s", [recente.pk])
    assert entrees(pk=recente.pk).exists()


# --- Two roles: the application may only insert into the trail (reussite/core/privileges.py) ---


def _roles() -> tuple[str, str]:
    identifiants = proprietaire()
    assert identifiants is not None, (
        "the tests run with two database roles: set DATABASE_OWNER_URL (make test does)"
    )
    with connections[ALIAS].cursor() as curseur:
        curseur.execute("SELECT current_user")
        application = curseur.fetchone()[0]
    assert application == role_application() != identifiants["USER"]
    return application, identifiants["USER"]


def _refus(alias: str, sql: str, params=(), *, motif: str = "permission denied|must be owner"):
    with (
        pytest.raises(DatabaseError, match=motif),
        transaction.atomic(using=alias),
        connections[alias].cursor() as curseur,
    ):
        curseur.execute(sql, params)


@pytest.mark.django_db(transaction=True)
def test_le_role_de_l_application_ne_peut_rien_faire_au_journal_qu_ajouter_et_lire():
    application, proprio = _roles()
    table = TraceAcces._meta.db_table
    ancienne = TraceAcces.objects.using(ALIAS).create(
        evenement=Evenement.LECTURE, autorise=True, le=timezone.now() - timedelta(days=800)
    )
    recente = TraceAcces.objects.using(ALIAS).create(evenement=Evenement.LECTURE, autorise=True)

    for alias in ("default", ALIAS):
        for sql in (
            f"UPDATE {table} SET autorise = false",  # noqa: S608
            f"DELETE FROM {table}",  # noqa: S608
            f"TRUNCATE {table}",
            f"ALTER TABLE {table} DISABLE TRIGGER core_traceacces_immuable",
            f"ALTER TABLE {table} DISABLE TRIGGER ALL",
            f"DROP TRIGGER core_traceacces_immuable ON {table}",
            f"ALTER TABLE {table} OWNER TO {application}",
            f"CREATE RULE sans_trace AS ON INSERT TO {table} DO INSTEAD NOTHING",
            f"DROP TABLE {table}",
            "CREATE OR REPLACE FUNCTION core_traceacces_immuable() RETURNS trigger "
            "AS $$ BEGIN RETURN OLD; END $$ LANGUAGE plpgsql",
            "ALTER FUNCTION core_traceacces_purger(timestamptz) SECURITY INVOKER",
            "CREATE OR REPLACE FUNCTION core_traceacces_purger(avant timestamptz) "
            "RETURNS bigint AS $$ SELECT 0::bigint $$ LANGUAGE sql",
            f"SET ROLE {proprio}",
            # Triggers are skipped for replication only, a right of superusers.
            "SET session_replication_role = replica",
        ):
            _refus(alias, sql)
        # The purge switch, set by the application itself, opens nothing: no DELETE right.
        _refus(
            alias,
            f"SET LOCAL reussite.purge_trace = 'on'; DELETE FROM {table}",  # noqa: S608
        )
        # Too recent a cut-off: the owner's function itself refuses, whatever the caller passed.
        for jours in (0, 30, 182):
            _refus(
                alias,
                "SELECT core_traceacces_purger(now() - make_interval(days => %s))",
                [jours],
                motif="keeps at least 183 days",
            )
        _refus(alias, "SELECT core_traceacces_purger(NULL)", motif="keeps at least 183 days")

    assert {e.pk: (e.autorise, e.le) for e in entrees()} == {
        ancienne.pk: (True, ancienne.le),
        recente.pk: (True, recente.le),
    }
    # The purge, called by the application role, deletes the old entry and only it.
    assert trace_purger(avant=timezone.now() - timedelta(days=365)) == 1
    assert list(entrees().values_list("pk", flat=True)) == [recente.pk]


@pytest.mark.django_db(transaction=True)
def test_le_role_de_l_application_n_appelle_aucune_fonction_du_proprietaire_sauf_la_purge():
    """No other function runs with another role's rights (SECURITY DEFINER) for the application,
    and it may call the purge only because the owner granted it by name."""
    _application, proprio = _roles()
    with connections[ALIAS].cursor() as curseur:
        curseur.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND has_function_privilege(current_user, p.oid, 'EXECUTE')"
        )
        executables = {ligne[0] for ligne in curseur.fetchall()}
        curseur.execute(
            "SELECT pg_get_userbyid(proowner), proacl::text[] FROM pg_proc "
            "WHERE oid = 'core_traceacces_purger(timestamptz)'::regprocedure"
        )
        possesseur, acl = curseur.fetchone()
        curseur.execute(
            "SELECT pg_get_userbyid(relowner), "
            "has_table_privilege(current_user, oid, 'INSERT'), "
            "has_table_privilege(current_user, oid, 'SELECT'), "
            "has_table_privilege(current_user, oid, 'UPDATE'), "
            "has_table_privilege(current_user, oid, 'DELETE'), "
            "has_table_privilege(current_user, oid, 'TRUNCATE'), "
            "has_table_privilege(current_user, oid, 'TRIGGER'), "
            "has_table_privilege(current_user, oid, 'REFERENCES') "
            "FROM pg_class WHERE oid = 'core_traceacces'::regclass"
        )
        table = curseur.fetchone()
        curseur.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication "
            "FROM pg_roles WHERE rolname = current_user"
        )
        attributs = curseur.fetchone()
        curseur.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", [proprio])
        membre = curseur.fetchone()[0]
        # Every table but the trail stays fully usable by the application.
        curseur.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' "
            "AND c.relname <> 'core_traceacces' AND NOT ("
            "has_table_privilege(current_user, c.oid, 'SELECT, INSERT, UPDATE, DELETE'))"
        )
        sans_droits = curseur.fetchall()

    assert executables == {"core_traceacces_purger(timestamp with time zone)"}
    assert possesseur == proprio
    # EXECUTE for the owner and the application role, not PUBLIC (no "=X/" entry).
    assert not any(entree.startswith("=") for entree in acl), acl
    assert table == (proprio, True, True, False, False, False, False, False)
    assert attributs == (False, False, False, False, False)
    assert not membre
    assert sans_droits == []


@pytest.mark.django_db(transaction=True)
def test_chaque_migrate_accorde_a_l_application_les_tables_ajoutees_depuis():
    """The rights are granted after every migrate, not once: a table that a later migration adds
    is usable by the application role as soon as that migrate ends."""
    _roles()
    with connexion_proprietaire("default"):
        with connections["default"].cursor() as curseur:
            curseur.execute("CREATE TABLE core_ajoutee_plus_tard (id bigint PRIMARY KEY)")
        try:
            _refus(ALIAS, "INSERT INTO core_ajoutee_plus_tard VALUES (1)")
            call_command("migrate", verbosity=0)  # nothing to apply; post_migrate still runs
            with connections[ALIAS].cursor() as curseur:
                curseur.execute("INSERT INTO core_ajoutee_plus_tard VALUES (1)")
                curseur.execute("DELETE FROM core_ajoutee_plus_tard")
                assert curseur.rowcount == 1
        finally:
            with connections["default"].cursor() as curseur:
                curseur.execute("DROP TABLE core_ajoutee_plus_tard")


@pytest.mark.django_db(transaction=True)
def test_meme_le_proprietaire_ne_supprime_pas_d_entree_recente_avec_l_interrupteur():
    """The trigger refuses deleting an entry younger than the minimal retention even to the
    owner with the purge switch on: only disabling the trigger, an owner's act, would."""
    _roles()
    recente = TraceAcces.objects.using(ALIAS).create(
        evenement=Evenement.LECTURE, autorise=True, le=timezone.now() - timedelta(days=100)
    )
    with (
        connexion_proprietaire(ALIAS),
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(using=ALIAS),
        connections[ALIAS].cursor() as curseur,
    ):
        curseur.execute("SELECT current_user")
        assert curseur.fetchone()[0] != role_application()
        curseur.execute("SET LOCAL reussite.purge_trace = 'on'")
        curseur.execute("DELETE FROM core_traceacces WHERE id = %s", [recente.pk])
    assert entrees(pk=recente.pk).exists()


# --- Who consulted this file, and never the content -------------------------------------------


def test_le_coordinateur_voit_qui_a_consulte_le_dossier_et_pas_le_partenaire(client, monde):
    url = reverse("parcours:historique", args=[monde.p.pk])
    connecter(client, monde.intervenant.user).get(url)

    page_referent = connecter(client, monde.referent.user).get(url)
    assert page_referent.status_code == 200
    assert "Qui a consulté ce dossier" not in page_referent.content.decode()
    assert "consultations" not in page_referent.context

    page = connecter(client, monde.coordinateur).get(url)
    contenu = page.content.decode()
    assert "Qui a consulté ce dossier" in contenu
    # « Prénom NOM » (issue 15, point 19): the family name is marked up for its capitals.
    lecteurs = {nom_complet(monde.intervenant.user), nom_complet(monde.referent.user)}
    assert all(lecteur in contenu for lecteur in lecteurs)
    qui = {entree["qui"] for entree in page.context["consultations"]}
    assert lecteurs <= qui


def test_le_journal_ne_contient_jamais_le_contenu(client, monde):
    url = reverse("parcours:detail", args=[monde.p.pk])
    connecter(client, monde.coordinateur).get(url, {"q": NOM})
    client.post(
        reverse("parcours:modifier_enfant", args=[monde.p.pk]),
        {"enfant-nom": NOM, "enfant-prenom": PRENOM, "enfant-commentaire": NOM},
    )
    connecter(client, monde.intervenant.user).get(url + f"?nom={NOM}")
    client.post(reverse("parcours:modifier", args=[monde.p.pk]), {"parcours-referent": NOM})
    c = monde.p.consentements.get()
    scan = connecter(client, monde.referent.user).get(
        reverse("parcours:consentement_fichier", args=[monde.p.pk, c.pk])
    )
    # Consuming a streaming response lets the test client close it as a WSGI server would.
    assert b"".join(scan.streaming_content).startswith(b"\x89PNG")
    assert entrees().count() >= 5

    champs_texte = [
        f.name
        for f in TraceAcces._meta.get_fields()
        if f.get_internal_type() in ("CharField", "TextField", "GenericIPAddressField")
    ]
    for valeurs in entrees().values(*champs_texte):
        for champ, valeur in valeurs.items():
            texte = str(valeur or "")
            assert NOM not in texte and PRENOM not in texte, (champ, texte)


def test_le_journal_n_a_aucune_colonne_de_contenu():
    """A new column on the trail must be reviewed here: the trail records who, when, what,
    never the content (rule 3)."""
    assert {f.name for f in TraceAcces._meta.concrete_fields} == {
        "id",
        "le",
        "user_id",
        "evenement",
        "autorise",
        "content_type",
        "object_id",
        "programme_id",
        "page",
        "methode",
        "ip",
        "identifiant",
    }


@pytest.mark.django_db
def test_aucun_objet_de_la_base_ne_porte_plus_le_nom_journal_de_la_trace():
    """The trail was renamed (migration core 0016): its indexes, constraints, sequence, trigger
    and functions follow, and the trigger still fires the function that names the new table."""
    with connections[ALIAS].cursor() as curseur:
        curseur.execute(
            "SELECT relname FROM pg_class WHERE relname LIKE '%%journalacces%%' "
            "UNION ALL SELECT conname FROM pg_constraint WHERE conname LIKE '%%journalacces%%' "
            "UNION ALL SELECT tgname FROM pg_trigger WHERE tgname LIKE '%%journalacces%%' "
            "UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE '%%journalacces%%' "
            "OR prosrc LIKE '%%journalacces%%' OR prosrc LIKE '%%purge_journal%%'"
        )
        restes = curseur.fetchall()
        curseur.execute(
            "SELECT t.tgname, p.proname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgrelid = 'core_traceacces'::regclass AND NOT t.tgisinternal"
        )
        declencheurs = curseur.fetchall()
    assert restes == []
    assert declencheurs == [("core_traceacces_immuable", "core_traceacces_immuable")]
