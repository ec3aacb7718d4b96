"""Page objects of the referral journeys: the partner's form and list, the coordination's
inbox, and a referral's page (seen by either)."""

import re

from playwright.sync_api import Locator, expect

from .pages import PageParcours, PageReussite, libelle


def _menu(page):
    return page.get_by_role("navigation", name="Menu principal")


class PageMesOrientations(PageReussite):
    titre = "Mes orientations"
    etape = "mes orientations"
    chemin = "/parcours/orientations/envoyees/"

    @classmethod
    def depuis_le_menu(cls, depuis: PageReussite) -> "PageMesOrientations":
        _menu(depuis.page).get_by_role("link", name="Orientations").click()
        return depuis._vers(cls)

    def orienter(self) -> "PageNouvelleOrientation":
        self.page.get_by_role("link", name="Orienter un enfant").click()
        return self._vers(PageNouvelleOrientation)

    def ligne(self, enfant: str) -> Locator:
        return self.page.get_by_role("row").filter(has_text=enfant)

    def ouvrir(self, enfant: str) -> "PageOrientation":
        self.page.get_by_role("link", name=enfant).click()
        return PageOrientation.atteinte(self, "orientation vue par l’orienteur")


class PageNouvelleOrientation(PageReussite):
    titre = "Orienter un enfant vers le PRE"
    etape = "nouvelle orientation"
    chemin = "/parcours/orientations/nouvelle/"

    def saisir_au_clavier(self, champs: list[tuple[str, str]]) -> "PageNouvelleOrientation":
        """Each (label, text): the first field is focused by a click, the following ones are
        reached with Tab, as a keyboard user fills the form."""
        premier = True
        for etiquette, texte in champs:
            champ = self.page.get_by_label(libelle(etiquette))
            if premier:
                champ.focus()
                premier = False
            self._taper_puis_tab(champ, texte)
        return self

    def saisir_date(self, etiquette: str, le) -> "PageNouvelleOrientation":
        """With fill(): typing into a date input depends on the browser's locale."""
        self.page.get_by_label(etiquette).fill(le.isoformat())
        return self

    def choisir(self, etiquette: str, option: str) -> "PageNouvelleOrientation":
        self.page.get_by_label(libelle(etiquette)).select_option(label=option)
        return self

    def cocher(self, *etiquettes: str) -> "PageNouvelleOrientation":
        """DSFR boxes: their label covers them; a keyboard user focuses and presses Space."""
        for etiquette in etiquettes:
            case = self.page.get_by_role("checkbox", name=etiquette, exact=True)
            case.focus()
            self.page.keyboard.press("Space")
            expect(case).to_be_checked()
        return self

    def choisir_bouton_radio(self, etiquette: str) -> "PageNouvelleOrientation":
        bouton = self.page.get_by_role("radio", name=etiquette, exact=True)
        bouton.focus()
        self.page.keyboard.press("Space")
        expect(bouton).to_be_checked()
        return self

    def envoyer(self) -> "PageOrientation":
        bouton = self.page.get_by_role("button", name="Envoyer l’orientation")
        bouton.focus()
        self.page.keyboard.press("Enter")
        return PageOrientation.atteinte(self, "orientation envoyée")


class PageOrientation(PageReussite):
    titre = ""
    etape = "orientation"

    @classmethod
    def atteinte(cls, depuis: PageReussite, etape: str) -> "PageOrientation":
        page = cls(depuis.page, depuis.serveur, depuis.controle)
        expect(page.page.get_by_role("heading", level=1)).to_contain_text("Orientation n°")
        page.controle.page_verifiee(etape)
        return page

    @property
    def entete(self) -> Locator:
        return self.page.locator("main")

    def recharger(self, etape: str) -> "PageOrientation":
        """Read again, as the other side of the thread has written meanwhile."""
        self.page.reload()
        return PageOrientation.atteinte(self, etape)

    def ouvrir_le_parcours(self, prenom: str, etape: str) -> PageParcours:
        lien = "Ouvrir le parcours créé à partir de cette orientation"
        self.page.get_by_role("link", name=lien).click()
        return PageParcours.atteinte(self, re.compile(prenom), etape)

    def decider(self, decision: str, etape: str, **champs: str) -> "PageOrientation":
        bouton = self.page.get_by_role("radio", name=decision, exact=True)
        bouton.focus()
        self.page.keyboard.press("Space")
        expect(bouton).to_be_checked()
        for etiquette, texte in champs.items():
            self.page.get_by_label(libelle(etiquette)).fill(texte)
        self.page.get_by_role("button", name="Enregistrer la décision").click()
        return PageOrientation.atteinte(self, etape)

    def repondre(self, texte: str) -> "PageOrientation":
        champ = self.page.get_by_label(libelle("Votre réponse"))
        champ.focus()
        self.page.keyboard.type(texte)
        self.page.keyboard.press("Tab")
        expect(self.page.get_by_role("button", name="Envoyer ma réponse")).to_be_focused()
        self.page.keyboard.press("Enter")
        return PageOrientation.atteinte(self, "réponse envoyée")


class PageOrientationsRecues(PageReussite):
    titre = "Orientations reçues"
    etape = "orientations reçues"
    chemin = "/parcours/orientations/"

    @classmethod
    def depuis_le_menu(cls, depuis: PageReussite) -> "PageOrientationsRecues":
        _menu(depuis.page).get_by_role("link", name="Orientations").click()
        return depuis._vers(cls)

    def ligne(self, enfant: str) -> Locator:
        return self.page.get_by_role("row").filter(has_text=enfant)

    def ouvrir(self, enfant: str) -> PageOrientation:
        self.page.get_by_role("link", name=enfant).click()
        return PageOrientation.atteinte(self, "orientation vue par la coordination")
