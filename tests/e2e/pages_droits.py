"""Page objects of the families' rights register and of the DPO's anomaly views (issue 19)."""

import re

from playwright.sync_api import Locator, expect

from .pages import PageReussite, libelle
from .pages_juridique import PageConsoleDpo, PageProtection


class PageRegistreDemandes(PageReussite):
    titre = "Registre des demandes d’exercice des droits"
    etape = "registre des demandes"

    @classmethod
    def depuis(cls, espace: PageProtection) -> "PageRegistreDemandes":
        espace.page.get_by_role(
            "link", name="Registre des demandes d’exercice des droits des familles"
        ).click()
        return espace._vers(cls)

    def nouvelle(self) -> "PageNouvelleDemande":
        self.page.get_by_role("link", name="Enregistrer une demande").click()
        return self._vers(PageNouvelleDemande)

    @property
    def lignes(self) -> Locator:
        return self.page.locator("#registre-demandes tbody tr")


class PageNouvelleDemande(PageReussite):
    titre = "Enregistrer une demande d’exercice des droits"
    etape = "nouvelle demande"

    def enregistrer(
        self, *, genre: str, demandeur: str, canal: str, recue_le: str, parcours: int
    ) -> "PageDemande":
        self.page.get_by_label(libelle("Droit exercé")).select_option(label=genre)
        self.page.get_by_label(libelle("Qui fait la demande")).fill(demandeur)
        self.page.get_by_label(libelle("Reçue par")).select_option(label=canal)
        self.page.get_by_label(libelle("Reçue le")).fill(recue_le)
        self.page.get_by_label(libelle("Numéro du parcours concerné")).fill(str(parcours))
        self.controle.page_verifiee("nouvelle demande remplie")
        self.page.get_by_role("button", name="Enregistrer la demande").click()
        demande = self._vers(PageDemande, "demande enregistrée")
        expect(demande.messages).to_contain_text("Demande enregistrée : réponse due au plus tard")
        return demande


class PageDemande(PageReussite):
    titre = re.compile(r"^\s*Demande n° \d+ — ")
    etape = "demande"

    @property
    def lien_dossier_enfant(self) -> Locator:
        """The coordination produces the child's file; the DPO only keeps the register."""
        return self.page.get_by_role("link", name="Produire le dossier de l’enfant")

    @property
    def echeance(self) -> Locator:
        return self.page.locator("#echeance")

    @property
    def informations_transfert(self) -> Locator:
        """Who was told of the request in the programmes the pathway was transferred to."""
        return self.page.locator("#informations-transfert li")

    def repondre(self, *, statut: str, reponse: str, le: str, preuve: str) -> "PageDemande":
        self.page.get_by_label(libelle("Statut")).select_option(label=statut)
        self.page.get_by_label(libelle("Réponse apportée")).fill(reponse)
        self.page.get_by_label(libelle("Réponse envoyée le")).fill(le)
        self.page.get_by_label(libelle("Preuve de la réponse")).fill(preuve)
        self.page.get_by_role("button", name="Enregistrer", exact=True).click()
        demande = self._vers(PageDemande, "demande répondue")
        expect(demande.messages).to_contain_text("La demande est enregistrée.")
        return demande

    def registre(self) -> PageRegistreDemandes:
        self.page.get_by_role("link", name="Retour au registre").click()
        return self._vers(PageRegistreDemandes, "registre après la réponse")


class PageAnomalies(PageReussite):
    titre = "Accès inhabituels"
    etape = "accès inhabituels"

    @classmethod
    def depuis(cls, espace: PageProtection) -> "PageAnomalies":
        espace.page.get_by_role("link", name="Accès inhabituels (anomalies du journal)").click()
        return espace._vers(cls)

    def liste(self, identifiant: str) -> Locator:
        return self.page.locator(f"#{identifiant} tbody tr")

    def ouvrir(self, identifiant: str) -> PageConsoleDpo:
        self.liste(identifiant).first.get_by_role("link", name="Ouvrir le journal").click()
        return self._vers(PageConsoleDpo, "journal ouvert depuis une anomalie")
