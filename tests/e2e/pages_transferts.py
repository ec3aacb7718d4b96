"""Page objects of the transfer journey: proposing from a pathway, answering a transfer."""

import re

from playwright.sync_api import Locator, expect

from .pages import PageParcours, PageReussite, libelle


class PageParcoursTransfert(PageParcours):
    """The pathway's page, where a transfer starts and where it leaves its trace."""

    def proposer_un_transfert(self) -> "PageProposerTransfert":
        self.page.get_by_role("link", name="La famille déménage : proposer un transfert").click()
        return self._vers(PageProposerTransfert)

    @property
    def transfert_entrant(self) -> Locator:
        return self.page.locator("#transfert-entrant")

    @property
    def transfert_sortant(self) -> Locator:
        return self.page.locator("#transfert-sortant")


class PageProposerTransfert(PageReussite):
    titre = "Proposer un transfert vers un autre programme"
    etape = "proposer un transfert"

    def chercher(self, terme: str) -> "PageProposerTransfert":
        """Keyboard only: type into the search field, Enter sends the search (no script)."""
        champ = self.page.get_by_role(
            "searchbox", name=libelle("Nom, commune ou territoire du programme")
        )
        champ.focus()
        self.page.keyboard.type(terme)
        self.page.keyboard.press("Enter")
        return self._vers(PageProposerTransfert, "programmes trouvés")

    @property
    def destinations(self) -> Locator:
        """The programmes the destination select offers (the empty choice aside)."""
        return self.page.get_by_label(libelle("Programme qui accueillera la famille")).locator(
            "option:not([value=''])"
        )

    @property
    def resultat_recherche(self) -> Locator:
        return self.page.locator("#destinations-trouvees")

    def proposer(self, programme: str) -> "PageTransfert":
        self.page.get_by_label(libelle("Programme qui accueillera la famille")).select_option(
            label=programme
        )
        bouton = self.page.get_by_role("button", name="Proposer le transfert")
        bouton.focus()
        self.page.keyboard.press("Enter")
        return self._vers(PageTransfert, "transfert proposé")


class PageTransfert(PageReussite):
    titre = re.compile(r"^Transfert n° \d+$")
    etape = "transfert"

    def accepter(self) -> "PageTransfert":
        bouton = self.page.get_by_role("radio", name="Accepter : accueillir l’enfant")
        bouton.focus()
        self.page.keyboard.press("Space")
        expect(bouton).to_be_checked()
        self.page.get_by_role("button", name="Enregistrer la réponse").click()
        return self._vers(PageTransfert, "transfert accepté")

    def ouvrir_le_parcours_accueilli(self, prenom: str) -> PageParcoursTransfert:
        self.page.get_by_role("link", name="Le parcours ouvert dans votre programme").click()
        return PageParcoursTransfert.atteinte(self, re.compile(prenom), "parcours arrivé")
