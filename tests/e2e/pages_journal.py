"""Page objects of the pathway's journal (notes, ruptures, pathways at risk)."""

from playwright.sync_api import Locator, expect

from .pages import PageParcours, PageReussite, libelle


class PageParcoursJournal(PageParcours):
    @property
    def chronologie(self) -> Locator:
        self.onglet("Journal")
        return self.page.locator("#evenements")

    @property
    def a_venir(self) -> Locator:
        self.onglet("Journal")
        return self.page.locator("#a-venir")

    def ecrire_une_note(self) -> "PageNote":
        self.onglet("Journal")
        self.page.get_by_role("link", name="Écrire une note").click()
        note = self._vers(PageNote)
        note.retour = self
        return note

    def signaler_une_rupture(self) -> "PageRupture":
        self.onglet("Journal")
        self.page.get_by_role("link", name="Signaler une rupture").click()
        rupture = self._vers(PageRupture)
        rupture.retour = self
        return rupture

    def filtrer(self, type_evenement: str) -> "PageParcoursJournal":
        self.onglet("Journal")
        self.page.get_by_label("Type d’événement").select_option(label=type_evenement)
        self.page.get_by_role("button", name="Filtrer").click()
        return self.verifier(f"chronologie filtrée {type_evenement}")


class PageNote(PageReussite):
    titre = "Écrire une note"
    etape = "écrire une note"
    retour: PageParcoursJournal

    def ecrire_au_clavier(self, texte: str, *, crans: int = 0) -> PageParcoursJournal:
        """Keyboard only: type the text, Tab into the visibility radios (the default, the
        team, has the focus), arrow down `crans` times, Tab to the button, Enter."""
        champ = self.page.get_by_label(libelle("Note"))
        champ.focus()
        self._taper_puis_tab(champ, texte)
        for _ in range(crans):
            self.page.keyboard.press("ArrowDown")
        self.page.keyboard.press("Tab")
        bouton = self.page.get_by_role("button", name="Enregistrer la note")
        expect(bouton).to_be_focused()
        self.controle.page_verifiee("note saisie au clavier")
        self.page.keyboard.press("Enter")
        expect(self.messages).to_contain_text("La note a été ajoutée au journal.")
        return self.retour.verifier("note enregistrée")


class PageRupture(PageReussite):
    titre = "Signaler une rupture"
    etape = "signaler une rupture"
    retour: PageParcoursJournal

    def enregistrer(
        self, *, type_rupture: str, le: str, description: str, reponse: str, reponse_le: str
    ) -> PageParcoursJournal:
        self.page.get_by_label(libelle("Type de rupture")).select_option(label=type_rupture)
        self.page.get_by_label(libelle("Date"), exact=False).first.fill(le)
        self.page.get_by_label(libelle("Description")).fill(description)
        self.page.get_by_label(libelle("Réponse décidée"), exact=False).first.fill(reponse)
        self.page.get_by_label(libelle("Réponse décidée le")).fill(reponse_le)
        self.page.get_by_role("button", name="Enregistrer la rupture").click()
        expect(self.messages).to_contain_text("La rupture a été enregistrée.")
        return self.retour.verifier("rupture enregistrée")


class PageARisque(PageReussite):
    titre = "Parcours à risque"
    etape = "parcours à risque"
    chemin = "/parcours/a-risque/"

    @property
    def lignes(self) -> Locator:
        return self.page.locator("#parcours-a-risque tbody tr")

    @classmethod
    def depuis_le_menu(cls, depuis: PageReussite) -> "PageARisque":
        menu = depuis.page.get_by_role("navigation", name="Menu principal")
        menu.get_by_role("link", name="Parcours à risque").click()
        return depuis._vers(cls)

    @property
    def legende(self) -> Locator:
        return self.page.locator("#parcours-a-risque caption")

    def choisir(self, champ: str, option: str, lignes_attendues: int) -> "PageARisque":
        """Pick a filter or sort option: htmx swaps the results in place (the form still works
        without JavaScript through its « Filtrer » button)."""
        self.page.get_by_label(champ).select_option(label=option)
        expect(self.lignes).to_have_count(lignes_attendues, timeout=10_000)
        return self.verifier(f"{champ} : {option}")

    def noms(self) -> list[str]:
        return [
            " ".join(t.split()) for t in self.lignes.locator("td:first-child").all_text_contents()
        ]
