"""Page objects of the API's browser-facing pages: « Mes jetons d’API » and the API's
documentation (Swagger UI)."""

from playwright.sync_api import Locator, expect

from .pages import PageReussite, libelle


class PageJetons(PageReussite):
    titre = "Mes jetons d’API"
    etape = "mes jetons d’API"
    chemin = "/compte/jetons/"

    @classmethod
    def depuis_l_en_tete(cls, depuis: PageReussite) -> "PageJetons":
        depuis.page.get_by_role("link", name="Jetons d’API").click()
        return depuis._vers(cls)

    def creer(self, nom: str, autorisations: list[str], duree: str) -> str:
        """Fill and send the creation form; returns the secret shown once."""
        self.page.get_by_label(libelle("Nom du jeton")).fill(nom)
        for autorisation in autorisations:
            # The DSFR draws the box on the label, which takes the click.
            self.page.locator("label", has_text=autorisation).click()
            expect(self.page.get_by_label(autorisation)).to_be_checked()
        self.page.get_by_label(libelle("Durée de validité")).select_option(label=duree)
        self.page.get_by_role("button", name="Créer le jeton").click()
        self.verifier("jeton créé, affiché une fois")
        expect(self.messages).to_contain_text("Copiez-le maintenant")
        return self.page.locator("#jeton-secret").inner_text()

    def ligne(self, nom: str) -> Locator:
        return self.page.get_by_role("row").filter(has_text=nom)

    def revoquer(self, nom: str) -> "PageJetons":
        self.ligne(nom).get_by_role("button", name="Révoquer").click()
        return self.verifier("jeton révoqué")

    def documentation(self) -> "PageDocumentationApi":
        self.page.get_by_role("link", name="Documentation de l’API").click()
        return PageDocumentationApi(self.page, self.serveur, self.controle).verifier()


class PageDocumentationApi(PageReussite):
    """Swagger UI, from drf-spectacular-sidecar's files, under the site's CSP."""

    titre = "API Réussite"
    etape = "documentation de l’API"
    chemin = "/api/v1/documentation/"

    # Swagger UI's operation header is a button holding the path's link: its own markup
    # (swagger-ui), which a stylesheet cannot change. Everything else must pass.
    TIERCES = {"nested-interactive": "Swagger UI : lien dans le bouton d’une opération"}

    def verifier(self, etape: str | None = None):
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(self.titre)
        expect(self.operation("/api/v1/parcours/")).to_be_visible()
        self.controle.page_verifiee(etape or self.etape, tierces=self.TIERCES)
        return self

    def operation(self, chemin: str) -> Locator:
        return self.page.locator(".opblock-summary-path", has_text=chemin).first


class PageParametresProgramme(PageReussite):
    titre = "Paramètres du programme"
    etape = "paramètres du programme"

    def ouvrir_pour(self, programme) -> "PageParametresProgramme":
        return self.ouvrir_adresse(f"{self.serveur}/programmes/{programme.pk}/parametres/")

    def comptes_de_service(self) -> "PageComptesService":
        self.page.get_by_role("link", name="Comptes de service (API)").click()
        return self._vers(PageComptesService)


class PageComptesService(PageReussite):
    titre = "Comptes de service"
    etape = "comptes de service"

    def creer(self, nom: str) -> str:
        self.page.get_by_label(libelle("Nom du compte")).fill(nom)
        self.page.get_by_role("button", name="Créer le compte et son jeton").click()
        self.verifier("compte de service créé")
        return self.page.locator("#jeton-secret").inner_text()

    def ligne(self, nom: str) -> Locator:
        return self.page.get_by_role("row").filter(has_text=nom)

    def desactiver(self, nom: str) -> "PageComptesService":
        self.ligne(nom).get_by_role("button", name="Désactiver").click()
        return self.verifier("compte de service désactivé")
