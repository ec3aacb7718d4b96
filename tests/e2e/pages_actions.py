"""Page objects of objectives and actions (kept apart from pages.py, which other flows edit)."""

import re

from playwright.sync_api import Locator, expect

from .pages import PageParcours, PageReussite, libelle


class PageParcoursActions(PageParcours):
    """The pathway page, seen from its "Objectifs et actions" section."""

    @property
    def section(self) -> Locator:
        self.onglet("Objectifs et actions")
        return self.page.get_by_role("region", name="Objectifs et actions")

    def ajouter_objectif(self) -> "PageObjectif":
        self.section.get_by_role("link", name="Ajouter un objectif").click()
        return self._vers(PageObjectif)

    def ajouter_depuis_le_catalogue(self) -> "PageCatalogue":
        self.section.get_by_role("link", name="Ajouter une action depuis le catalogue").click()
        return self._vers(PageCatalogue)

    def mettre_a_jour(self, intitule: str) -> "PageAction":
        self.section.get_by_role("link", name=f"Mettre à jour « {intitule} »").click()
        page = self._vers(PageAction, "suivi de l’action")
        page.nom_affiche = self.titre
        return page


class _FormulaireParcours(PageReussite):
    nom_affiche = ""

    def _retour(self, etape: str, message: str) -> PageParcoursActions:
        parcours = PageParcoursActions.atteinte(self, self.nom_affiche, etape)
        expect(self.messages).to_contain_text(message)
        return parcours


class PageObjectif(_FormulaireParcours):
    titre = "Ajouter un objectif"
    etape = "ajouter un objectif"

    def saisir_au_clavier(self, domaine: str, intitule: str) -> PageParcoursActions:
        """Keyboard only: the domain list has the focus after a click, letters choose an
        option, Tab moves to the objective's wording, Enter submits the form."""
        domaine_champ = self.page.get_by_label(libelle("Domaine"))
        domaine_champ.focus()
        domaine_champ.select_option(label=domaine)
        self.page.keyboard.press("Tab")
        champ = self.page.get_by_label(libelle("Objectif"))
        expect(champ).to_be_focused()
        self.page.keyboard.type(intitule)
        self.page.keyboard.press("Enter")
        return self._retour("objectif ajoute", "L’objectif a été ajouté.")


class PageCatalogue(PageReussite):
    titre = "Choisir une offre"
    etape = "catalogue du parcours"
    nom_affiche = ""

    @property
    def offres(self) -> Locator:
        return self.page.locator("#offres tbody tr")

    def ligne(self, intitule: str) -> Locator:
        return self.offres.filter(has_text=intitule)

    def choisir(self, intitule: str) -> "PageAction":
        self.page.get_by_role("link", name=f"Choisir « {intitule} »").click()
        page = self._vers(PageAction)
        page.nom_affiche = self.nom_affiche
        return page


class PageAction(_FormulaireParcours):
    titre = re.compile(r"^\s*(Ajouter une action|Modifier l’action|Suivre l’action)\s*$")
    etape = "ajouter une action"

    @property
    def alerte_capacite(self) -> Locator:
        return self.page.locator("#alerte-capacite")

    def champ(self, nom: str) -> Locator:
        return self.page.get_by_label(libelle(nom))

    def confirmer_la_capacite_au_clavier(self) -> "PageAction":
        case = self.page.get_by_role("checkbox", name=re.compile("ajouter quand même"))
        # A DSFR checkbox: the label lies over the input; the keyboard works.
        case.focus()
        self.page.keyboard.press("Space")
        expect(case).to_be_checked()
        return self

    def enregistrer(self, etape: str) -> PageParcoursActions:
        self.page.get_by_role("button", name="Enregistrer l’action").click()
        return self._retour(etape, "L’action a été")

    def enregistrer_sans_confirmer(self) -> "PageAction":
        self.page.get_by_role("button", name="Enregistrer l’action").click()
        return self.verifier("offre complete non confirmee")


class PageActionsCollectives(PageReussite):
    titre = "Actions collectives"
    etape = "actions collectives"
    chemin = "/parcours/collectives/"

    def nouvelle(self) -> "PageNouvelleCollective":
        self.page.get_by_role("link", name="Nouvelle action collective").click()
        return self._vers(PageNouvelleCollective)


class PageNouvelleCollective(PageReussite):
    titre = "Nouvelle action collective"
    etape = "nouvelle action collective"

    def creer(self, intitule: str, structure: str, lieu: str, debut) -> "PageCollective":
        self.page.get_by_label(libelle("Intitulé")).fill(intitule)
        self.page.get_by_label(libelle("Structure qui la réalise")).select_option(label=structure)
        self.page.get_by_label(libelle("Lieu")).fill(lieu)
        self.page.get_by_label(libelle("Début")).fill(debut.isoformat())
        self.page.get_by_role("button", name="Créer l’action collective").click()
        page = PageCollective(self.page, self.serveur, self.controle)
        page.titre = intitule
        return page.verifier("action collective creee")


class PageCollective(PageReussite):
    etape = "action collective"

    @property
    def participants(self) -> Locator:
        return self.page.locator("#participants li")

    def inscrire(self, enfant: str) -> "PageCollective":
        self.page.get_by_label(libelle("Enfant")).select_option(label=enfant)
        self.page.get_by_role("button", name="Inscrire l’enfant").click()
        expect(self.messages).to_contain_text("L’enfant participe à l’action collective.")
        return self.verifier(f"inscription {enfant}")
