"""Page objects of the legal frame (issue 19): the footer's legal pages, the family notice, the
DPO's legal space, the programme's legal identity, the register entry and the trail console."""

from playwright.sync_api import Locator, expect

from .pages import PageReussite, libelle


def par_le_pied_de_page(depart: PageReussite, lien: str, classe: type[PageReussite]):
    """Follow a link of the footer (the DSFR's « bottom » list), as any visitor would."""
    pied = depart.page.get_by_role("contentinfo")
    pied.get_by_role("link", name=lien, exact=True).click()
    return depart._vers(classe)


def imprimee(page_objet: PageReussite, etape: str) -> None:
    """The document as printed (the print stylesheet), screenshot and axe-core."""
    page_objet.page.emulate_media(media="print")
    page_objet.controle.page_verifiee(etape)
    page_objet.page.emulate_media(media="screen")


class PagePlanDuSite(PageReussite):
    titre = "Plan du site"
    etape = "plan du site"


class PageAccessibilite(PageReussite):
    titre = "Déclaration d’accessibilité"
    etape = "déclaration d’accessibilité"


class PageMentionsLegales(PageReussite):
    titre = "Mentions légales"
    etape = "mentions légales"


class PageCookies(PageReussite):
    titre = "Gestion des cookies"
    etape = "gestion des cookies"


class PageNoticeFamilles(PageReussite):
    titre = "Vos informations au programme de réussite éducative"
    etape = "notice des familles"

    def telecharger_pdf(self):
        with self.page.expect_download() as telechargement:
            self.page.get_by_role("link", name="Télécharger la notice (PDF)").click()
        return telechargement.value


class PageDonneesPersonnelles(PageReussite):
    titre = "Données personnelles"
    etape = "données personnelles"

    def choisir_programme(self, nom: str) -> "PageDonneesPersonnelles":
        """Keyboard only: focus the list, choose the programme, Tab to the button, Enter."""
        liste = self.page.get_by_label("Programme de réussite éducative", exact=True)
        liste.focus()
        liste.select_option(label=nom)
        self.page.keyboard.press("Tab")
        expect(
            self.page.get_by_role("button", name="Afficher les informations de ce programme")
        ).to_be_focused()
        self.page.keyboard.press("Enter")
        return self.verifier(f"données personnelles — {nom}")

    def notice(self) -> PageNoticeFamilles:
        self.page.get_by_role("link", name="Notice d’information des familles").click()
        return self._vers(PageNoticeFamilles)


class _RetourProtection(PageReussite):
    def retour_a_la_protection(self) -> "PageProtection":
        self.page.get_by_role("link", name="Retour à la protection des données").click()
        return self._vers(PageProtection)


class PageCadreJuridique(_RetourProtection):
    titre = "Cadre juridique du programme"
    etape = "cadre juridique"

    def remplir(self, valeurs: dict[str, str], bases: int) -> "PageCadreJuridique":
        """Keyboard only, in the page's order: each text field typed then Tab; the kind of
        structure chosen in its list; `bases` legal bases ticked with the space bar."""
        premier = self.page.get_by_label(libelle("Responsable du traitement"))
        premier.focus()
        for nom, texte in valeurs.items():
            if nom == "type":
                expect(
                    self.page.get_by_label(libelle("Nature de la structure porteuse"))
                ).to_be_focused()
                self.page.get_by_label(libelle("Nature de la structure porteuse")).select_option(
                    label=texte
                )
                self.page.keyboard.press("Tab")
                continue
            if nom == "bases":
                for _ in range(bases):
                    self.page.keyboard.press("Space")
                    self.page.keyboard.press("Tab")
                for _ in range(4 - bases):
                    self.page.keyboard.press("Tab")
                continue
            self.page.keyboard.type(texte)
            self.page.keyboard.press("Tab")
        self.page.get_by_role("button", name="Enregistrer").click()
        return self._vers(PageCadreJuridique, "cadre juridique enregistré")

    @property
    def message(self) -> Locator:
        return self.messages


class PageRegistre(_RetourProtection):
    titre = "Fiche du registre des traitements"
    etape = "registre des traitements"


class PageConsoleDpo(PageReussite):
    titre = "Journal des accès"
    etape = "journal des accès"

    def chercher_personne(self, email: str) -> "PageConsoleDpo":
        champ = self.page.get_by_label(libelle("Adresse électronique de la personne"))
        champ.fill(email)
        self.page.get_by_role("button", name="Rechercher").click()
        return self.verifier("journal des accès — une personne")

    @property
    def lignes(self) -> Locator:
        return self.page.locator("#journal-resultats tbody tr")


class PageProtection(PageReussite):
    titre = "Protection des données"
    etape = "protection des données"
    chemin = "/programmes/protection-des-donnees/"

    def cadre(self) -> PageCadreJuridique:
        self.page.get_by_role("link", name="Cadre juridique (responsable, délégué").click()
        return self._vers(PageCadreJuridique)

    def registre(self) -> PageRegistre:
        self.page.get_by_role("link", name="Fiche du registre des traitements").click()
        return self._vers(PageRegistre)

    def journal(self) -> PageConsoleDpo:
        self.page.get_by_role("link", name="Journal des accès du programme").click()
        return self._vers(PageConsoleDpo)


class PageFormulaireConsentement(PageReussite):
    titre = "Consentement de la famille au parcours de réussite éducative"
    etape = "formulaire de consentement"

    def ouvrir_pour(self, parcours) -> "PageFormulaireConsentement":
        self.page.goto(f"{self.serveur}/parcours/{parcours.pk}/consentement/formulaire/")
        return self.verifier()
