"""The load test's clients (reussite/devtools/charge.py): a keep-alive HTTP client that behaves
like a browser behind the TLS proxy, the real login and 2FA steps, the htmx bell and the note
form, and the measures they record."""

from __future__ import annotations

import contextlib
import random
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.client import HTTPConnection, HTTPException
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit, urlunsplit

HOTE = "reussite.charge.test"
ORIGINE = f"https://{HOTE}"
MOT_DE_PASSE = "reussite-bench-2026"
NOM_APPAREIL = "Banc de charge"
ECHAUFFEMENT_S = 5
DELAI_REQUETE_S = 90  # longer than gunicorn's --timeout=60: a killed worker shows as an error
ERREURS_MONTREES = 8
PARCOURS_PAR_UTILISATEUR = 200


class _Champs(HTMLParser):
    """The hidden inputs of a page (CSRF token, one-time creation token, next)."""

    def __init__(self):
        super().__init__()
        self.champs: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributs = dict(attrs)
        if tag == "input" and attributs.get("type") == "hidden" and attributs.get("name"):
            self.champs.setdefault(attributs["name"], attributs.get("value") or "")


def champs_caches(html: str) -> dict[str, str]:
    lecteur = _Champs()
    lecteur.feed(html)
    return lecteur.champs


@dataclass
class Reponse:
    chemin: str
    statut: int
    entetes: dict[str, str]
    corps: str
    cookies: list[str]

    @property
    def destination(self) -> str:
        return self.entetes.get("location", "")


class Erreur(Exception):
    """An answer the load test does not accept (status, redirect, cookie)."""


@dataclass
class Mesures:
    debut_mesure: float
    durees: dict[str, list[float]] = field(default_factory=dict)
    requetes: dict[str, int] = field(default_factory=dict)
    erreurs: list[str] = field(default_factory=list)
    verrou: threading.Lock = field(default_factory=threading.Lock)

    def noter(self, genre: str, debut: float, duree_ms: float) -> None:
        with self.verrou:
            self.requetes[genre] = self.requetes.get(genre, 0) + 1
            if debut >= self.debut_mesure:
                self.durees.setdefault(genre, []).append(duree_ms)

    def erreur(self, texte: str) -> None:
        with self.verrou:
            self.erreurs.append(texte)


