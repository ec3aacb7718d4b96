"""Page objects of the caseload import journey: the upload page and the preview."""

import re

from playwright.sync_api import Locator, expect

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


class _Apercu(PageReussite):
    @property
    def resultat(self) -> Locator:
        """What the confirmed import created and refused."""
        return self.page.locator("#resultat")


class PageApercuImport(_Apercu):
    titre = re.compile(r"^Import de .+")
    etape = "aperçu"

    def confirmer(self) -> "PageApercuImport":
        bouton = self.page.get_by_role("button", name="Confirmer l’import")
        bouton.focus()
        self.page.keyboard.press("Enter")
        page = self._vers(PageApercuImport, "import terminé")
        expect(page.resultat).to_be_visible()
        return page


# --- The partner network's import (the programme's administrator) --------------------------


class PageAnnuaire(PageReussite):
    titre = "Annuaire des partenaires"
    etape = "annuaire"
    chemin = "/partenaires/"

    @property
    def lien_import(self) -> Locator:
        return self.page.get_by_role("link", name="Importer le réseau")

    def importer_le_reseau(self) -> "PageImportReseau":
        self.lien_import.click()
        return self._vers(PageImportReseau)


class PageImportReseau(PageReussite):
    titre = "Importer le réseau de partenaires"
    etape = "import du réseau"
    chemin = "/partenaires/import/"

    def telecharger_modele_xlsx(self, dossier) -> str:
        with self.page.expect_download() as attente:
            self.page.get_by_role("link", name=re.compile(r"modèle \(XLSX")).click()
        chemin = str(dossier / attente.value.suggested_filename)
        attente.value.save_as(chemin)
        return chemin

    def analyser(self, chemin_fichier: str, *, inviter: bool = False) -> "PageApercuImportReseau":
        self.page.get_by_label(libelle("Fichier du réseau")).set_input_files(chemin_fichier)
        if inviter:
            self.page.get_by_text("Envoyer une invitation aux professionnels créés").click()
        bouton = self.page.get_by_role("button", name="Analyser le fichier")
        bouton.focus()
        self.page.keyboard.press("Enter")
        return self._vers(PageApercuImportReseau, "aperçu de l’import du réseau")


class PageApercuImportReseau(_Apercu):
    titre = re.compile(r"^Import du réseau : .+")
    etape = "aperçu du réseau"

    def confirmer(self) -> "PageApercuImportReseau":
        bouton = self.page.get_by_role("button", name="Confirmer l’import")
        bouton.focus()
        self.page.keyboard.press("Enter")
        page = self._vers(PageApercuImportReseau, "import du réseau terminé")
        expect(page.resultat).to_be_visible()
        return page
