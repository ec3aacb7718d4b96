"""Page objects of the ProConnect journey, against the test suite's OpenID Connect provider
(tests/support/fournisseur_oidc.py): Réussite's login page with its ProConnect button, the
provider's login page, the dashboard reached through ProConnect."""

import re

from playwright.sync_api import Locator, expect

from .pages import PageConnexion, PageReussite, PageTableauDeBord, libelle


class _AvecFournisseur(PageReussite):
    """Pages that know the provider (its `op` and Réussite's `rp` addresses); the pages they
    lead to know it too."""

    fournisseur = None

    def _vers(self, classe, etape=None):
        suivante = classe(self.page, self.serveur, self.controle)
        suivante.fournisseur = self.fournisseur
        return suivante.verifier(etape)

    def _attendre(self, base: str, suite: str) -> None:
        self.page.wait_for_url(re.compile(re.escape(base) + suite))


class PageConnexionProConnect(_AvecFournisseur, PageConnexion):
    @classmethod
    def ouverte(cls, page, controle, fournisseur, etape=None) -> "PageConnexionProConnect":
        connexion = cls(page, fournisseur.rp, controle)
        connexion.fournisseur = fournisseur
        page.goto(fournisseur.rp + cls.chemin)
        return connexion.verifier(etape)

    @property
    def lien_explicatif(self) -> Locator:
        return self.page.get_by_role("link", name="Qu’est-ce que ProConnect ?")

    @property
    def message_de_refus(self) -> Locator:
        return self.page.get_by_text("Aucun compte actif de Réussite ne correspond")

    @property
    def champ_adresse(self) -> Locator:
        return self.page.get_by_label(libelle("Adresse électronique"))

    def s_identifier_avec_proconnect(self) -> "PageFournisseur":
        self.page.get_by_role("button", name="S’identifier avec ProConnect").click()
        self._attendre(self.fournisseur.op, r"/connexion/.*")
        return self._vers(PageFournisseur)


class PageFournisseur(_AvecFournisseur):
    titre = "Connexion au fournisseur d’identité"
    etape = "page de connexion du fournisseur"

    def _valider(self, identite: tuple[str, str]) -> None:
        identifiant, mot_de_passe = identite
        self.page.get_by_label("Adresse électronique").fill(identifiant)
        self.page.get_by_label("Mot de passe").fill(mot_de_passe)
        self.page.get_by_role("button", name="Valider").click()

    def valider(self, identite: tuple[str, str]) -> "PageTableauDeBordProConnect":
        """MFA asserted by the provider: no local second factor, straight to the dashboard."""
        self._valider(identite)
        self.page.wait_for_url(self.fournisseur.rp + "/")
        return self._vers(PageTableauDeBordProConnect)

    def valider_sans_compte(self, identite: tuple[str, str]) -> PageConnexionProConnect:
        """Back on Réussite's login page, which says why."""
        self._valider(identite)
        self._attendre(self.fournisseur.rp, r"/connexion/.*")
        connexion = self._vers(PageConnexionProConnect, "refus d’une adresse sans compte")
        expect(connexion.message_de_refus).to_be_visible()
        return connexion


class PageTableauDeBordProConnect(_AvecFournisseur, PageTableauDeBord):
    etape = "tableau de bord après ProConnect"

    def se_deconnecter(self) -> PageConnexionProConnect:
        """Réussite's logout also ends the provider's session, which sends back here."""
        self.page.get_by_role("button", name="Se déconnecter").first.click()
        self._attendre(self.fournisseur.rp, r"/connexion/\?state=.*")
        return self._vers(PageConnexionProConnect, "connexion après la déconnexion de ProConnect")
