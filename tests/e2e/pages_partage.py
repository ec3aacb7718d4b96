"""Page objects of what a partner professional is shared (the charter met at first sign-in,
« Mes suivis », a pathway seen by a partner) and of the coordination's consent withdrawal that
takes it back."""

import re
from datetime import date

from playwright.sync_api import Locator, expect

from .pages import (
    PageConnexion,
    PageIntrouvable,
    PageParcours,
    PageReussite,
    PageTableauDeBord,
    libelle,
)


class PageConnexionPremiere(PageConnexion):
    def premiere_connexion(self, email: str, mot_de_passe: str) -> "PageCharte":
        """A professional who has not accepted the charter yet: it comes before anything."""
        self.saisir_identifiants(email, mot_de_passe)
        return self._vers(PageCharte)


class PageCharte(PageReussite):
    titre = "Charte de confidentialité du réseau de réussite éducative"
    etape = "charte"
    chemin = "/parcours/charte/"

    def accepter_au_clavier(self) -> "PageTableauDeBordPartenaire":
        self.page.get_by_role("button", name="J’accepte la charte de confidentialité").focus()
        self.page.keyboard.press("Enter")
        return self._vers(PageTableauDeBordPartenaire)


class _AvecMesSuivis(PageReussite):
    def aller_a_mes_suivis(self, etape: str | None = None) -> "PageMesSuivis":
        return self.aller_au_menu("Mes suivis", PageMesSuivis, etape)


class PageTableauDeBordPartenaire(_AvecMesSuivis, PageTableauDeBord):
    etape = "tableau de bord partenaire"


class PageMesSuivis(_AvecMesSuivis):
    titre = "Mes suivis"
    etape = "mes suivis"
    chemin = "/parcours/mes-suivis/"

    @property
    def resultats(self) -> Locator:
        return self.page.locator("#resultats")

    def _cliquer(self, enfant: str) -> None:
        self.resultats.get_by_role("link", name=enfant).click()

    def ouvrir_le_parcours(self, enfant: str) -> "PageParcoursPartenaire":
        self._cliquer(enfant)
        return PageParcoursPartenaire.atteinte(self, enfant, "parcours vu par le partenaire")

    def ouvrir_le_parcours_perdu(self, enfant: str, etape: str) -> "PageIntrouvablePartenaire":
        """A pathway no longer shared: not found, exactly like one that does not exist."""
        self._cliquer(enfant)
        return self._vers(PageIntrouvablePartenaire, etape)


class PageParcoursPartenaire(PageParcours):
    def rubrique(self, nom: str, *, exact: bool = False) -> Locator:
        """A heading of the open section (what a partner must not see has none)."""
        return self.page.get_by_role("heading", name=nom, exact=exact)

    def revenir_a(self, section: str) -> "PageParcoursPartenaire":
        """Back in the browser's history, where each section is a page of its own."""
        self.page.go_back()
        lien = self.onglets.get_by_role("link", name=section, exact=True)
        expect(lien).to_have_attribute("aria-current", "page")
        return self

    def revenir_a_la_liste(self) -> PageMesSuivis:
        self.page.go_back()
        return self._vers(PageMesSuivis, "mes suivis, retour")


class PageIntrouvablePartenaire(_AvecMesSuivis, PageIntrouvable):
    pass


class PagePartageParcours(PageParcours):
    """The « Partage et consentement » section of a pathway, opened by its address."""

    @classmethod
    def ouvrir_pour(cls, depuis: PageReussite, pk: int, enfant: str) -> "PagePartageParcours":
        depuis.page.goto(f"{depuis.serveur}/parcours/{pk}/partage/")
        return cls.atteinte(depuis, enfant, "parcours vu par la coordination")

    @property
    def consentements(self) -> Locator:
        return self.page.get_by_role("region", name="Consentements")

    def retirer_le_consentement(self) -> "PageRetraitConsentement":
        self.consentements.get_by_role("link", name="Retirer").click()
        page = self._vers(PageRetraitConsentement)
        page.nom_affiche = self.titre
        return page


class PageRetraitConsentement(PageReussite):
    titre = "Enregistrer le retrait du consentement"
    etape = "retrait du consentement"
    nom_affiche = ""

    def retirer(self, *, le: date, motif: str) -> PagePartageParcours:
        self.page.get_by_label(libelle("Date du retrait")).fill(le.isoformat())
        self.page.get_by_label(libelle("Motif du retrait")).fill(motif)
        self.page.get_by_role("button", name="Enregistrer le retrait").click()
        expect(self.messages).to_contain_text("les partenaires n’ont plus accès au parcours")
        partage = PagePartageParcours(self.page, self.serveur, self.controle)
        partage.titre = self.nom_affiche
        expect(partage.consentements).to_contain_text(re.compile(r"Retiré le"))
        return partage.verifier("consentement retiré")
