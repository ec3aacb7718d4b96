"""Page objects of the school-transition journey (issue 21): the coordination's list of the
children changing school level, a child's checklist, the hand-over sheet download."""

import re

from playwright.sync_api import expect

from .pages import PageReussite, libelle


class PageTransitions(PageReussite):
    titre = re.compile(r"^Passages à la rentrée de septembre \d{4}$")
    etape = "passages à la rentrée"
    chemin = "/parcours/transitions/"

    @classmethod
    def depuis(cls, depart: PageReussite) -> "PageTransitions":
        depart.page.get_by_role("link", name="Passages à la rentrée").click()
        return depart._vers(cls)

    @property
    def lignes(self):
        return self.page.locator("#transitions tbody tr")

    def filtrer(self, passage: str) -> "PageTransitions":
        self.page.get_by_label(libelle("Passage")).select_option(label=passage)
        self.page.get_by_role("button", name="Filtrer").click()
        return self._vers(PageTransitions, "passages filtrés")

    def ligne(self, nom: str):
        return self.lignes.filter(has_text=nom)

    def ouvrir_liste_de(self, nom: str) -> "PageTransition":
        self.ligne(nom).get_by_role("link").click()
        return self._vers(PageTransition)


class PageTransition(PageReussite):
    titre = re.compile(r"^Passage à la rentrée \d{4} — .+$")
    etape = "liste de passage"

    def _champ(self, nom: str):
        return self.page.get_by_label(libelle(nom))

    @property
    def fiche_indisponible(self):
        """Said instead of the download while the family has not agreed."""
        return self.page.locator("#fiche-indisponible")

    @property
    def etapes(self):
        return self.page.locator("#etapes-transition")

    def saisir_etablissement(self, etablissement: str, referent: str, contact_le: str):
        """Keyboard only: focus the first field, type, Tab to the next; the date with fill(),
        since typing into a date input depends on the browser's locale."""
        self._champ("Établissement d’accueil").focus()
        self._taper_puis_tab(self._champ("Établissement d’accueil"), etablissement)
        self._taper_puis_tab(self._champ("Référent de l’établissement d’accueil"), referent)
        expect(self._champ("Contact pris avec ce référent le")).to_be_focused()
        self._champ("Contact pris avec ce référent le").fill(contact_le)
        return self

    def noter_accord(self, elements: list[str], le: str):
        """Tick what the family agrees to pass on with Space, then date its agreement."""
        for element in elements:
            case = self.page.get_by_role("checkbox", name=element)
            case.focus()
            self.page.keyboard.press("Space")
            expect(case).to_be_checked()
        self._champ("Fiche vue avec la famille, accord donné le").fill(le)
        return self

    def enregistrer(self, etape: str) -> "PageTransition":
        bouton = self.page.get_by_role("button", name="Enregistrer la liste de passage")
        bouton.focus()
        self.page.keyboard.press("Enter")
        return self._vers(PageTransition, etape)

    def telecharger_fiche(self):
        with self.page.expect_download() as telechargement:
            self.page.get_by_role("link", name="Télécharger la fiche de liaison (PDF)").click()
        return telechargement.value
