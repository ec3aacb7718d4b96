"""Page objects of the pathway page's sections (issue 15, points 15 and 17): the tabs, the
confirmed suspension, an action delivered by a structure the consent does not name."""

from playwright.sync_api import Locator, expect

from .pages import PageParcours, PageReussite, libelle


class PageFiche(PageParcours):
    """The pathway's page, whichever section is open."""

    def onglet_courant(self) -> Locator:
        return self.onglets.locator('[aria-current="page"]')

    def lien_onglet(self, nom: str) -> Locator:
        return self.onglets.get_by_role("link", name=nom)

    @property
    def hors_consentement(self) -> Locator:
        """The warning under an action delivered by a structure the consent does not name."""
        return self.page.locator("#hors-consentement")

    def suspendre(self) -> "PageSuspension":
        self.onglet("Synthèse")
        secondaires = self.page.locator("#actions-secondaires")
        secondaires.get_by_role("link", name="Suspendre le parcours…").click()
        page = self._vers(PageSuspension)
        page.nom_affiche = self.titre
        return page

    def ajouter_une_action_sans_offre(self) -> "PageActionSansOffre":
        self.onglet("Objectifs et actions")
        self.page.get_by_role("link", name="Action sans offre").click()
        page = self._vers(PageActionSansOffre)
        page.nom_affiche = self.titre
        return page


class PageSuspension(PageReussite):
    titre = "Suspendre le parcours"
    etape = "confirmer la suspension"
    nom_affiche = ""

    def envoyer_sans_confirmer(self) -> "PageSuspension":
        self.page.get_by_role("button", name="Suspendre le parcours").click()
        return self.verifier("suspension refusée sans confirmation")

    def confirmer(self, pourquoi: str) -> PageFiche:
        self.page.get_by_label(libelle("Pourquoi suspendre")).fill(pourquoi)
        self.page.get_by_label("Je confirme la suspension du parcours").check(force=True)
        self.page.get_by_role("button", name="Suspendre le parcours").click()
        return PageFiche.atteinte(self, self.nom_affiche, "parcours suspendu")


class PageActionSansOffre(PageReussite):
    titre = "Ajouter une action"
    etape = "ajouter une action"
    nom_affiche = ""

    @property
    def alerte_consentement(self) -> Locator:
        return self.page.locator("#alerte-consentement")

    def saisir(self, intitule: str, structure: str) -> "PageActionSansOffre":
        self.page.get_by_label(libelle("Action")).fill(intitule)
        self.page.get_by_label(libelle("Structure qui la réalise")).select_option(label=structure)
        return self

    def enregistrer(self, etape: str) -> "PageActionSansOffre":
        self.page.get_by_role("button", name="Enregistrer l’action").click()
        return self.verifier(etape)

    def confirmer_et_enregistrer(self) -> PageFiche:
        case = self.page.get_by_label("J’ai compris que les professionnels de cette structure")
        expect(case).to_be_focused()  # the warning brings the keyboard to it
        case.check(force=True)
        self.page.get_by_role("button", name="Enregistrer l’action").click()
        fiche = PageFiche.atteinte(self, self.nom_affiche, "action ajoutée hors consentement")
        expect(self.messages).to_contain_text("L’action a été ajoutée.")
        return fiche