class Navigateur:
    """One client behind the TLS proxy: its cookies, its address, one connection."""

    def __init__(self, port: int, adresse: str, mesures: Mesures):
        self.port = port
        self.adresse = adresse
        self.mesures = mesures
        self.cookies: dict[str, str] = {}
        self.connexion = HTTPConnection("127.0.0.1", port, timeout=DELAI_REQUETE_S)

    def requete(
        self,
        methode: str,
        chemin: str,
        genre: str,
        *,
        donnees: dict | None = None,
        entetes: dict | None = None,
        https: bool = True,
        referent: str | None = None,
    ) -> Reponse:
        envoyes = {
            "Host": HOTE,
            "User-Agent": "reussite-charge/1 (banc de charge)",
            "Accept": "text/html,application/xhtml+xml",
            "Accept-Language": "fr-FR,fr",
            "X-Forwarded-For": self.adresse,
        }
        if https:
            envoyes["X-Forwarded-Proto"] = "https"
        if self.cookies:
            envoyes["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        corps = None
        if donnees is not None:
            corps = urlencode(donnees).encode()
            envoyes["Content-Type"] = "application/x-www-form-urlencoded"
            envoyes["Origin"] = ORIGINE
        if referent:
            envoyes["Referer"] = ORIGINE + referent
        envoyes.update(entetes or {})
        debut = time.monotonic()
        try:
            self.connexion.request(methode, chemin, body=corps, headers=envoyes)
            brute = self.connexion.getresponse()
            contenu = brute.read()
        except (OSError, HTTPException) as exc:
            self.connexion.close()
            self.connexion = HTTPConnection("127.0.0.1", self.port, timeout=DELAI_REQUETE_S)
            raise Erreur(f"{genre} {methode} {chemin}: {type(exc).__name__} {exc}") from exc
        duree = (time.monotonic() - debut) * 1000
        self.mesures.noter(genre, debut, duree)
        reponse = Reponse(
            chemin=chemin,
            statut=brute.status,
            entetes={k.lower(): v for k, v in brute.getheaders()},
            corps=contenu.decode("utf-8", "replace"),
            cookies=brute.headers.get_all("Set-Cookie") or [],
        )
        non_securises = []
        for ligne in reponse.cookies:
            cookie = SimpleCookie()
            cookie.load(ligne)
            for nom, morceau in cookie.items():
                if https and not morceau["secure"]:
                    non_securises.append(nom)
                if morceau.value == "" or morceau["max-age"] == "0":
                    self.cookies.pop(nom, None)
                else:
                    self.cookies[nom] = morceau.value
        if non_securises:
            raise Erreur(f"{genre} {chemin}: cookie {', '.join(non_securises)} sans Secure")
        if reponse.statut >= 400:
            raise Erreur(f"{genre} {methode} {chemin}: {reponse.statut}")
        return reponse

    def page(self, chemin: str, genre: str, *, referent: str | None = None) -> Reponse:
        reponse = self.requete("GET", chemin, genre, referent=referent)
        if reponse.statut != 200:
            raise Erreur(f"{genre} GET {chemin}: {reponse.statut} vers {reponse.destination!r}")
        return reponse

    def suivre(self, reponse: Reponse, genre: str, attendu: str | None = None) -> Reponse:
        """Follow a redirect (the one expected, when given) to a page that answers 200."""
        for _ in range(5):
            if reponse.statut not in (301, 302, 303):
                break
            cible = urlsplit(reponse.destination)
            if cible.netloc not in ("", HOTE):
                raise Erreur(f"{genre}: redirection hors du site vers {reponse.destination!r}")
            chemin = urlunsplit(("", "", cible.path, cible.query, ""))
            if attendu is not None and cible.path != attendu:
                raise Erreur(f"{genre}: redirection inattendue vers {reponse.destination!r}")
            attendu = None
            reponse = self.requete("GET", chemin, genre)
        if reponse.statut != 200:
            raise Erreur(f"{genre}: {reponse.statut} au bout des redirections")
        return reponse


# --- The clients ---------------------------------------------------------------------------------


class Horloge2FA:
    """The TOTP time steps already used per device: django-otp refuses a step used before, and
    two clients of one user would otherwise send the same code in the same 30 s."""

    def __init__(self):
        self.verrou = threading.Lock()
        self.derniers: dict[str, int] = {}

    def code(self, email: str, totp: dict) -> str:
        from django_otp.oath import hotp

        while True:
            with self.verrou:
                maintenant = int((time.time() - totp["t0"]) // totp["pas"])
                dernier = max(self.derniers.get(email, -1), totp["dernier_t"])
                # The device accepts one step ahead (tolerance 1): wait beyond that.
                pas = max(maintenant, dernier + 1)
                if pas <= maintenant + 1:
                    self.derniers[email] = pas
                    cle = bytes.fromhex(totp["cle"])
                    return str(hotp(cle, pas, totp["chiffres"])).zfill(totp["chiffres"])
            time.sleep(1)


def se_connecter(nav: Navigateur, user: dict, urls: dict, horloge: Horloge2FA) -> None:
    """The login page, then the second-factor page, as a person types them."""
    page = nav.page(urls["connexion"], "connexion")
    csrf = champs_caches(page.corps).get("csrfmiddlewaretoken")
    if not csrf:
        raise Erreur("connexion: pas de jeton CSRF sur la page de connexion")
    reponse = nav.requete(
        "POST",
        urls["connexion"],
        "connexion",
        donnees={"csrfmiddlewaretoken": csrf, "username": user["email"], "password": MOT_DE_PASSE},
        referent=urls["connexion"],
    )
    if reponse.statut != 302:
        raise Erreur(f"connexion de {user['email']}: {reponse.statut} (mot de passe refusé ?)")
    # Signed in without a second factor: the home page leads to the verification step.
    page = nav.suivre(reponse, "connexion", attendu=urls["accueil"])
    verification = page.chemin
    if urlsplit(verification).path != urls["verification"]:
        raise Erreur(f"connexion de {user['email']}: arrivé sur {verification!r}, pas au code")
    champs = champs_caches(page.corps)
    reponse = nav.requete(
        "POST",
        verification,
        "connexion",
        donnees={
            "csrfmiddlewaretoken": champs.get("csrfmiddlewaretoken", ""),
            "next": champs.get("next", urls["accueil"]),
            "code": horloge.code(user["email"], user["totp"]),
        },
        referent=verification,
    )
    if reponse.statut != 302:
        raise Erreur(f"double authentification de {user['email']}: {reponse.statut}")
    nav.suivre(reponse, "connexion", attendu=urls["accueil"])
    cloche(nav, urls, urls["accueil"])


def cloche(nav: Navigateur, urls: dict, page: str) -> None:
    """What htmx requests once the page is loaded (hx-trigger="load" on the bell)."""
    reponse = nav.requete(
        "GET",
        urls["cloche"],
        "cloche (htmx)",
        entetes={
            "HX-Request": "true",
            "HX-Current-URL": ORIGINE + page,
            "HX-Target": "cloche-compteur",
            "HX-Trigger": "cloche",
            "Accept": "*/*",
        },
    )
    if reponse.statut != 200:
        raise Erreur(f"cloche: {reponse.statut} vers {reponse.destination!r}")


def ecrire_note(nav: Navigateur, urls: dict, pk: int, n: int) -> None:
    """A note through the real form: its page, then the POST with its CSRF and one-time tokens,
    then the journal it redirects to."""
    formulaire = urls["note"].format(pk=pk)
    page = nav.page(formulaire, "formulaire de note")
    cloche(nav, urls, formulaire)
    champs = champs_caches(page.corps)
    if not champs.get("jeton"):
        raise Erreur(f"formulaire de note {formulaire}: pas de jeton de création")
    reponse = nav.requete(
        "POST",
        formulaire,
        "note (POST)",
        donnees={
            "csrfmiddlewaretoken": champs.get("csrfmiddlewaretoken", ""),
            "jeton": champs["jeton"],
            "texte": f"Point d’étape (banc de charge, note {n}).",
            "visibilite": "equipe",
        },
        referent=formulaire,
    )
    if reponse.statut != 302:
        raise Erreur(f"note (POST) {formulaire}: {reponse.statut} (formulaire refusé)")
    journal = urls["journal"].format(pk=pk)
    nav.suivre(reponse, "journal", attendu=journal)
    cloche(nav, urls, journal)


def client(
    k: int,
    user: dict,
    urls: dict,
    port: int,
    mesures: Mesures,
    horloge: Horloge2FA,
    depart: threading.Barrier,
    fin: list[float],
) -> None:
    hasard = random.Random(k)  # noqa: S311 - not cryptography: which page to open next
    nav = Navigateur(port, f"10.18.{k // 250}.{k % 250 + 1}", mesures)
    try:
        se_connecter(nav, user, urls, horloge)
    except Erreur as exc:
        mesures.erreur(f"client {k} ({user['email']}): {exc}")
        return
    finally:
        with contextlib.suppress(threading.BrokenBarrierError):
            depart.wait()
    envoyees = notes = tour = 0
    while time.monotonic() < fin[0]:
        tour += 1
        pk = hasard.choice(user["parcours"])
        liste = urls["liste"]
        if tour % 2 == 0:
            liste += "?" + urlencode({"statut": "en_cours", "tri": hasard.choice(["", "nom"])})
        pages = [(liste, "liste des parcours"), (urls["parcours"].format(pk=pk), "fiche parcours")]
        if user["coordonne"]:
            actions = urls["actions"] + ("?page=2" if tour % 3 == 0 else "")
            pages.append((actions, "liste des actions"))
        pages.append((urls["journal"].format(pk=pk), "journal"))
        for chemin, genre in pages:
            if time.monotonic() >= fin[0]:
                break
            try:
                # A POST every tenth request (pages and bells counted).
                if user["parcours_notes"] and envoyees // 10 > notes:
                    notes += 1
                    ecrire_note(nav, urls, hasard.choice(user["parcours_notes"]), notes)
                    envoyees += 5  # form, bell, POST, journal, bell
                nav.page(chemin, genre)
                cloche(nav, urls, chemin)
            except Erreur as exc:
                mesures.erreur(f"client {k} ({user['email']}): {exc}")
            envoyees += 2


# --- Server and report -----------------------------------------------------------------------
