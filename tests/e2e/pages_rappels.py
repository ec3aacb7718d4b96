"""Page objects of the reminders: the bell in the header, the list of reminders, the e-mail
preferences."""

from playwright.sync_api import Locator, expect

from .pages import PageParcours, PageReussite


class PageAvecCloche(PageReussite):
    """Any page of the application: the bell is in the header, filled in by htmx."""

    @property
    def cloche(self) -> Locator:
        return self.page.locator("#cloche")

    def ouvrir_la_cloche(self, etape: str | None = None) -> "PageRappels":
        self.cloche.click()
        return self._vers(PageRappels, etape)


class PageRappels(PageAvecCloche):
    titre = "Rappels"
    etape = "rappels"
    chemin = "/notifications/"

    @property
    def liste(self) -> Locator:
        return self.page.locator("#liste-rappels")

    def rappel(self, texte: str) -> Locator:
        return self.liste.get_by_role("listitem").filter(has_text=texte)

    def ouvrir_le_rappel(self, texte: str, nom_affiche: str, etape: str) -> "PageParcoursCloche":
        """The « Ouvrir » button marks the reminder read and leads to its pathway."""
        self.rappel(texte).get_by_role("button", name="Ouvrir").click()
        return PageParcoursCloche.atteinte(self, nom_affiche, etape)

    def marquer_comme_lu(self, texte: str) -> "PageRappels":
        self.rappel(texte).get_by_role("button", name="Marquer comme lu").click()
        expect(self.messages.first).to_contain_text("Le rappel est marqué comme lu.")
        return self.verifier("rappels lus")

    def preferences(self) -> "PagePreferencesRappels":
        self.page.get_by_role("link", name="Recevoir les rappels par courriel…").click()
        return self._vers(PagePreferencesRappels)


class PageParcoursCloche(PageParcours, PageAvecCloche):
    pass


class PagePreferencesRappels(PageReussite):
    titre = "Recevoir les rappels"
    etape = "preferences"

    def choisir_au_clavier(self, frequence: str) -> "PagePreferencesRappels":
        """Focus the option, Space selects it; focus the button, Enter submits."""
        choix = self.page.get_by_label(frequence)
        choix.focus()
        self.page.keyboard.press("Space")
        expect(choix).to_be_checked()
        self.page.get_by_role("button", name="Enregistrer").focus()
        self.page.keyboard.press("Enter")
        expect(self.messages.first).to_contain_text("Vos préférences sont enregistrées.")
        return self.verifier("preferences enregistrees")
