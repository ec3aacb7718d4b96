"""Page objects of the siblings' journey (issue 15, point 18): the family's page and the form
that adds a child to it."""

import re
from datetime import date

from playwright.sync_api import Locator, expect

from .pages import PageParcours, PageReussite, libelle


class PageParcoursFamille(PageParcours):
    """The pathway's page, seen from its family section."""

    def ajouter_un_enfant_a_la_famille(self) -> "PageAjoutEnfant":
        self.page.get_by_role("link", name="Ajouter un enfant à cette famille").click()
        return self._vers(PageAjoutEnfant)

    def voir_la_famille(self) -> "PageFamille":
        self.page.get_by_role("link", name="Voir la famille").click()
        return self._vers(PageFamille)


class PageAjoutEnfant(PageReussite):
    titre = "Ajouter un enfant à la famille"
    etape = "ajouter un enfant à la famille"

    @property
    def _enfant(self) -> Locator:
        return self.page.get_by_role("group", name="L’enfant", exact=True)

    @property
    def _parcours(self) -> Locator:
        return self.page.get_by_role("group", name="Le parcours", exact=True)

    def champ_enfant(self, nom: str) -> Locator:
        return self._enfant.get_by_label(libelle(nom))

    def saisir_enfant(self, prenom: str, date_naissance: date, sexe: str) -> "PageAjoutEnfant":
        """Keyboard from the family name (prefilled) to the first name and the date; the date
        with fill(), since typing into a date input depends on the browser's locale."""
        self.champ_enfant("Nom").focus()
        self.page.keyboard.press("Tab")
        expect(self.champ_enfant("Prénom")).to_be_focused()
        self.page.keyboard.type(prenom)
        self.page.keyboard.press("Tab")
        expect(self.champ_enfant("Date de naissance")).to_be_focused()
        self.champ_enfant("Date de naissance").fill(date_naissance.isoformat())
        # Tab walks the date's day, month and year first: focus the first radio, as a user
        # who has left the date would; Space selects it, arrows move on.
        groupe = self._enfant.get_by_role("group", name=libelle("Sexe"))
        groupe.get_by_role("radio").first.focus()
        self.page.keyboard.press("Space")
        cible = groupe.get_by_role("radio", name=sexe, exact=True)
        for _ in range(groupe.get_by_role("radio").count()):
            if cible.is_checked():
                break
            self.page.keyboard.press("ArrowDown")
        expect(cible).to_be_checked()
        return self

    def saisir_parcours(self, orienteur: str, motif: str) -> "PageAjoutEnfant":
        """« Orienté par » with the keyboard (a select takes its option by typed letters), the
        motive with Space on its focused checkbox."""
        liste = self._parcours.get_by_label(libelle("Orienté par"))
        liste.focus()
        liste.select_option(label=orienteur)
        motifs = self._parcours.get_by_role("group", name=libelle("Motifs d’orientation"))
        case = motifs.get_by_role("checkbox", name=motif, exact=True)
        case.focus()
        self.page.keyboard.press("Space")
        expect(case).to_be_checked()
        return self

    def creer(self, nom_affiche: str) -> PageParcoursFamille:
        """Enter on the focused submit button."""
        self.page.get_by_role("button", name="Créer le parcours").last.focus()
        self.page.keyboard.press("Enter")
        return PageParcoursFamille.atteinte(self, nom_affiche, "enfant ajouté à la famille")


class PageFamille(PageReussite):
    titre = re.compile(r"^Famille de ")
    etape = "page de la famille"

    @property
    def enfants(self) -> Locator:
        return self.page.locator("#enfants-de-la-famille tbody tr")
