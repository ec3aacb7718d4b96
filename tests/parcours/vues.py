"""The world of the pathway pages tests and the helpers that read forms as a browser submits
them (tests/parcours/test_parcours_views.py, test_parcours_formulaires.py, and other flows)."""

from dataclasses import dataclass
from html.parser import HTMLParser

from django.urls import reverse
from django.utils import timezone

from parcours.models import Parcours, Statut
from partenaires.models import Professionnel, Structure
from reussite.core.models import Programme, User
from tests.factories.core import ProgrammeFactory, coordinateur
from tests.factories.parcours import ParcoursFactory
from tests.factories.partage import ajouter_intervenant
from tests.factories.partenaires import ProfessionnelFactory, StructureFactory, structure_porteuse

AUJOURD_HUI = timezone.localdate()  # the programme's day (Europe/Paris), not the machine's


# --- The world every authorization test starts from ----------------------------------------------


@dataclass
class Monde:
    programme: Programme
    coordinateur: User
    referent: Professionnel  # employed by the structure porteuse: the PRE team
    partenaire: Professionnel  # employed by a partner structure
    intervenant: Professionnel  # same partner structure, intervenant on parcours_partage
    non_assigne: Professionnel  # same partner structure, assigned to nothing
    ecole: Structure
    parcours: Parcours  # référent: the PRE team's référent; "repérage", no consent
    # référent: the partner; valid consent naming the partner's structure; "en cours"
    parcours_partage: Parcours
    parcours_sans_consentement: Parcours  # référent: the partner; no consent yet
    autre_coordinateur: User
    autre_parcours: Parcours  # in the other programme


def construire_monde() -> Monde:
    """The association signed the charter and its professionals accepted it (the factories'
    default): what opens a pathway to them is the assignment and a consent naming it."""
    programme = ProgrammeFactory(nom="PRE de Villeneuve")
    association = StructureFactory(programmes=[programme], nom="Association Coup de pouce")
    referent = ProfessionnelFactory(structure=structure_porteuse(programme))
    partenaire = ProfessionnelFactory(structure=association)
    intervenant = ProfessionnelFactory(structure=association)
    autre_programme = ProgrammeFactory(nom="PRE de Saint-Martin")
    le_coordinateur = coordinateur(programme)
    parcours_partage = ParcoursFactory(
        programme=programme,
        referent=partenaire,
        en_cours=True,
        avec_consentement=True,
        avec_consentement__structures=[association],
        enfant__nom="Carpentier-Ndiaye",
    )
    ajouter_intervenant(parcours_partage, intervenant, auteur=le_coordinateur)
    parcours_partage.refresh_from_db()
    return Monde(
        programme=programme,
        coordinateur=le_coordinateur,
        referent=referent,
        partenaire=partenaire,
        intervenant=intervenant,
        non_assigne=ProfessionnelFactory(structure=association),
        ecole=StructureFactory(programmes=[programme], ecole=True),
        parcours=ParcoursFactory(
            programme=programme,
            referent=referent,
            enfant__nom="Vasseur-Lopez",
            enfant__prenom="Inès-Lou",
        ),
        parcours_partage=parcours_partage,
        parcours_sans_consentement=ParcoursFactory(
            programme=programme,
            referent=partenaire,
            statut=Statut.EN_ATTENTE_CONSENTEMENT,
            enfant__nom="Ferrand-Bakari",
        ),
        autre_coordinateur=coordinateur(autre_programme),
        autre_parcours=ParcoursFactory(programme=autre_programme, enfant__nom="Delmas-Oyono"),
    )


def u(nom: str, parcours: Parcours | None = None) -> str:
    return reverse(nom, args=[parcours.pk] if parcours is not None else None)


# --- Reading helpers: forms as a browser submits them -------------------------------------------


class _LecteurDeFormulaires(HTMLParser):
    """Each <form>'s successful controls, as a browser submits them (Django always renders an
    option's value)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.formulaires, self._courant, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._courant = []
            self.formulaires.append(self._courant)
        elif self._courant is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in {"submit", "button"}:
            if a.get("type") not in {"checkbox", "radio"}:
                self._courant.append((a["name"], a.get("value") or ""))
            elif "checked" in a:
                self._courant.append((a["name"], a.get("value") or "on"))
        elif tag == "select":
            self._select = (a["name"], "multiple" in a, [])
        elif tag == "option" and self._select is not None:
            self._select[2].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._courant = None
        elif tag == "textarea" and self._textarea is not None:
            self._courant.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            nom, multiple, options = self._select
            choisies = [v for v, choisie in options if choisie]
            if not choisies and options and not multiple:
                choisies = [options[0][0]]
            self._courant.extend((nom, v) for v in choisies)
            self._select = None


def formulaire(reponse, champ: str) -> dict[str, list[str]]:
    """What the browser would post from the page's form that holds the control `champ`."""
    lecteur = _LecteurDeFormulaires()
    lecteur.feed(reponse.content.decode())
    for controles in lecteur.formulaires:
        if any(nom == champ for nom, _ in controles):
            donnees: dict[str, list[str]] = {}
            for nom, valeur in controles:
                donnees.setdefault(nom, []).append(valeur)
            donnees.pop("csrfmiddlewaretoken", None)
            return donnees
    raise AssertionError(f"No form with a control named {champ!r}")


def saisir(donnees: dict, **valeurs) -> dict:
    """Type into a parsed form: keyword `enfant__nom` stands for the control `enfant-nom`;
    a list types several values, None empties the control."""
    for cle, valeur in valeurs.items():
        liste = valeur if isinstance(valeur, list) else [] if valeur is None else [valeur]
        donnees[cle.replace("__", "-")] = [str(v) for v in liste]
    return donnees


SECTIONS = {
    "parcours:detail",
    "parcours:objectifs",
    "parcours:journal",
    "parcours:partage",
    "parcours:historique",
}
# The access trail's own connection: each section writes this read's entry, and the history
# lists "who consulted this file"; lists and the dashboard write nothing.
REQUETES_JOURNAL = {"parcours:liste": 0, "accueil": 0} | dict.fromkeys(SECTIONS, 1)
REQUETES_JOURNAL["parcours:historique"] = 2
