"""What every browser journey checks on each page it reaches: a screenshot, then axe-core."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

IMPACTS_BLOQUANTS = ("serious", "critical")


@dataclass
class Controle:
    page: Page
    nom_test: str
    dossier: Path
    axe: Axe = field(default_factory=Axe)
    etapes: int = 0
    captures: list[Path] = field(default_factory=list)
    erreurs_js: list[str] = field(default_factory=list)
    violations_csp: list[str] = field(default_factory=list)
    # Minor or moderate violations, and what axe could not decide ("incomplete"): not failures,
    # written next to the screenshots for a human to review.
    remarques: list[str] = field(default_factory=list)

    def capture(self, etape: str) -> Path:
        """Full-page screenshot: test-results/screenshots/<test>-<NN>-<étape>.png."""
        self.etapes += 1
        chemin = self.dossier / f"{self.nom_test}-{self.etapes:02d}-{slug(etape)}.png"
        # caret="initial": Playwright's default hides the text caret with an injected style,
        # which the DSFR's script can copy into a style attribute that the site's CSP refuses
        # (a flaky CSP error in the console, depending on timing).
        self.page.screenshot(path=chemin, full_page=True, caret="initial")
        self.captures.append(chemin)
        return chemin

    def accessibilite(self, etape: str, tierces: dict[str, str] | None = None) -> None:
        """axe-core on the current page: no "serious" or "critical" violation. `tierces` names
        the rules a third-party page breaks in its own markup, which we cannot change (rule id →
        why): reported in the remarks, never silently."""
        resultats = self.axe.run(self.page)
        violations = resultats.response["violations"]
        tierces = tierces or {}
        for violation in violations:
            if violation["id"] in tierces:
                self.remarques.append(
                    f"Étape « {etape} », règle d’un composant tiers ({tierces[violation['id']]})"
                    "\n" + formater_violations([violation])
                )
        violations = [v for v in violations if v["id"] not in tierces]
        bloquantes = [v for v in violations if v.get("impact") in IMPACTS_BLOQUANTS]
        autres = [v for v in violations if v not in bloquantes]
        a_verifier = resultats.response.get("incomplete", [])
        if autres:
            self.remarques.append(
                f"Étape « {etape} » ({self.page.url}), violations mineures ou modérées\n"
                + formater_violations(autres)
            )
        if a_verifier:
            self.remarques.append(
                f"Étape « {etape} » ({self.page.url}), à vérifier à la main (axe « incomplete »)\n"
                + formater_violations(a_verifier)
            )
        assert not bloquantes, (
            f"axe-core, étape « {etape} » ({self.page.url}) : "
            f"{len(bloquantes)} règle(s) enfreinte(s) avec un impact grave ou critique\n"
            + formater_violations(bloquantes)
        )

    def ecrire_remarques(self) -> Path | None:
        if not self.remarques:
            return None
        chemin = self.dossier / f"{self.nom_test}-axe-remarques.txt"
        chemin.write_text("\n\n".join(self.remarques), encoding="utf-8")
        return chemin

    def page_verifiee(self, etape: str, tierces: dict[str, str] | None = None) -> None:
        """Screenshot first, so that the page an accessibility failure is about can be seen."""
        self.capture(etape)
        self.accessibilite(etape, tierces)


def formater_violations(violations: list[dict]) -> str:
    lignes = []
    for violation in violations:
        lignes.append(
            f"- [{violation.get('impact') or '?'}] {violation['id']} : {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for noeud in violation["nodes"]:
            cible = " ".join(str(c) for c in noeud.get("target", []))
            lignes.append(f"    • {cible}\n      {noeud.get('html', '').strip()[:300]}")
            resume = (noeud.get("failureSummary") or "").strip().replace("\n", "\n        ")
            if resume:
                lignes.append(f"        {resume}")
    return "\n".join(lignes)


def slug(texte: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", texte.lower()).strip("-") or "page"
