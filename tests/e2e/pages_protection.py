"""Page objects of the data-protection pages: the pathway's history of changes and the
right-of-access downloads from the pathway page."""

from playwright.sync_api import Locator

from .pages import PageParcours, PageReussite


class PageHistoriqueModifications(PageReussite):
    titre = "Historique des modifications"
    etape = "historique des modifications"

    @classmethod
    def depuis(cls, fiche: PageParcours) -> "PageHistoriqueModifications":
        fiche.onglet("Historique")
        fiche.page.get_by_role("link", name="Historique des modifications").click()
        return fiche._vers(cls)

    @property
    def lignes(self) -> Locator:
        return self.page.locator("#historique-modifications tbody tr")

    def retour_au_parcours(self, nom_affiche: str) -> PageParcours:
        self.page.get_by_role("link", name="Retour au parcours").click()
        return PageParcours.atteinte(self, nom_affiche, "fiche parcours après l’historique")


def telecharger_droit_acces(fiche: PageParcours, format_: str):
    """Click the right-of-access download (« PDF » or « JSON ») and return the download."""
    fiche.onglet("Historique")
    with fiche.page.expect_download() as telechargement:
        fiche.page.get_by_role("link", name=f"Droit d’accès ({format_})").click()
    return telechargement.value
