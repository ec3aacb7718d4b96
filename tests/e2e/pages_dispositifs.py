"""Page objects of issue 21: the synthesis' other schemes, the scheme form, the family's words
on an objective, the exit and the exit questionnaire."""

from playwright.sync_api import Locator, expect

from .pages import PageParcours, PageReussite, libelle


class PageParcoursDispositifs(PageParcours):
    @property
    def dispositifs(self) -> Locator:
        self.onglet("Synthèse")
        return self.page.get_by_role("region", name="Autres dispositifs et mesures")

    def ajouter_un_dispositif(self) -> "PageDispositif":
        self.dispositifs.get_by_role("link", name="Ajouter un dispositif").click()
        formulaire = self._vers(PageDispositif)
        formulaire.retour = self
        return formulaire

    @property
    def objectifs(self) -> Locator:
        self.onglet("Objectifs et actions")
        return self.page.locator("#objectifs-actions")

    def noter_la_parole(self, objectif: str) -> "PageParole":
        self.objectifs.get_by_role(
            "link", name=f"Noter la parole de la famille pour « {objectif} »"
        ).click()
        formulaire = self._vers(PageParole)
        formulaire.retour = self
        return formulaire

    def clore(self, motif: str) -> "PageQuestionnaire":
        self.onglet("Synthèse")
        self.page.get_by_role("link", name="Clore le parcours…").click()
        return self._vers(PageSortie).clore(motif)


class PageDispositif(PageReussite):
    titre = "Ajouter un autre dispositif"
    etape = "ajouter un dispositif"
    retour: PageParcoursDispositifs

    def enregistrer(
        self, *, dispositif: str, depuis: str, precision: str = "", contact: str = ""
    ) -> PageParcoursDispositifs:
        self.page.get_by_label(libelle("Dispositif ou mesure")).select_option(label=dispositif)
        self.page.get_by_label(libelle("Précision")).fill(precision)
        self.page.get_by_label(libelle("Depuis le")).fill(depuis)
        if contact:
            self.page.get_by_label(
                "La famille accepte que le PRE prenne contact avec ce dispositif"
            ).check(force=True)
            self.page.get_by_label(libelle("Contact")).fill(contact)
        self.controle.page_verifiee(f"dispositif {dispositif} saisi")
        self.page.get_by_role("button", name="Enregistrer").click()
        expect(self.messages).to_contain_text("Le dispositif est enregistré.")
        return self.retour.verifier(f"dispositif {dispositif} enregistré")


class PageParole(PageReussite):
    titre = "Noter la parole de la famille"
    etape = "noter la parole de la famille"
    retour: PageParcoursDispositifs

    def enregistrer(self, *, qui: str, moment: str, texte: str) -> PageParcoursDispositifs:
        self.page.get_by_role("radio", name=qui, exact=True).check(force=True)
        self.page.get_by_role("radio", name=moment, exact=True).check(force=True)
        self.page.get_by_label(libelle("Leurs mots")).fill(texte)
        self.controle.page_verifiee("parole saisie")
        self.page.get_by_role("button", name="Enregistrer").click()
        expect(self.messages).to_contain_text("Les mots de la famille sont enregistrés.")
        return self.retour.verifier("parole enregistrée")


class PageSortie(PageReussite):
    titre = "Clore le parcours"
    etape = "clore le parcours"

    def clore(self, motif: str) -> "PageQuestionnaire":
        self.page.get_by_label(libelle("Motif de sortie")).select_option(label=motif)
        self.page.get_by_role("button", name="Clore le parcours").click()
        expect(self.messages).to_contain_text("questionnaire de sortie")
        return self._vers(PageQuestionnaire)


class PageQuestionnaire(PageReussite):
    titre = "Questionnaire de sortie"
    etape = "questionnaire de sortie"

    @property
    def reponses(self) -> Locator:
        return self.page.locator("#reponses-questionnaire")

    def remplir(
        self, *, qui: str, satisfaction: str, aides: list[str], freins: list[str], mots: str
    ) -> "PageQuestionnaire":
        self.page.get_by_role("radio", name=qui, exact=True).check(force=True)
        self.page.get_by_role("radio", name=satisfaction, exact=True).check(force=True)
        for aide in aides:
            self.page.get_by_role("checkbox", name=aide, exact=True).check(force=True)
        for frein in freins:
            self.page.get_by_role("checkbox", name=frein, exact=True).check(force=True)
        self.page.get_by_label(libelle("Ce qui a aidé, dans leurs mots")).fill(mots)
        self.controle.page_verifiee("questionnaire rempli")
        self.page.get_by_role("button", name="Enregistrer le questionnaire").click()
        expect(self.messages).to_contain_text("Le questionnaire de sortie est enregistré.")
        return self.verifier("questionnaire enregistré")
