"""Page object for the statistics page."""

import re

from playwright.sync_api import expect

from .pages import PageReussite


class PageStatistiques(PageReussite):
    titre = "Statistiques"
    etape = "statistiques"
    chemin = "/parcours/statistiques/"

    @classmethod
    def depuis_le_menu(cls, depart: PageReussite) -> "PageStatistiques":
        menu = depart.page.get_by_role("navigation", name="Menu principal")
        menu.get_by_role("link", name="Statistiques", exact=True).click()
        return depart._vers(cls)

    def choisir_periode(self, debut: str, fin: str, etape: str) -> "PageStatistiques":
        self.page.get_by_role("textbox", name="Début de la période").fill(debut)
        self.page.get_by_role("textbox", name="Fin de la période").fill(fin)
        self.page.get_by_role("button", name="Afficher").click()
        expect(self.page).to_have_url(re.compile(rf"debut={debut}&fin={fin}"))
        return self.verifier(etape)

    def telecharger_enquete_xlsx(self):
        with self.page.expect_download() as telechargement:
            self.page.locator("#export-enquete-xlsx").click()
        return telechargement.value
