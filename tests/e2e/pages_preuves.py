"""Page objects of the funders' evidence packs (issue 21): the list of a programme's convention
parties, one party's pack for a year, and the background build's page."""

import re

from playwright.sync_api import Locator, expect

from .pages import PageReussite


class PageDossiersPreuves(PageReussite):
    titre = "Dossiers de preuves des financeurs"
    etape = "dossiers de preuves"
    chemin = "/parcours/statistiques/preuves/"

    @classmethod
    def depuis(cls, depart: PageReussite) -> "PageDossiersPreuves":
        """By the link the statistics and the conventions both carry."""
        depart.page.locator("#lien-preuves").click()
        return depart._vers(cls)

    def ouvrir_le_dossier(self, structure: str, annee: int) -> "PageDossierPreuves":
        self.page.get_by_role("link", name=f"Dossier {annee} de {structure}").click()
        return self._vers(PageDossierPreuves)


class PageDossierPreuves(PageReussite):
    titre = re.compile(r"^Dossier de preuves \d{4} : ")
    etape = "dossier de preuves d’un financeur"

    @property
    def engage(self) -> Locator:
        """What the funder committed to for the year."""
        return self.page.locator("#preuves-engage")

    def cellules(self, tableau: str) -> list[str]:
        return self.page.locator(f"#{tableau} tbody td").all_inner_texts()

    def preparer_le_tableur(self) -> "PageDocumentEnPreparation":
        self.page.get_by_role("button", name="Préparer le tableur (XLSX)").click()
        return self._vers(PageDocumentEnPreparation, "dossier en préparation")

    def preparer_le_pdf(self) -> "PageDocumentEnPreparation":
        self.page.get_by_role("button", name="Préparer le PDF").click()
        return self._vers(PageDocumentEnPreparation, "PDF en préparation")


class PageDocumentEnPreparation(PageReussite):
    titre = "Export : Dossier de preuves d’un financeur"
    etape = "suivi du dossier"

    def attendre_qu_il_soit_pret(self) -> "PageDocumentEnPreparation":
        # The page polls (htmx) and its live region announces the result.
        expect(self.page.locator("#progression")).to_have_attribute("aria-live", "polite")
        expect(self.page.locator("#statut-export")).to_contain_text(
            "Votre document est prêt", timeout=60_000
        )
        self.controle.page_verifiee("dossier prêt")
        return self

    def telecharger(self):
        with self.page.expect_download() as telechargement:
            self.page.get_by_role("link", name=re.compile(r"^Télécharger")).click()
        return telechargement.value
