"""Page objects of the requests to partners (issue 21): the pathway's list and form, a request
seen by the pathway's team, the partner's inbox and a request seen by the partner."""

import re

from playwright.sync_api import Locator, expect

from .pages import PageReussite, libelle


class PageSollicitationsParcours(PageReussite):
    titre = "Sollicitations des partenaires"
    etape = "sollicitations du parcours"

    @classmethod
    def du_parcours(cls, page, serveur, controle, parcours_pk: int):
        page.goto(f"{serveur}/parcours/{parcours_pk}/sollicitations/")
        return cls(page, serveur, controle).verifier()

    def solliciter(self) -> "PageNouvelleSollicitation":
        self.page.get_by_role("link", name="Solliciter un partenaire").click()
        return self._vers(PageNouvelleSollicitation)

    def ligne(self, texte: str) -> Locator:
        return self.page.get_by_role("row").filter(has_text=texte)

    def ouvrir(self, reference: str, etape: str) -> "PageSollicitationEquipe":
        self.page.get_by_role("link", name=reference).click()
        return self._vers(PageSollicitationEquipe, etape)


class PageNouvelleSollicitation(PageReussite):
    titre = "Solliciter un partenaire"
    etape = "nouvelle sollicitation"

    def remplir(self, *, objectif: str, structure: str, demande: str, motif: str):
        self.page.get_by_label(libelle("Objectif concerné")).select_option(label=objectif)
        self.page.get_by_label(libelle("Structure sollicitée")).select_option(label=structure)
        self.page.get_by_label(libelle("Ce qui est demandé")).fill(demande)
        self.page.get_by_label(libelle("Pourquoi")).fill(motif)
        return self

    def envoyer(self) -> "PageSollicitationEquipe":
        self.page.get_by_role("button", name="Envoyer la sollicitation").click()
        return self._vers(PageSollicitationEquipe)


class PageSollicitationEquipe(PageReussite):
    titre = re.compile(r"Sollicitation SOL-\d{6}")
    etape = "sollicitation vue par l’équipe"

    @property
    def reference(self) -> str:
        return self.page.get_by_role("heading", level=1).inner_text().split()[-1]

    @property
    def alerte_consentement(self) -> Locator:
        return self.page.locator("#alerte-consentement")

    def creer_l_action(self, *, confirmer: bool) -> None:
        if confirmer:
            case = self.page.get_by_role(
                "checkbox", name=re.compile("Je confirme : l’action se fait sans partage")
            )
            case.focus()
            self.page.keyboard.press("Space")
            expect(case).to_be_checked()
        self.page.get_by_role("button", name="Créer l’action").click()

    def transmettre(self) -> "PageSollicitationEquipe":
        """Send the redirected request on to the suggested structure (one step)."""
        formulaire = self.page.get_by_role("form", name="Transmettre à la structure conseillée")
        formulaire.get_by_role("button", name="Transmettre la demande").click()
        return self._vers(PageSollicitationEquipe, "demande transmise à la structure conseillée")

    @property
    def origine(self) -> Locator:
        return self.page.locator("#origine")

    @property
    def suite(self) -> Locator:
        return self.page.locator("#suite")


class PageSollicitationsRecues(PageReussite):
    titre = "Sollicitations reçues"
    etape = "sollicitations reçues"
    chemin = "/parcours/sollicitations/"

    def ligne(self, reference: str) -> Locator:
        return self.page.get_by_role("row").filter(has_text=reference)

    def lire(self, reference: str) -> "PageSollicitationRecue":
        self.page.get_by_role("link", name=reference).click()
        return self._vers(PageSollicitationRecue)


class PageSollicitationRecue(PageReussite):
    titre = re.compile(r"Sollicitation SOL-\d{6}")
    etape = "sollicitation vue par le partenaire"

    @property
    def avis_pseudonymise(self) -> Locator:
        return self.page.locator("#pseudonymise")

    @property
    def reponse(self) -> Locator:
        return self.page.locator("#reponse")

    @property
    def origine(self) -> Locator:
        """The request this one follows on from."""
        return self.page.locator("#origine")

    def accepter(self, le: str) -> "PageSollicitationRecue":
        self.page.get_by_text("Acceptée", exact=True).click()
        self.page.get_by_label(libelle("Si acceptée : date de début ou du rendez-vous")).fill(le)
        self.page.get_by_role("button", name="Envoyer la réponse").click()
        return self._vers(PageSollicitationRecue, "réponse envoyée")

    def reorienter(self, structure: str) -> "PageSollicitationRecue":
        self.page.get_by_text("Réorientée vers une autre structure", exact=True).click()
        self.page.get_by_label(libelle("Si réorientée : structure conseillée")).select_option(
            label=structure
        )
        self.page.get_by_role("button", name="Envoyer la réponse").click()
        return self._vers(PageSollicitationRecue, "réponse réorientée envoyée")


class PageObstacles(PageReussite):
    titre = "Obstacles à la mobilisation des partenaires"
    etape = "rapport des obstacles"
    chemin = "/parcours/statistiques/obstacles/"

    def regrouper_par(self, axe: str) -> "PageObstacles":
        self.page.get_by_label("Regrouper par").select_option(label=axe)
        self.page.get_by_role("button", name="Afficher").click()
        return self._vers(PageObstacles, f"rapport des obstacles par {axe.lower()}")

    def ligne(self, texte: str) -> Locator:
        return self.page.locator("#obstacles").get_by_role("row").filter(has_text=texte)
