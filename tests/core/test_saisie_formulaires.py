"""Bad input in every form of the site (issue 15, point 9).

The forms are not listed by hand: each user of a small world walks the site from its lists,
following its links, and every <form> met on a page is submitted as the browser would send it,
with one <select> at a time set to a value that is not among its options (« abc »). The answer
is a form error (or a 400/404 when the view reads the value as a path to something), never a 500:
dependent choices are computed from validated values only.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from parcours.services import ordre_du_jour_proposer, reunion_planifier
from reussite.core.models import Role
from reussite.core.services import role_attribuer
from tests.acces.balayage import ROUTES, client_de
from tests.acces.monde import construire_monde
from tests.factories import actions as fabrique_actions
from tests.factories.core import UserFactory

pytestmark = pytest.mark.django_db

INVALIDE = "abc"

# Pages that are not HTML forms to walk: files, logout, and what leaves the product.
NON_PARCOURUES = {
    "logout",
    "oidc_authentication_init",
    "oidc_authentication_callback",
}
SUFFIXES_FICHIERS = (".csv", ".xlsx", ".pdf", ".json")


@dataclass
class Champ:
    nom: str
    genre: str  # "select", "input:<type>", "textarea"
    valeurs: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Formulaire:
    action: str
    methode: str
    champs: list[Champ] = field(default_factory=list)

    def corps(self) -> dict[str, list[str]]:
        """What a browser sends when nobody touches the form and Enter is pressed."""
        donnees: dict[str, list[str]] = defaultdict(list)
        bouton = False
        for champ in self.champs:
            if champ.genre == "input:submit":
                if bouton:
                    continue
                bouton = True
            donnees[champ.nom] += champ.valeurs
        return dict(donnees)


class LecteurFormulaires(HTMLParser):
    """The links and forms of a page (fields, default values, options), as a browser reads them."""

    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.formulaires: list[Formulaire] = []
        self.liens: list[str] = []
        self._form: Formulaire | None = None
        self._select: Champ | None = None
        self._texte: Champ | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.liens.append(a["href"])
        elif tag == "form":
            methode = (a.get("method") or "get").lower()
            self._form = Formulaire(action=a.get("action") or self.url, methode=methode)
            self.formulaires.append(self._form)
        elif tag == "option" and self._select is not None:
            valeur = a.get("value") or ""
            self._select.options.append(valeur)
            if "selected" in a:
                self._select.valeurs.append(valeur)
        elif self._form is None or not a.get("name") or "disabled" in a:
            return
        elif tag == "input":
            genre = (a.get("type") or "text").lower()
            if genre in ("file", "reset", "image", "button"):
                return
            valeur = a.get("value") or ("on" if genre in ("checkbox", "radio") else "")
            coche = genre not in ("checkbox", "radio") or "checked" in a
            self._form.champs.append(Champ(a["name"], f"input:{genre}", [valeur] if coche else []))
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            self._form.champs.append(Champ(a["name"], "input:submit", [a.get("value") or ""]))
        elif tag == "select":
            self._select = Champ(a["name"], "select", multiple="multiple" in a)
            self._form.champs.append(self._select)
        elif tag == "textarea":
            self._texte = Champ(a["name"], "textarea", [""])
            self._form.champs.append(self._texte)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._texte is not None:
            self._texte.valeurs[0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if not self._select.valeurs and self._select.options and not self._select.multiple:
                self._select.valeurs = [self._select.options[0]]
            self._select = None
        elif tag == "textarea":
            self._texte = None


def _route(chemin: str) -> str | None:
    try:
        correspondance = resolve(chemin)
    except Resolver404:
        return None
    return correspondance.view_name


def _a_parcourir(chemin: str) -> bool:
    if not chemin.startswith("/") or chemin.startswith(("/admin/", "/static/", "/media/")):
        return False
    if chemin.endswith(SUFFIXES_FICHIERS) or "fichier" in chemin or "document/" in chemin:
        return False
    return _route(chemin) not in (None, *NON_PARCOURUES)


def parcourir(client: Client, depart: list[str], *, par_route: int = 1):
    """Walk the site from `depart` along its links (one page per URL name): yield each page's
    URL and its forms."""
    vues: dict[str, int] = defaultdict(int)
    a_voir = list(depart)
    deja = set()
    while a_voir:
        url = a_voir.pop(0)
        chemin = urlsplit(url).path
        nom = _route(chemin)
        if url in deja or not _a_parcourir(chemin) or vues[nom] >= par_route:
            continue
        deja.add(url)
        reponse = client.get(url)
        if reponse.status_code != 200 or "text/html" not in reponse.get("Content-Type", ""):
            continue
        vues[nom] += 1
        lecteur = LecteurFormulaires(url)
        lecteur.feed(reponse.content.decode())
        yield url, lecteur.formulaires
        for lien in lecteur.liens:
            morceaux = urlsplit(lien)
            if morceaux.netloc or not morceaux.path:
                continue
            a_voir.append(morceaux.path + (f"?{morceaux.query}" if morceaux.query else ""))


def _monde_complet():
    monde = construire_monde()
    admin = UserFactory()
    role_attribuer(user=admin, programme=monde.a.programme, role=Role.ADMINISTRATEUR)
    from partenaires import services as services_partenaires

    convention = services_partenaires.convention_creer(
        programme=monde.a.programme,
        auteur=admin,
        intitule="Convention de quartier",
        objet="Aide aux devoirs",
        date_debut=date.today() - timedelta(days=30),
        date_fin=date.today() + timedelta(days=300),
    )
    services_partenaires.partie_ajouter(convention=convention, structure=monde.structure)
    fabrique_actions.offre(monde.structure, monde.a.programme, intitule="Atelier cirque")
    reunion_planifier(
        programme=monde.a.programme,
        date_heure=timezone.now() + timedelta(days=3),
        lieu="Salle du conseil",
        invites=[monde.referent],
        parcours=ordre_du_jour_proposer(programme=monde.a.programme, le=date.today())
        or [monde.p.parcours],
        auteur=monde.a.coordinateur,
    )
    return monde, admin


def _depart() -> list[str]:
    return ["/"] + [
        reverse(route.nom)
        for route in ROUTES
        if not route.identifiants and route.nom and route.nom not in NON_PARCOURUES
    ]


def _a_une_erreur(reponse) -> bool:
    texte = reponse.content.decode()
    return any(
        marque in texte
        for marque in (
            "fr-error-text",
            "fr-message--error",
            "fr-alert--error",
            "fr-input-group--error",
        )
    )


@pytest.mark.lent  # a whole-site crawl of every form, two users (18 s on the 2-core machine)
def test_chaque_liste_de_choix_de_chaque_formulaire_refuse_une_valeur_qui_n_est_pas_un_choix():
    monde, admin = _monde_complet()
    problemes, essais, pages, vus = [], 0, set(), set()
    for user in (monde.a.coordinateur, admin):
        client = client_de(user)
        formulaires = {}
        for url, trouves in parcourir(client, _depart()):
            pages.add(_route(urlsplit(url).path))
            for formulaire in trouves:
                cle = (
                    _route(urlsplit(formulaire.action).path),
                    formulaire.methode,
                    tuple(sorted(c.nom for c in formulaire.champs)),
                )
                if cle not in vus:  # each form once, for the first user who can use it
                    vus.add(cle)
                    formulaires[cle] = formulaire
        for formulaire in formulaires.values():
            for select in [c for c in formulaire.champs if c.genre == "select"]:
                donnees = formulaire.corps() | {select.nom: [INVALIDE]}
                essais += 1
                if formulaire.methode == "get":
                    reponse = client.get(formulaire.action, donnees)
                    if reponse.status_code >= 500:
                        problemes.append((user.email, formulaire.action, select.nom, "GET", 500))
                    continue
                reponse = client.post(formulaire.action, donnees)
                statut = reponse.status_code
                if statut == 302:  # a one-field form next to a page: the error as a message
                    reponse = client.get(reponse["Location"])
                if statut in (400, 404) or (reponse.status_code == 200 and _a_une_erreur(reponse)):
                    continue
                problemes.append((user.email, formulaire.action, select.nom, "POST", statut))
    # The walk reaches the site's forms, the two that failed first among them.
    assert essais > 40, essais
    assert pages >= {
        "parcours:eps_planifier",
        "partenaires:offre_creer",
        "parcours:creer",
        "parcours:action_ajouter",
        "partenaires:convention_modifier",
        "programmes:parametres",
    }, sorted(filter(None, pages))
    assert not problemes, "\n".join(map(str, problemes))
