"""Page objects of the caseload import journey: the upload page and the preview."""

import re

from playwright.sync_api import expect

from .pages import PageReussite, libelle


class PageImport(PageReussite):
    titre = "Importer des parcours existants"
    etape = "import"
    chemin = "/parcours/import/"

    def analyser(self, chemin_fichier: str) -> "PageApercuImport":
        self.page.get_by_label(libelle("Fichier des enfants et de leurs parcours")).set_input_files(
            chemin_fichier
        )
        bouton = self.page.get_by_role("button", name="Analyser le fichier")
        bouton.focus()
        self.page.keyboard.press("Enter")
        return self._vers(PageApercuImport, "aperçu de l’import")


class PageApercuImport(PageReussite):
    titre = re.compile(r"^Import de .+")
    etape = "aperçu"

    def confirmer(self) -> "PageApercuImport":
        bouton = self.page.get_by_role("button", name="Confirmer l’import")
        bouton.focus()
        self.page.keyboard.press("Enter")
        page = self._vers(PageApercuImport, "import terminé")
        expect(self.page.locator("#resultat")).to_be_visible()
        return page
