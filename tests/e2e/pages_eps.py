"""Page objects of the EPS meetings: the list, planning, a meeting (proposed agenda, attendance),
a decision (each decision's effect shown before it is recorded) and the printable minutes."""

import re

from playwright.sync_api import Locator, expect

from .pages import PageReussite, libelle


class PageReunionsEPS(PageReussite):
    titre = "Réunions EPS"
    etape = "réunions eps"
    chemin = "/parcours/eps/"

    def section(self, titre: str) -> Locator:
        return self.page.get_by_role("region", name=titre)

    def ouvrir_la_premiere(self, section: str, etape: str) -> "PageReunion":
        self.section(section).get_by_role("link").first.click()
        return self._vers(PageReunion, etape)

    def planifier(self) -> "PagePlanification":
        self.page.get_by_role("link", name="Planifier une réunion").click()
        return self._vers(PagePlanification)


class PagePlanification(PageReussite):
    titre = "Planifier une réunion EPS"
    etape = "planifier une réunion"

    def planifier(self, *, le: str, lieu: str, invite: str) -> "PageReunion":
        self.page.get_by_label(libelle("Date et heure")).fill(le)
        champ = self.page.get_by_label(libelle("Lieu"))
        champ.focus()
        self.page.keyboard.type(lieu)
        case = self.page.get_by_role("checkbox", name=re.compile(invite))
        case.focus()
        self.page.keyboard.press("Space")
        expect(case).to_be_checked()
        self.controle.page_verifiee("réunion saisie")
        self.page.get_by_role("button", name="Planifier la réunion").press("Enter")
        reunion = self._vers(PageReunion, "réunion planifiée")
        expect(self.messages.first).to_contain_text("La réunion est planifiée.")
        return reunion


class PageReunion(PageReussite):
    titre = re.compile(r"^\s*Réunion EPS du ")
    etape = "réunion eps"

    @property
    def ordre_du_jour(self) -> Locator:
        return self.page.get_by_role("region", name="Ordre du jour")

    @property
    def proposes(self) -> Locator:
        return self.page.get_by_role("region", name="Parcours proposés")

    @property
    def presences(self) -> Locator:
        return self.page.get_by_role("region", name="Invités et présences")

    @property
    def bouton_presences(self) -> Locator:
        return self.page.get_by_role("button", name="Enregistrer les présences")

    @property
    def lien_releve(self) -> Locator:
        return self.page.get_by_role("link", name="Relevé de conclusions à imprimer")

    @property
    def tenue(self) -> Locator:
        return self.page.get_by_text("Tenue", exact=True)

    def vers_la_liste(self, etape: str) -> PageReunionsEPS:
        self.page.get_by_role("link", name="Réunions EPS").first.click()
        return self._vers(PageReunionsEPS, etape)

    def inscrire(self, nom: str) -> "PageReunion":
        """Keyboard: tick the proposed pathway with Space, Tab to the button, Enter."""
        case = self.proposes.get_by_role("checkbox", name=re.compile(nom))
        case.focus()
        self.page.keyboard.press("Space")
        expect(case).to_be_checked()
        self.page.keyboard.press("Tab")
        bouton = self.page.get_by_role("button", name="Inscrire à l’ordre du jour")
        expect(bouton).to_be_focused()
        self.page.keyboard.press("Enter")
        expect(self.messages.first).to_contain_text("inscrit à l’ordre du jour")
        return self.verifier("ordre du jour confirmé")

    def enregistrer_presences(self, present: str) -> "PageReunion":
        case = self.presences.get_by_role("checkbox", name=re.compile(present))
        case.focus()
        self.page.keyboard.press("Space")
        self.page.get_by_role("button", name="Enregistrer les présences").press("Enter")
        expect(self.messages.first).to_contain_text("Les présences sont enregistrées.")
        return self.verifier("présences enregistrées")

    def decider(self, prenom: str) -> "PageDecision":
        self.ordre_du_jour.get_by_role("link", name=re.compile(f"Décider.*{prenom}")).click()
        return self._vers(PageDecision)

    def releve(self) -> "PageReleve":
        self.lien_releve.click()
        return self._vers(PageReleve)


class PageDecision(PageReussite):
    titre = re.compile(r"^\s*Décision pour ")
    etape = "décision"

    def choix(self, decision: str) -> Locator:
        return self.page.get_by_role("radio", name=re.compile(f"^{decision}"))

    def objectif(self, intitule: str) -> Locator:
        """An objective the decision lists (« objectifs revus »: the ones to revise)."""
        return self.page.get_by_role("link", name=re.compile(re.escape(intitule)))

    def effet(self, decision: str) -> Locator:
        """The effect written under a decision, read before choosing it."""
        identifiant = self.choix(decision).get_attribute("id")
        return self.page.locator(f"label[for='{identifiant}'] .reussite-effet-decision")

    def decider(self, decision: str, *, releve: str, revue: str) -> PageReunion:
        """Keyboard: Space on the decision, the texts typed into their fields, Enter."""
        choix = self.choix(decision)
        choix.focus()
        self.page.keyboard.press("Space")
        expect(choix).to_be_checked()
        self.page.get_by_label(libelle("Relevé de conclusions")).focus()
        self.page.keyboard.type(releve)
        self.page.get_by_label(libelle("Prochaine revue")).fill(revue)
        self.controle.page_verifiee("décision saisie")
        self.page.get_by_role("button", name="Enregistrer la décision").press("Enter")
        return self._vers(PageReunion, "décision enregistrée")


class PageReleve(PageReussite):
    titre = re.compile(r"^\s*Relevé de conclusions")
    etape = "relevé de conclusions"

    def imprimer(self) -> "PageReleve":
        """Print media emulated, as the printed page reads (`ecran()` goes back)."""
        self.page.emulate_media(media="print")
        self.controle.page_verifiee("releve imprime")
        return self

    def ecran(self) -> "PageReleve":
        self.page.emulate_media(media="screen")
        return self
