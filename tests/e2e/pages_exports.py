"""Page objects of the exports flow: the action list, the background export's pages."""

import re

from playwright.sync_api import Locator, expect

from .pages import PageReussite, libelle


class PageActions(PageReussite):
    titre = "Actions"
    etape = "liste des actions"
    chemin = "/parcours/actions/"

    @classmethod
    def depuis_la_liste_des_parcours(cls, depart: PageReussite) -> "PageActions":
        menu = depart.page.get_by_role("navigation", name="Menu principal")
        menu.get_by_role("link", name="Parcours", exact=True).first.click()
        # The pathway list filters with htmx: its export links follow the filters.
        depart.page.get_by_label(libelle("Statut")).select_option(label="En cours")
        expect(depart.page.locator("#export-parcours-xlsx")).to_have_attribute(
            "href", re.compile(r"statut=en_cours")
        )
        depart.page.get_by_role("link", name="Toutes les actions").click()
        return depart._vers(cls)

    @property
    def lignes(self) -> Locator:
        return self.page.locator("#actions tbody tr")

    def filtrer_par_statut(self, statut: str, etape: str) -> "PageActions":
        self.page.get_by_label(libelle("Statut")).select_option(label=statut)
        self.page.get_by_role("button", name="Filtrer").click()
        expect(self.page).to_have_url(re.compile(r"statut="))
        return self.verifier(etape)

    def exporter_csv(self) -> "PageConfirmerExport":
        self.page.get_by_role("link", name="Exporter (CSV)").click()
        return self._vers(PageConfirmerExport)


class PageConfirmerExport(PageReussite):
    titre = "Préparer un export"
    etape = "préparer un export"

    def preparer(self) -> "PageDemandeExport":
        self.page.get_by_role("button", name="Préparer l’export").click()
        return self._vers(PageDemandeExport, "export en préparation")


class PageDemandeExport(PageReussite):
    titre = re.compile(r"^Export : ")
    etape = "suivi de l’export"

    def attendre_qu_il_soit_pret(self) -> "PageDemandeExport":
        # The page polls (htmx) and its live region announces the result.
        expect(self.page.locator("#progression")).to_have_attribute("aria-live", "polite")
        expect(self.page.locator("#statut-export")).to_contain_text(
            "Votre export est prêt", timeout=60_000
        )
        self.controle.page_verifiee("export prêt")
        return self

    def telecharger(self):
        with self.page.expect_download() as telechargement:
            self.page.get_by_role("link", name=re.compile(r"^Télécharger")).click()
        return telechargement.value
