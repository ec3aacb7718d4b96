"""The page object of the RGAA self-audit (issue 19): any page of the sample, with the checks a
browser can make on it for the criteria tools usually leave to a human.

Each check returns what it found (a list of problems, empty when the criterion holds), so that
the audit test can record every page's result before it asserts: the record is what
docs/accessibilite/audit-rgaa.md and reussite/core/rgaa.py quote.
"""

import re

from playwright.sync_api import expect

from .pages import PageReussite

# What a keyboard user reaches with Tab, in the document's order.
FOCALISABLES = (
    "a[href], button, input, select, textarea, summary, [tabindex], iframe, [contenteditable]"
)

_DECRIRE = """el => {
    if (!el || el === document.body || el === document.documentElement) return null;
    const nom = (el.getAttribute('aria-label') || el.innerText || el.value || el.title
                 || el.getAttribute('name') || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    return el.tagName.toLowerCase() + (el.type ? '[' + el.type + ']' : '')
        + (el.id ? '#' + el.id : '') + (nom ? ' « ' + nom + ' »' : '');
}"""

# Whether the focused element shows its focus: an outline or a ring on itself, or, for the
# DSFR's visually hidden radios and checkboxes, on the label drawn next to them (::before).
_FOCUS_VISIBLE = """el => {
    const trace = s => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                       || (s.boxShadow && s.boxShadow !== 'none');
    const marque = n => trace(getComputedStyle(n)) || trace(getComputedStyle(n, '::before'))
                        || trace(getComputedStyle(n, '::after'));
    if (marque(el)) return true;
    // The DSFR draws some rings elsewhere: on the label of a visually hidden radio or
    // checkbox, or on the block of an « enlarged » link (:focus-within on an ancestor).
    const label = el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
    if (label && marque(label)) return true;
    let parent = el.parentElement;
    for (let rang = 0; parent && rang < 4; rang++, parent = parent.parentElement) {
        if (parent.matches(':focus-within') && marque(parent)) return true;
    }
    return false;
}"""

# Visible on screen: a focused element the user cannot see is a lost focus.
_VISIBLE = """el => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (r.width > 0 && r.height > 0 && s.visibility !== 'hidden') return true;
    const label = el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
    if (label) { const l = label.getBoundingClientRect(); return l.width > 0 && l.height > 0; }
    return false;
}"""

# The four questions asked at each stop of the keyboard walk, in one evaluation.
_ARRET = f"""() => {{
    const el = document.activeElement;
    const decrire = {_DECRIRE};
    const description = decrire(el);
    if (description === null) return {{description: null}};
    return {{
        description,
        dans_le_contenu: !!el.closest('main'),
        visible: ({_VISIBLE})(el),
        focus_visible: ({_FOCUS_VISIBLE})(el),
    }};
}}"""

_CHAMPS_SANS_ETIQUETTE = """() => {
    const ignores = ['hidden', 'submit', 'button', 'reset', 'image'];
    const problemes = [];
    for (const el of document.querySelectorAll('input, select, textarea')) {
        if (ignores.includes(el.type) || el.closest('[hidden], [aria-hidden="true"]')) continue;
        const libelles = [...(el.labels || [])].map(l => l.textContent.trim())
            .filter(Boolean);
        const par = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
            .map(id => document.getElementById(id)).filter(n => n && n.textContent.trim());
        const nom = el.getAttribute('aria-label') || el.getAttribute('title');
        if (!libelles.length && !par.length && !(nom && nom.trim())) {
            problemes.push((el.id ? '#' + el.id : el.name || el.tagName) + ' sans étiquette');
        }
    }
    return problemes;
}"""

# Every error message of a field (the DSFR's `<id>-desc-error` block, `.fr-error-text`) is
# named by its field's aria-describedby, and the field says it is invalid.
_ERREURS_NON_LIEES = """() => {
    const problemes = [];
    const messages = document.querySelectorAll('.fr-error-text, .fr-message--error');
    for (const message of messages) {
        const bloc = message.closest('[id$="-desc-error"], .fr-messages-group[id]') || message;
        const id = bloc.id;
        const champs = id ? [...document.querySelectorAll('[aria-describedby]')].filter(
            c => c.getAttribute('aria-describedby').split(/\\s+/).includes(id)) : [];
        if (!champs.length) {
            problemes.push('message « ' + message.innerText.trim().slice(0, 60)
                           + ' » relié à aucun champ');
        } else if (!champs.some(c => c.getAttribute('aria-invalid') === 'true'
                                     || c.tagName === 'FIELDSET'
                                     || c.querySelector('[aria-invalid="true"]'))) {
            problemes.push('champ de « ' + message.innerText.trim().slice(0, 40)
                           + ' » sans aria-invalid');
        }
    }
    return problemes;
}"""

_IMAGES = """() => {
    const images = [];
    for (const img of document.querySelectorAll('img, svg, [role="img"], input[type="image"]')) {
        if (img.closest('[aria-hidden="true"]')) continue;
        const alt = img.getAttribute('alt');
        const nom = img.getAttribute('aria-label') || (img.getAttribute('aria-labelledby') &&
            [...img.getAttribute('aria-labelledby').split(/\\s+/)]
                .map(id => document.getElementById(id)?.textContent || '').join(' ').trim())
            || (img.querySelector && img.querySelector(':scope > title')?.textContent) || alt;
        images.push({
            element: img.tagName.toLowerCase(),
            source: (img.getAttribute('src') || '').split('/').pop().slice(0, 60),
            role: img.getAttribute('role') || '',
            alternative: nom === null || nom === undefined ? null : nom.trim().slice(0, 120),
        });
    }
    return images;
}"""


