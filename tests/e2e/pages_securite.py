"""Page objects of the two-factor journey: enrolment (QR code and secret), backup codes, the
verification step, the user's sessions."""

import re

from playwright.sync_api import Locator, expect

from .pages import PageConnexion, PageReussite, PageTableauDeBord, PageVerification, libelle


class PageConnexionMotDePasse(PageConnexion):
    def mot_de_passe_vers(self, email: str, mot_de_passe: str, arrivee: type[PageReussite]):
        """The first step only: e-mail and password, then the second factor's page."""
        self.page.get_by_label(libelle("Adresse électronique")).fill(email)
        self.page.get_by_label(libelle("Mot de passe")).fill(mot_de_passe)
        self.page.get_by_role("button", name="Se connecter").click()
        return self._vers(arrivee)


class PageActivation(PageReussite):
    titre = "Activer la double authentification"
    etape = "activer la double authentification"

    @property
    def qr(self) -> Locator:
        return self.page.locator(".reussite-qr svg")

    def cle_secrete(self) -> str:
        return self.page.get_by_test_id("cle-secrete").inner_text()

    def activer(self, code: str) -> "PageCodesSecours":
        self.page.get_by_label(libelle("Code à usage unique")).fill(code)
        self.page.get_by_role("button", name="Activer").click()
        return self._vers(PageCodesSecours)


class PageCodesSecours(PageReussite):
    titre = "Vos codes de secours"
    etape = "codes de secours"

    @property
    def codes(self) -> Locator:
        return self.page.get_by_test_id("codes-secours").locator("li")

    def continuer(self) -> "PageTableauDeBordSecurite":
        self.page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
        return self._vers(PageTableauDeBordSecurite, "tableau de bord après activation")


class PageTableauDeBordSecurite(PageTableauDeBord):
    def mes_sessions(self) -> "PageMesSessions":
        self.page.get_by_role("link", name="Mes sessions").click()
        return self._vers(PageMesSessions)


class PageMesSessions(PageReussite):
    titre = "Mes sessions"
    etape = "mes sessions"

    def se_deconnecter(self) -> PageConnexionMotDePasse:
        self.page.get_by_role("button", name="Se déconnecter").click()
        return self._vers(PageConnexionMotDePasse, "connexion après la déconnexion")


class PageVerificationCode(PageVerification):
    etape = "vérification"

    def refuser(self, code: str) -> "PageVerificationCode":
        self._valider(code)
        expect(
            self.page.get_by_text(re.compile("Code incorrect|Trop de codes")).first
        ).to_be_visible()
        return self.verifier("code refusé")

    def patienter_apres_un_refus(self) -> "PageVerificationCode":
        """django-otp slows down the next try after a wrong code."""
        self.page.wait_for_timeout(1500)
        return self

    def accepter(self, code: str) -> PageTableauDeBordSecurite:
        self._valider(code)
        return self._vers(PageTableauDeBordSecurite, "tableau de bord après vérification")

    def _valider(self, code: str) -> None:
        self.page.get_by_label(libelle("Code à usage unique")).fill(code)
        self.page.get_by_role("button", name="Vérifier").click()
