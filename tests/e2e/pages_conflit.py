"""Page objects of the write pattern: the child's edit page and the conflict page."""

from playwright.sync_api import Locator, expect

from .pages import PageReussite, libelle


class PageModifierEnfant(PageReussite):
    titre = "Modifier la fiche de l’enfant"
    etape = "modifier la fiche de l’enfant"

    def ouvrir_pour(self, parcours_pk: int) -> "PageModifierEnfant":
        self.page.goto(f"{self.serveur}/parcours/{parcours_pk}/enfant/")
        return self.verifier()

    @property
    def quartier(self) -> Locator:
        return self.page.get_by_label(libelle("Quartier"))

    def saisir_quartier(self, quartier: str) -> "PageModifierEnfant":
        self.quartier.fill(quartier)
        return self

    def enregistrer(self) -> None:
        self.page.get_by_role("button", name="Enregistrer").click()

    def enregistrer_avec_succes(self) -> None:
        self.enregistrer()
        expect(self.messages).to_contain_text("La fiche de l’enfant a été modifiée.")
        self.controle.page_verifiee("fiche enregistrée")

    def enregistrer_en_conflit(self) -> "PageConflit":
        self.enregistrer()
        return self._vers(PageConflit)


class PageConflit(PageReussite):
    titre = "Quelqu’un a enregistré cette fiche avant vous"
    etape = "conflit de modification"

    def saisie(self, libelle_champ: str) -> Locator:
        return self.page.get_by_label(libelle(libelle_champ))

    def ouvrir_la_version_a_jour(self) -> PageModifierEnfant:
        self.page.get_by_role("link", name="Ouvrir la version à jour").click()
        return self._vers(PageModifierEnfant, "version à jour")