class PageAuditee(PageReussite):
    """A page of the sample, reached by its address, checked by its h1."""

    def __init__(self, page, serveur, controle, *, chemin: str, titre, etape: str):
        super().__init__(page, serveur, controle)
        self.chemin = chemin
        self.titre = titre
        self.etape = etape

    def titre_document(self) -> str:
        return self.page.title()

    def nombre_h1(self) -> int:
        return self.page.locator("h1").count()

    def langue(self) -> str:
        return self.page.locator("html").get_attribute("lang") or ""

    def champs_sans_etiquette(self) -> list[str]:
        return self.page.evaluate(_CHAMPS_SANS_ETIQUETTE)

    def erreurs_non_liees(self) -> list[str]:
        return self.page.evaluate(_ERREURS_NON_LIEES)

    def images(self) -> list[dict]:
        return self.page.evaluate(_IMAGES)

    def tabindex_positifs(self) -> list[str]:
        return self.page.evaluate(
            """() => [...document.querySelectorAll('[tabindex]')]
                .filter(e => parseInt(e.getAttribute('tabindex'), 10) > 0)
                .map(e => e.outerHTML.slice(0, 80))"""
        )

    def parcourir_au_clavier(self, maximum: int = 120) -> tuple[list[str], list[str]]:
        """Tab from the top of the page until the focus leaves it or comes back: the focus
        order, and the problems (focus not visible, focus on something hidden). The first stop
        must be the skip links."""
        # Start where a keyboard user starts: before the first element of the page (an
        # autofocus field, such as the login's e-mail, is left aside).
        self.page.evaluate(
            """() => {
                window.scrollTo(0, 0);
                const depart = document.createElement('span');
                depart.tabIndex = -1;
                document.body.prepend(depart);
                depart.focus();
                depart.remove();
            }"""
        )
        ordre: list[str] = []
        problemes: list[str] = []
        premier = None
        vu_le_contenu = False
        for _rang in range(maximum):
            self.page.keyboard.press("Tab")
            # One round trip per stop: what the focused element is, whether it sits in the
            # content, is visible and shows its focus.
            arret = self.page.evaluate(_ARRET)
            description = arret["description"]
            if description is None:
                break  # the focus left the document (the browser's own interface)
            if description == premier:
                break
            premier = premier or description
            ordre.append(description)
            dans_le_contenu = arret["dans_le_contenu"]
            if len(ordre) == 1 or (dans_le_contenu and not vu_le_contenu):
                # What the focus looks like, for the human part of criterion 10.7.
                self.controle.capture(f"{self.etape} focus {len(ordre)}")
            vu_le_contenu = vu_le_contenu or dans_le_contenu
            if not arret["visible"]:
                problemes.append(f"focus sur un élément invisible : {description}")
            elif not arret["focus_visible"]:
                problemes.append(f"prise de focus non visible : {description}")
        if ordre and "Accéder au contenu" not in ordre[0] and "Contenu" not in ordre[0]:
            problemes.append(f"le premier arrêt n’est pas l’évitement : {ordre[0]}")
        return ordre, problemes

    def debordement(self, largeur: int, hauteur: int, etape: str) -> list[str]:
        """At `largeur` CSS pixels (320: reflow, criterion 10.11; 640: a 1280 px window zoomed
        to 200 %, criterion 10.4): nothing makes the page itself scroll sideways. A data
        table scrolling inside its own frame is allowed by the RGAA."""
        taille = self.page.viewport_size
        self.page.set_viewport_size({"width": largeur, "height": hauteur})
        try:
            self.page.wait_for_timeout(150)
            self.controle.capture(f"{etape} {largeur} px")
            mesure = self.page.evaluate(
                """() => ({
                    defilement: document.documentElement.scrollWidth,
                    largeur: document.documentElement.clientWidth,
                    fautifs: [...document.querySelectorAll('body *')].filter(e => {
                        const r = e.getBoundingClientRect();
                        return r.width > 0 && r.right > document.documentElement.clientWidth + 1
                            && !e.closest('.fr-table, .fr-table__wrapper, [data-defilement]')
                            && getComputedStyle(e).position !== 'fixed';
                    }).slice(0, 5).map(e => e.tagName.toLowerCase()
                        + (e.id ? '#' + e.id : '')
                        + (e.className && typeof e.className === 'string'
                           ? '.' + e.className.trim().split(/\\s+/).slice(0, 2).join('.') : '')),
                })"""
            )
        finally:
            self.page.set_viewport_size(taille)
        if mesure["defilement"] > mesure["largeur"]:
            return [
                f"défilement horizontal à {largeur} px ({mesure['defilement']} px de contenu) : "
                + ", ".join(mesure["fautifs"])
            ]
        return []

    def soumettre_vide(self, bouton: str | re.Pattern) -> "PageAuditee":
        """Empty the form's text fields and submit it: the page comes back with its errors."""
        formulaire = (
            self.page.get_by_role("main")
            .locator("form[method=post]")
            .filter(has=self.page.get_by_role("button", name=bouton))
        )
        champs = formulaire.locator(
            "input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
            ":not([type=file]):not([type=submit]), textarea"
        )
        for rang in range(champs.count()):
            champ = champs.nth(rang)
            if champ.is_visible() and champ.is_editable():
                champ.fill("")
        formulaire.get_by_role("button", name=bouton).first.click()
        expect(self.page.locator(".resume-erreurs, .fr-error-text").first).to_be_visible()
        self.controle.page_verifiee(f"{self.etape} erreurs")
        return self
