"""Page object for the statistics page."""

import re

from playwright.sync_api import Locator, expect

from .pages import PageReussite


class PageStatistiques(PageReussite):
    titre = "Statistiques"
    etape = "statistiques"
    chemin = "/parcours/statistiques/"

    @classmethod
    def depuis_le_menu(cls, depart: PageReussite, etape: str | None = None) -> "PageStatistiques":
        return depart.aller_au_menu("Statistiques", cls, etape, exact=True)

    @property
    def periode(self) -> Locator:
        return self.page.locator(".fr-text--lead")

    @property
    def graphiques(self) -> Locator:
        return self.page.locator("svg.reussite-graphique")

    @property
    def legendes_des_tableaux(self) -> Locator:
        return self.page.locator("table caption")

    def html(self) -> str:
        return self.page.content()

    def voir_la_section(self, titre_id: str, etape: str) -> "PageStatistiques":
        """Scrolled to a chart's heading (its id), then checked as shown there."""
        self.page.locator(f"#{titre_id}").scroll_into_view_if_needed()
        self.controle.page_verifiee(etape)
        return self

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
