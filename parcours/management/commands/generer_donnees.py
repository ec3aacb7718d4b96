# ruff: noqa: S608, S603, S607 - SQL built from constants and integers; pg_dump/pg_restore
"""Synthetic data set for benchmarks (issue 7): `city` or `national` scale, set-based SQL.

    manage.py generer_donnees --echelle city|national --graine N [--programmes K]
        [--parcours N] [--le AAAA-MM-JJ] [--dump] [--depuis-dump]

Every row is computed in PostgreSQL (`INSERT ... SELECT generate_series(...)`) from its index
and the seed through `hashtext`, so the same seed, scale and reference date give the same rows.
Ids are explicit (offset by the table's current maximum) so foreign keys are arithmetic.
Programme 1 is the same large programme at both scales (3,000 pathways, 1 coordinator, 9
référents, 30 partners): `city` is programme 1 alone. Guardian rows are derived in SQL exactly as
`parcours.permissions.droits_attendus` does. Synthetic names only.

Bulk loading (issue 18, point 4): the command runs as the schema's owner; the history triggers
are ignored (`pgtrigger.ignore()`) and one « insert » event per tracked row is written after, in
one statement per event table; foreign keys are dropped and added back and the largest tables'
secondary indexes built after the inserts (`_index_differes`). The access trail gets a year of
entries (~2.9 M rows at national scale) that the DPO's console and anomaly views can query.
"""

import contextlib
import random
import re
import subprocess
import time
from datetime import date
from pathlib import Path

import pgtrigger
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connection, transaction

from reussite.core.charte import CHARTE_VERSION
from reussite.core.privileges import connexion_proprietaire

MOT_DE_PASSE = "reussite-bench-2026"
STRUCTURES_PAR_PROGRAMME = 10
PROS_PAR_PROGRAMME = 40  # 1 coordinator, 9 référents (porteuse), 30 partners
REUNIONS_PAR_PROGRAMME = 36
CONVENTIONS_PAR_PROGRAMME = 3
# The largest tables: their secondary indexes are built once, after the inserts.
INDEX_DIFFERES = ("core_traceacces", "parcours_note", "parcours_noteevent", "parcours_action")
# Tables filled here outside the parcours_ and partenaires_ apps: their foreign keys too are
# checked once, after the inserts.
AUTRES_TABLES_REMPLIES = (
    "core_traceacces",
    "core_rappel",
    "core_acceptationcharte",
    "core_programmeuserobjectpermission",
)
TAILLE_GRAND_PROGRAMME = 3000
TAILLE_MOYENNE = 296
TAILLE_ECART = 220

PRENOMS = [
    "Adam",
    "Alice",
    "Amir",
    "Anna",
    "Arthur",
    "Ayoub",
    "Chloe",
    "Clara",
    "Eden",
    "Elena",
    "Emma",
    "Gabriel",
    "Hugo",
    "Ines",
    "Jade",
    "Jules",
    "Lea",
    "Leo",
    "Lina",
    "Louis",
    "Lucas",
    "Maelys",
    "Mila",
    "Nael",
    "Noah",
    "Nora",
    "Paul",
    "Rose",
    "Sacha",
    "Sarah",
    "Theo",
    "Yanis",
    "Zoe",
]
NOMS = [
    "Bernard",
    "Bonnet",
    "Chevalier",
    "Dubois",
    "Durand",
    "Fabre",
    "Fontaine",
    "Garnier",
    "Girard",
    "Lambert",
    "Laurent",
    "Lefebvre",
    "Leroy",
    "Martin",
    "Mercier",
    "Michel",
    "Moreau",
    "Morel",
    "Perrin",
    "Petit",
    "Richard",
    "Robert",
    "Roux",
    "Simon",
    "Thomas",
    "Vincent",
]
TABLES = {
    "user": "core_user",
    "programme": "core_programme",
    "structure": "partenaires_structure",
    "professionnel": "partenaires_professionnel",
    "parcours": "parcours_parcours",
    "famille": "parcours_famille",
    "responsable": "parcours_responsablelegal",
    "enfant": "parcours_enfant",
    "consentement": "parcours_consentement",
    "intervenant": "parcours_intervenant",
    "objectif": "parcours_objectif",
    "action": "parcours_action",
    "note": "parcours_note",
    "reunion": "parcours_reunioneps",
    "offre": "partenaires_offre",
    "convention": "partenaires_convention",
    "partie": "partenaires_partieconvention",
    "rappel": "core_rappel",
    "trace": "core_traceacces",
    "sollicitation": "parcours_sollicitation",
    "orientation": "parcours_orientation",
    "demande_droit": "parcours_demandedroit",
    "dispositif": "parcours_dispositif",
    "transition": "parcours_transition",
    "questionnaire": "parcours_questionnairesortie",
    "parole": "parcours_parolefamille",
    "transfert": "parcours_transfert",
}


def _sql_liste(valeurs) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in valeurs) + "]"


class Command(BaseCommand):
    help = "Génère un jeu de données synthétique (city ou national) pour les mesures."

    def add_arguments(self, parser):
        parser.add_argument("--echelle", choices=["city", "national"], default="city")
        parser.add_argument("--graine", type=int, default=1)
        parser.add_argument("--programmes", type=int, help="nombre de programmes (national)")
        parser.add_argument("--parcours", type=int, help="parcours du programme 1 (et des autres)")
        parser.add_argument("--le", type=date.fromisoformat, help="date de référence")
        parser.add_argument("--dump", action="store_true", help="écrit var/bench/<…>.dump")
        parser.add_argument(
            "--depuis-dump", action="store_true", help="restaure le dump au lieu de générer"
        )

    def handle(self, *args, echelle, graine, programmes, parcours, le, dump, depuis_dump, **o):
        chemin = (
            Path(settings.BASE_DIR)
            / "var"
            / "bench"
            / f"{echelle}-{programmes or 'x'}-{graine}.dump"
        )
        if depuis_dump:
            if not chemin.exists():
                raise CommandError(f"Pas de dump {chemin}")
            debut = time.perf_counter()
            subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "-j",
                    "2",
                    "-d",
                    _dsn(),
                    str(chemin),
                ],
                check=True,
            )
            self.stdout.write(f"Restauré depuis {chemin} en {time.perf_counter() - debut:.1f} s")
            return
        debut = time.perf_counter()
        # As the schema's owner (DATABASE_OWNER_URL), like `migrate`: the application role may
        # only insert into the access trail and cannot ANALYZE the tables it fills, and the
        # planner needs their statistics between two steps.
        with connexion_proprietaire(DEFAULT_DB_ALIAS):
            Generateur(
                echelle=echelle,
                graine=graine,
                programmes=programmes,
                parcours=parcours,
                le=le or date.today(),
                sortie=self.stdout,
            ).generer()
        self.stdout.write(f"Terminé en {time.perf_counter() - debut:.1f} s")
        if dump:
            chemin.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["pg_dump", "-Fc", "-f", str(chemin), _dsn()], check=True)
            self.stdout.write(f"Dump : {chemin}")


def _dsn() -> str:
    d = connection.settings_dict
    return f"postgresql://{d['USER']}@{d['HOST'] or 'localhost'}:{d['PORT'] or 5432}/{d['NAME']}"


class Generateur:
    def __init__(self, *, echelle, graine, programmes=None, parcours=None, le, sortie=None):
        self.echelle = echelle
        self.graine = graine
        self.le = le
        self.sortie = sortie
        national = echelle == "national"
        self.nb_programmes = programmes or (500 if national else 1)
        self.parcours = parcours
        self.domaine = f"{echelle}.bench"

    def tailles(self) -> list[int]:
        """Pathways per programme. Programme 1 is the large programme (3,000 pathways) at both
        scales, so that the benchmark compares the same programme; the others vary around 296
        (from 76 to 516, deviations drawn in opposite pairs: 150,704 pathways over 500
        programmes). `--parcours N` gives every programme N pathways (the tests)."""
        if self.parcours:
            return [self.parcours] * self.nb_programmes
        tirage = random.Random(self.graine)  # noqa: S311 - synthetic data, not security
        ecarts = []
        while len(ecarts) < self.nb_programmes - 1:
            ecart = tirage.randint(0, TAILLE_ECART)
            ecarts += [ecart, -ecart]
        ecarts = ecarts[: self.nb_programmes - 1]
        if len(ecarts) % 2:
            ecarts[-1] = 0
        tirage.shuffle(ecarts)
        return [TAILLE_GRAND_PROGRAMME] + [TAILLE_MOYENNE + e for e in ecarts]

    # --- helpers -----------------------------------------------------------------------------

    def h(self, expr: str, sel: str, modulo: int) -> str:
        """A deterministic pseudo-random integer in [0, modulo) from an expression and a salt."""
        return f"((hashtext(({expr})::text || ':{sel}:{self.graine}') & 2147483647) % {modulo})"

    def _analyser(self) -> None:
        """Statistics on the rows just inserted (visible to this transaction): without them the
        planner takes the fresh tables for empty and chooses nested loops."""
        with connection.cursor() as c:
            c.execute("ANALYZE")

    @contextlib.contextmanager
    def _index_differes(self, tables):
        """Bulk loading as PostgreSQL's documentation advises (« Populating a Database »),
        for the tables the connected role owns (the command runs as the schema's owner; the
        tests, as the application role, change nothing):
        - the foreign keys of the tables filled here are dropped, then added back, each
          checked by one join instead of one locking look-up per inserted row (millions of
          them, deferred to the commit);
        - the secondary indexes of the largest tables (`tables`: the access trail's four,
          the notes', their history's, the actions') are dropped, then built in one sorted
          pass each. Unique indexes and those behind a constraint stay."""
        with connection.cursor() as c:
            c.execute(
                """
                SELECT t.relname, k.conname, pg_get_constraintdef(k.oid)
                FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
                WHERE k.contype = 'f' AND pg_get_userbyid(t.relowner) = current_user
                    AND t.relnamespace = to_regnamespace(current_schema())
                    AND (t.relname LIKE 'parcours\\_%%' OR t.relname LIKE 'partenaires\\_%%'
                        OR t.relname = ANY(%s))
                ORDER BY 1, 2""",
                [list(AUTRES_TABLES_REMPLIES)],
            )
            cles = c.fetchall()
            c.execute(
                """
                SELECT t.relname, x.relname, pg_get_indexdef(i.indexrelid)
                FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                JOIN pg_class x ON x.oid = i.indexrelid
                WHERE t.relname = ANY(%s) AND NOT i.indisprimary AND NOT i.indisunique
                    AND pg_get_userbyid(t.relowner) = current_user
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.oid)
                ORDER BY 1, 2""",
                [list(tables)],
            )
            index = c.fetchall()
            for table, nom, _definition in cles:
                c.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{nom}"')
            for _table, nom, _definition in index:
                c.execute(f'DROP INDEX "{nom}"')
        yield
        debut = time.perf_counter()
        with connection.cursor() as c:
            # The foreign keys of the small tables left in place are checked at commit
            # (deferred): their pending checks would forbid an index build. Check them now.
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            c.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _table, _nom, definition in index:
                c.execute(definition)
            milieu = time.perf_counter()
            for table, nom, definition in cles:
                c.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{nom}" {definition}')
        if self.sortie and (index or cles):
            self.sortie.write(
                f"  {'index reconstruits':<28} {len(index):>9}        "
                f"{milieu - debut:6.1f} s\n"
                f"  {'clés étrangères vérifiées':<28} {len(cles):>9}        "
                f"{time.perf_counter() - milieu:6.1f} s"
            )

    def _sql(self, sql: str) -> str:
        return sql.format(**self.o, le=f"'{self.le.isoformat()}'::date")

    def _executer(self, titre: str, sql: str, params=None) -> None:
        debut = time.perf_counter()
        sql = self._sql(sql)
        if params is None:
            # pgtrigger.ignore() prefixes the statement and passes parameters: `%` is escaped.
            sql, params = sql.replace("%", "%%"), ()
        with connection.cursor() as c:
            c.execute(sql, params)
            n = c.rowcount
            # Statistics on the table just filled: the next statements join it, and a table
            # the planner believes empty gets nested loops over tens of thousands of rows.
            cible = re.search(r"INSERT INTO \"?(\w+)", sql)
            if cible:
                c.execute(f'ANALYZE "{cible.group(1)}"')
        if self.sortie:
            self.sortie.write(f"  {titre:<28} {n:>9} lignes  {time.perf_counter() - debut:6.1f} s")

    @transaction.atomic
    def generer(self) -> None:
        with connection.cursor() as c:
            self.o = {}
            for cle, table in TABLES.items():
                c.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
                self.o[cle] = c.fetchone()[0]
            c.execute(
                "SELECT codename, id FROM auth_permission WHERE codename IN "
                "('view_parcours','change_parcours','coordonner_programme')"
            )
            for codename, pk in c.fetchall():
                self.o[f"perm_{codename}"] = pk
            tailles = self.tailles()
            debuts = [sum(tailles[:k]) for k in range(len(tailles))]
            c.execute(
                "CREATE TEMP TABLE gen_prog (p int, debut int, n int) ON COMMIT DROP; "
                "INSERT INTO gen_prog SELECT p, debut, n "
                "FROM unnest(%s::int[], %s::int[]) WITH ORDINALITY u(debut, n, p)",
                [debuts, tailles],
            )
        from parcours.models import Parcours

        self.o["ct_parcours"] = ContentType.objects.get_for_model(Parcours).pk
        self.o["prenoms"] = _sql_liste(PRENOMS)
        self.o["noms"] = _sql_liste(NOMS)
        self.o["np"], self.o["nn"] = len(PRENOMS), len(NOMS)
        self.o["S"], self.o["K"] = STRUCTURES_PAR_PROGRAMME, PROS_PAR_PROGRAMME
        self.o["R"], self.o["C"] = REUNIONS_PAR_PROGRAMME, CONVENTIONS_PAR_PROGRAMME
        self.o["charte"] = CHARTE_VERSION
        self.o["dom"] = self.domaine
        self.o["P"] = self.nb_programmes
        # The history triggers (django-pghistory, through django-pgtrigger) are ignored while
        # the rows are inserted: fired per row, each one updates the transaction's context row
        # again, and the cost grows with the rows already written (the national set had not
        # finished its notes after 10 minutes). The history rows are then written in bulk.
        with pgtrigger.ignore(), self._index_differes(INDEX_DIFFERES):
            for etape in (
                self._reseau,
                self._enfants,
                self._analyser,
                self._suivi,
                self._eps,
                self._analyser,
                self._permissions,
                self._sollicitations,
                self._droits_et_orientations,
                self._dispositifs_et_transitions,
                self._traces,
                self._journal,
            ):
                etape()
            self._historique()
        with connection.cursor() as c:
            for table in TABLES.values():
                c.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"greatest((SELECT max(id) FROM {table}), 1))"
                )
            for table in (
                "parcours_parcoursuserobjectpermission",
                "core_programmeuserobjectpermission",
                "parcours_consentement_structures",
                "parcours_consentement_signataires",
                "partenaires_offre_programmes",
                "parcours_invitationeps",
                "parcours_examen",
                "partenaires_engagement",
                "partenaires_partenariat",
                "partenaires_signaturecharte",
                "core_acceptationcharte",
                "parcours_echangeorientation",
                "parcours_changementstatut",
            ):
                c.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"greatest((SELECT max(id) FROM {table}), 1))"
                )
        if self.sortie:
            self.sortie.write(
                f"Comptes : coordination@{self.domaine}, referent@{self.domaine}, "
                f"partenaire@{self.domaine} (mot de passe : {MOT_DE_PASSE})"
            )

    # --- network -----------------------------------------------------------------------------

    def _reseau(self) -> None:
        self.o["hache"] = make_password(MOT_DE_PASSE)
        x = self
        self._executer(
            "programmes",
            """
            INSERT INTO core_programme (id, nom, territoire, communes, codes_qpv, delai_revue_jours,
                cree_le, consentement_deux_signataires, delai_inactivite_jours,
                rappel_besoin_jours, rappel_consentement_jours, rappel_revue_jours,
                conservation_mois)
            SELECT {programme} + p, 'PRE bench {dom} ' || lpad(p::text, 3, '0'),
                'Territoire ' || p, ARRAY['Commune ' || p], ARRAY['QN' || p], 120, now(), false,
                60, 60, 30, 15, 24
            FROM gen_prog""",
        )
        self._executer(
            "structures",
            """
            INSERT INTO partenaires_structure (id, nom, type, siret, uai, adresse, commune,
                telephone, email)
            SELECT {structure} + s, CASE WHEN k = 1 THEN 'Porteuse PRE ' || p
                ELSE (ARRAY['Ecole','Association','CMP','Centre social','College','PMI','CAF',
                'Club','Mediatheque'])[k - 1] || ' ' || p || '-' || k END,
                CASE WHEN k = 1 THEN 'porteuse' ELSE (ARRAY['ecole','association','sante','ville',
                'ecole','pmi','caf','association','ville'])[k - 1] END,
                '', '', k || ' rue des Tilleuls', 'Commune ' || p, '', ''
            FROM gen_prog, generate_series(1, {S}) k, LATERAL (SELECT (p - 1) * {S} + k) z(s)""",
        )
        self._executer(
            "partenariats",
            """
            INSERT INTO partenaires_partenariat (structure_id, programme_id, est_porteuse, depuis)
            SELECT {structure} + (p - 1) * {S} + k, {programme} + p, k = 1, {le} - 1000
            FROM gen_prog, generate_series(1, {S}) k""",
        )
        self._executer(
            "signatures charte",
            f"""
            INSERT INTO partenaires_signaturecharte (structure_id, version, date_signature,
                signataire, document)
            SELECT {{structure}} + s, '{{charte}}', {{le}} - 900, 'Direction', ''
            FROM generate_series(1, {{P}} * {{S}}) s
            WHERE s % {{S}} = 1 OR {x.h("s", "charte", 10)} > 0""",
        )
        self._executer(
            "utilisateurs",
            f"""
            INSERT INTO core_user (id, password, is_superuser, email, first_name, last_name,
                is_staff, is_active, date_joined, frequence_courriels, compte_de_service)
            SELECT {{user}} + u,
                '{{hache}}', false,
                CASE WHEN u = 1 THEN 'coordination@{{dom}}' WHEN u = 2 THEN 'referent@{{dom}}'
                     WHEN u = 11 THEN 'partenaire@{{dom}}' ELSE 'pro' || u || '@{{dom}}' END,
                ({{prenoms}})[1 + {x.h("u", "up", len(PRENOMS))}],
                ({{noms}})[1 + {x.h("u", "un", len(NOMS))}],
                false, true, now(),
                (ARRAY['quotidien','immediat','aucun'])[1 + {x.h("u", "fq", 3)}], false
            FROM generate_series(1, {{P}} * {{K}}) u""",
        )
        self._executer(
            "acceptations charte",
            f"""
            INSERT INTO core_acceptationcharte (user_id, version, le)
            SELECT {{user}} + u, '{{charte}}', now() FROM generate_series(1, {{P}} * {{K}}) u
            WHERE (u - 1) % {{K}} < 10 OR {x.h("u", "acc", 17)} > 0""",
        )
        # j = 1 coordinator, 2..10 référents (porteuse, k = 1), 11..40 partners (k = 2..10).
        self._executer(
            "professionnels",
            f"""
            INSERT INTO partenaires_professionnel (id, fonction, actif, depuis, user_id,
                structure_id)
            SELECT {{professionnel}} + u,
                CASE WHEN j = 1 THEN 'coordinateur' WHEN j <= 10 THEN 'referent'
                ELSE (ARRAY['enseignant','educateur','psychologue','animateur','assistant_social',
                'infirmier','orthophoniste','conseiller_caf','medecin'])[1 + (j - 11) % 9] END,
                j <= 10 OR {x.h("u", "actif", 50)} > 0, {{le}} - 800, {{user}} + u,
                {{structure}} + (p - 1) * {{S}} + CASE WHEN j <= 10 THEN 1 ELSE 2 + (j - 11) % 9 END
            FROM gen_prog, generate_series(1, {{K}}) j, LATERAL (SELECT (p - 1) * {{K}} + j) z(u)""",
        )
        self._executer(
            "rôles de coordination",
            """
            INSERT INTO core_programmeuserobjectpermission (content_object_id, permission_id,
                user_id)
            SELECT {programme} + p, {perm_coordonner_programme}, {user} + (p - 1) * {K} + 1
            FROM gen_prog""",
        )
        self._executer(
            "offres",
            f"""
            INSERT INTO partenaires_offre (id, intitule, description, type_service, domaine,
                age_min, age_max, capacite, unite_capacite, periode_capacite, territoire,
                conditions_acces, cout, contact_nom, contact_email, contact_telephone,
                disponible_du, disponible_au, active, version, cree_le, modifie_le, structure_id,
                diffusion_publique, contact_public)
            SELECT {{offre}} + (s - 1) * 2 + t,
                (ARRAY['Aide aux devoirs','Atelier theatre','Bilan orthophonique','Judo',
                'Groupe de parole parents','Sortie musee'])[1 + {x.h("s*2+t", "oi", 6)}]
                || ' ' || s || '-' || t, '',
                (ARRAY['soutien_scolaire','collectif','soin','activite','parentalite','sejour'])
                    [1 + {x.h("s*2+t", "oi", 6)}],
                (ARRAY['scolarite','culture','langage','sport','parentalite','socialisation'])
                    [1 + {x.h("s*2+t", "oi", 6)}],
                3, 16, 10 + {x.h("s*2+t", "cap", 20)}, 'places', 'annee_scolaire', '', '',
                CASE WHEN t = 1 THEN 25.50 END, '', '', '', NULL, NULL, true, 1, now(), now(),
                {{structure}} + s, false, false
            FROM generate_series(1, {{P}} * {{S}}) s, generate_series(1, 2) t""",
        )
        self._executer(
            "publications d'offres",
            """
            INSERT INTO partenaires_offre_programmes (offre_id, programme_id)
            SELECT {offre} + (s - 1) * 2 + t, {programme} + 1 + (s - 1) / {S}
            FROM generate_series(1, {P} * {S}) s, generate_series(1, 2) t""",
        )
        self._executer(
            "conventions",
            """
            INSERT INTO partenaires_convention (id, intitule, reference, objet, objectifs,
                date_debut, date_fin, statut, date_signature, document, motif_resiliation,
                version, cree_le, modifie_le, programme_id)
            SELECT {convention} + (p - 1) * {C} + c, 'Convention ' || p || '-' || c, 'CV-' || c,
                'Moyens mutualisés', '', {le} - 365 * c + 200, {le} - 365 * c + 565,
                (ARRAY['en_vigueur','expiree','projet'])[c],
                CASE WHEN c < 3 THEN {le} - 365 * c + 190 END, '', '', 1, now(), now(),
                {programme} + p
            FROM gen_prog, generate_series(1, {C}) c""",
        )
        self._executer(
            "parties",
            """
            INSERT INTO partenaires_partieconvention (id, signataire, qualite_signataire,
                date_signature, convention_id, structure_id)
            SELECT {partie} + ((p - 1) * {C} + c - 1) * 3 + t, 'Direction', 'Directeur', NULL,
                {convention} + (p - 1) * {C} + c,
                {structure} + (p - 1) * {S} + (ARRAY[1, 1 + c, 5 + c])[t]
            FROM gen_prog, generate_series(1, {C}) c, generate_series(1, 3) t""",
        )
        self._executer(
            "engagements",
            """
            INSERT INTO partenaires_engagement (annee, nature, quantite, description, partie_id)
            SELECT extract(year FROM {le})::int + a, (ARRAY['financier','heures'])[t],
                1000.00 * t + 10 * q, '', {partie} + q
            FROM generate_series(1, {P} * {C} * 3) q, generate_series(0, 1) a,
                generate_series(1, 2) t""",
        )

    # --- children and pathways ---------------------------------------------------------------

    def _enfants(self) -> None:
        x = self
        serie = "gen_prog g, generate_series(0, g.n - 1) j, LATERAL (SELECT g.debut + j + 1) z(i)"
        self.o["serie"] = serie
        self._executer(
            "familles",
            """
            INSERT INTO parcours_famille (id, adresse, commune, langue_parlee, cree_le, modifie_le,
                programme_id)
            SELECT {famille} + i, i || ' avenue des Lilas', 'Commune ' || g.p, '', now(), now(),
                {programme} + g.p FROM {serie}""",
        )
        self._executer(
            "responsables",
            f"""
            INSERT INTO parcours_responsablelegal (id, nom, prenom, lien, autorite_parentale,
                telephone, email, famille_id)
            SELECT {{responsable}} + i, ({{noms}})[1 + {x.h("i", "nom", len(NOMS))}],
                ({{prenoms}})[1 + {x.h("i", "rp", len(PRENOMS))}], 'mere', true, '', '',
                {{famille}} + i FROM {{serie}}""",
        )
        self._executer(
            "enfants",
            f"""
            INSERT INTO parcours_enfant (id, nom, prenom, date_naissance, sexe, niveau_scolaire,
                classe, quartier, qpv, recherche, cree_le, modifie_le, etablissement_id,
                programme_id, famille_id)
            SELECT {{enfant}} + i, nom, prenom, {{le}} - 2200 - {x.h("i", "dn", 3650)},
                (ARRAY['F','M'])[1 + {x.h("i", "sx", 2)}],
                (ARRAY['gs','cp','ce1','ce2','cm1','cm2','6e','5e','4e','3e'])
                    [1 + {x.h("i", "nv", 10)}], '',
                'Quartier ' || {x.h("i", "q", 5)}, {x.h("i", "qpv", 3)} > 0,
                lower(nom || ' ' || prenom), now(), now(),
                {{structure}} + (g.p - 1) * {{S}} + 2, {{programme}} + g.p, {{famille}} + i
            FROM {{serie}}, LATERAL (SELECT ({{noms}})[1 + {x.h("i", "nom", len(NOMS))}],
                ({{prenoms}})[1 + {x.h("i", "pr", len(PRENOMS))}]) n(nom, prenom)""",
        )
        # statut from a 0..99 draw: <30 sorti, <35 repérage, <40 attente, <50 diagnostic,
        # <95 en cours, else suspendu.
        self._executer(
            "parcours",
            f"""
            INSERT INTO parcours_parcours (id, statut, orienteur, motifs_orientation,
                profil_accompagnement, date_entree, date_sortie, motif_sortie,
                date_prochaine_revue, version, derniere_activite, cree_le, modifie_le, enfant_id,
                programme_id, referent_id)
            SELECT {{parcours}} + i, st, (ARRAY['ecole','pmi','service_social','famille'])
                [1 + {x.h("i", "or", 4)}], ARRAY['resultats_scolaires'], 'soutenu', entree,
                CASE WHEN st = 'sorti' THEN entree + {x.h("i", "so", 1000)} % greatest(1, {{le}} - entree) END,
                CASE WHEN st = 'sorti' THEN 'objectifs_atteints' ELSE '' END,
                CASE WHEN st NOT IN ('sorti', 'reperage') THEN {{le}} - 30 + {x.h("i", "rv", 150)} END,
                1, ({{le}} - {x.h("i", "act", 120)})::timestamp + interval '10 hours',
                entree::timestamp, now(), {{enfant}} + i, {{programme}} + g.p,
                CASE WHEN st = 'reperage' AND j % 2 = 0 THEN NULL
                     ELSE {{professionnel}} + (g.p - 1) * {{K}} + 2 + j % 9 END
            FROM {{serie}}, LATERAL (SELECT {{le}} - {x.h("i", "en", 1095)},
                CASE WHEN d < 30 THEN 'sorti' WHEN d < 35 THEN 'reperage'
                WHEN d < 40 THEN 'attente_consentement' WHEN d < 50 THEN 'diagnostic'
                WHEN d < 95 THEN 'en_cours' ELSE 'suspendu' END
                FROM (SELECT {x.h("i", "st", 100)} AS d) dd) s(entree, st)""",
        )
        self._executer(
            "changements de statut",
            """
            INSERT INTO parcours_changementstatut (ancien_statut, nouveau_statut, le, commentaire,
                parcours_id)
            SELECT '', statut, cree_le, '', id FROM parcours_parcours
            WHERE id > {parcours} ORDER BY id""",
        )

    def _suivi(self) -> None:
        x = self
        self._executer(
            "consentements",
            f"""
            INSERT INTO parcours_consentement (id, date_signature, date_expiration, date_retrait,
                motif_retrait, cree_le, parcours_id, fichier, finalites, enregistre_par_id)
            SELECT {{consentement}} + i, sig, sig + 365,
                CASE WHEN {x.h("i", "ret", 29)} = 0 THEN least(sig + 60, {{le}}) END,
                '', now(), pp.id, '',
                CASE WHEN {x.h("i", "fin", 10)} = 0 THEN ARRAY['accompagnement']
                ELSE ARRAY['accompagnement', 'partage', 'eps'] END,
                {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}} + 1
            FROM parcours_parcours pp CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
                CROSS JOIN LATERAL (SELECT least(pp.date_entree + 7, {{le}})) s(sig)
            WHERE pp.id > {{parcours}}
                AND pp.statut NOT IN ('reperage', 'attente_consentement')
            ORDER BY pp.id""",
        )
        self._executer(
            "signataires",
            """
            INSERT INTO parcours_consentement_signataires (consentement_id, responsablelegal_id)
            SELECT c.id, {responsable} + (c.parcours_id - {parcours})
            FROM parcours_consentement c WHERE c.id > {consentement} ORDER BY c.id""",
        )
        # j1, j2: partners 11..40 of the pathway's programme; the second for one in three.
        self._executer(
            "intervenants",
            f"""
            INSERT INTO parcours_intervenant (id, depuis, actif, parcours_id, professionnel_id)
            SELECT {{intervenant}} + 2 * i - 2 + t, least(pp.date_entree + 10, {{le}}),
                {x.h("i*2+t", "ia", 11)} > 0, pp.id,
                {{professionnel}} + (p - 1) * {{K}} + 11 + CASE WHEN t = 1 THEN j1
                    ELSE (j1 + 1 + {x.h("i", "j2", 29)}) % 30 END
            FROM parcours_parcours pp
                CROSS JOIN LATERAL (SELECT pp.id - {{parcours}},
                    pp.programme_id - {{programme}}) z(i, p)
                CROSS JOIN LATERAL (SELECT {x.h("pp.id - " + str(self.o["parcours"]), "j1", 30)}) jj(j1)
                CROSS JOIN generate_series(1, 2) t
            WHERE pp.id > {{parcours}} AND pp.statut <> 'reperage'
                AND (t = 1 OR {x.h("i", "deux", 3)} = 0)
            ORDER BY 1""",
        )
        self._executer(
            "structures des consentements",
            f"""
            INSERT INTO parcours_consentement_structures (consentement_id, structure_id)
            SELECT DISTINCT c.id, pr.structure_id FROM parcours_consentement c
            JOIN parcours_intervenant iv ON iv.parcours_id = c.parcours_id
            JOIN partenaires_professionnel pr ON pr.id = iv.professionnel_id
            WHERE c.id > {{consentement}} AND {x.h("iv.id", "cs", 7)} > 0 ORDER BY 1, 2""",
        )
        self._executer(
            "objectifs",
            f"""
            INSERT INTO parcours_objectif (id, domaine, intitule, statut, commentaire_resultat,
                date_ouverture, date_cloture, version, cree_le, modifie_le, parcours_id, cree_par_id)
            SELECT {{objectif}} + 2 * i - 2 + t,
                (ARRAY['scolarite','langage','sante','parentalite','sport'])[1 + {x.h("i*2+t", "od", 5)}],
                (ARRAY['Retrouver confiance en classe','Apprendre a lire','Consulter un orthophoniste',
                'Soutenir les parents','Pratiquer un sport'])[1 + {x.h("i*2+t", "od", 5)}],
                CASE WHEN pp.statut = 'sorti' THEN 'atteint' ELSE 'ouvert' END, '',
                pp.date_entree, CASE WHEN pp.statut = 'sorti' THEN pp.date_sortie END, 1, now(), now(),
                pp.id, {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}} + 1
            FROM parcours_parcours pp CROSS JOIN generate_series(1, 2) t
                CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
            WHERE pp.id > {{parcours}} AND pp.statut <> 'reperage'""",
        )
        # Three actions: k=1 done, k=2 under way (or done when exited), k=3 planned without a
        # professional. The professional is the first intervenant.
        self._executer(
            "actions",
            f"""
            INSERT INTO parcours_action (id, intitule, date_debut, date_fin, statut, resultat, cout,
                heures, version, cree_le, modifie_le, parcours_id, professionnel_id, structure_id,
                offre_id, objectif_id, cree_par_id)
            SELECT {{action}} + 3 * i - 3 + k,
                (ARRAY['Aide aux devoirs','Seances orthophonie','Atelier theatre','Judo',
                'Entretien famille'])[1 + {x.h("i*3+k", "ai", 5)}],
                debut, debut + 60,
                CASE WHEN pp.statut = 'sorti' OR k = 1 THEN 'realisee'
                     WHEN k = 2 THEN 'en_cours' ELSE 'prevue' END,
                CASE WHEN pp.statut = 'sorti' OR k = 1 THEN 'Fait' ELSE '' END,
                CASE WHEN k = 1 THEN 120.00 END, CASE WHEN k = 2 THEN 10.0 END, 1, now(), now(),
                pp.id, CASE WHEN k < 3 THEN iv.professionnel_id END,
                CASE WHEN k < 3 THEN pr.structure_id END,
                CASE WHEN k < 3 THEN {{offre}} + (pr.structure_id - {{structure}} - 1) * 2 + 1 END,
                {{objectif}} + 2 * i - 2 + 1 + k % 2, {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}} + 1
            FROM parcours_parcours pp
                CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
                JOIN parcours_intervenant iv ON iv.id = {{intervenant}} + 2 * i - 1
                JOIN partenaires_professionnel pr ON pr.id = iv.professionnel_id
                CROSS JOIN generate_series(1, 3) k
                CROSS JOIN LATERAL (SELECT least(pp.date_entree + 30 * (k - 1), {{le}})) d(debut)
            WHERE pp.id > {{parcours}} AND pp.statut <> 'reperage' ORDER BY 1""",
        )
        self._executer(
            "notes",
            f"""
            INSERT INTO parcours_note (id, visibilite, texte, version, cree_le, modifie_le,
                auteur_id, parcours_id)
            SELECT {{note}} + 5 * i - 5 + k,
                CASE WHEN k = 5 THEN 'referent' WHEN k = 2 AND {x.h("i", "vis", 5)} = 0 THEN 'auteur'
                ELSE 'equipe' END,
                (ARRAY['Point avec la famille','Echange avec l''ecole','Bilan de l''atelier',
                'Rendez-vous annule','Progres constates'])[k], 1,
                (least(pp.date_entree + 20 * k, {{le}}))::timestamp + interval '9 hours', now(),
                CASE WHEN k = 4 AND iv.id IS NOT NULL THEN ivp.user_id
                     WHEN pp.referent_id IS NOT NULL THEN rp.user_id
                     ELSE {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}} + 1 END,
                pp.id
            FROM parcours_parcours pp
                CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
                LEFT JOIN partenaires_professionnel rp ON rp.id = pp.referent_id
                LEFT JOIN parcours_intervenant iv ON iv.id = {{intervenant}} + 2 * i - 1
                LEFT JOIN partenaires_professionnel ivp ON ivp.id = iv.professionnel_id
                CROSS JOIN generate_series(1, 5) k
            WHERE pp.id > {{parcours}} ORDER BY 1""",
        )

    def _eps(self) -> None:
        x = self
        self._executer(
            "réunions EPS",
            """
            INSERT INTO parcours_reunioneps (id, date, lieu, statut, version, cree_le, programme_id)
            SELECT {reunion} + (p - 1) * {R} + m,
                ({le} + (6 - m) * 30)::timestamp + interval '14 hours', 'Salle du conseil',
                CASE WHEN m <= 6 THEN 'planifiee' ELSE 'tenue' END, 1, now(), {programme} + p
            FROM gen_prog, generate_series(1, {R}) m""",
        )
        self._executer(
            "invitations EPS",
            """
            INSERT INTO parcours_invitationeps (present, professionnel_id, reunion_id)
            SELECT CASE WHEN m > 6 THEN t <> 4 END,
                {professionnel} + (p - 1) * {K} + CASE WHEN t = 1 THEN 1 WHEN t = 2 THEN 2
                    ELSE 11 + (m * 3 + t) % 30 END,
                {reunion} + (p - 1) * {R} + m
            FROM gen_prog, generate_series(1, {R}) m, generate_series(1, 5) t
            ORDER BY 3, 2""",
        )
        self._executer(
            "examens",
            f"""
            INSERT INTO parcours_examen (ordre, decision, releve_conclusions, date_prochaine_revue,
                decide_le, version, parcours_id, reunion_id, decide_par_id)
            SELECT (pp.id % 20), 'maintien', 'Poursuite du parcours', NULL, r.date, 1, pp.id, r.id,
                {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}} + 1
            FROM parcours_parcours pp
                JOIN parcours_reunioneps r ON r.id = {{reunion}}
                    + (pp.programme_id - {{programme}} - 1) * {{R}} + 7 + {x.h("pp.id", "ex", 30)}
            WHERE pp.id > {{parcours}} AND pp.statut <> 'reperage' ORDER BY pp.id""",
        )

    # --- guardian rows, as parcours.permissions.droits_attendus derives them ------------------

    def _permissions(self) -> None:
        self._executer(
            "permissions parcours",
            """
            WITH affectes AS (
                SELECT pp.id AS parcours_id, pp.referent_id AS pro, true AS est_referent
                FROM parcours_parcours pp WHERE pp.id > {parcours} AND pp.referent_id IS NOT NULL
                UNION ALL
                SELECT iv.parcours_id, iv.professionnel_id, false FROM parcours_intervenant iv
                JOIN parcours_parcours pp ON pp.id = iv.parcours_id
                WHERE pp.id > {parcours} AND iv.actif
                UNION ALL
                SELECT a.parcours_id, a.professionnel_id, false FROM parcours_action a
                JOIN parcours_parcours pp ON pp.id = a.parcours_id
                WHERE pp.id > {parcours} AND a.professionnel_id IS NOT NULL
                    AND a.statut IN ('prevue', 'en_cours')
            ), fins AS (
                -- fin_de_validite of each consent valid today that allows sharing
                SELECT c.parcours_id, cs.structure_id, max(f.fin) AS fin
                FROM parcours_consentement c
                JOIN parcours_consentement_structures cs ON cs.consentement_id = c.id
                LEFT JOIN parcours_consentement rn ON rn.renouvelle_id = c.id
                CROSS JOIN LATERAL (SELECT least(c.date_expiration,
                    coalesce(c.date_retrait, c.date_expiration),
                    coalesce(rn.date_signature, c.date_expiration))) f(fin)
                WHERE c.date_signature <= {le} AND {le} < f.fin AND 'partage' = ANY(c.finalites)
                GROUP BY 1, 2
            ), droits AS (
                SELECT a.parcours_id, pr.user_id, a.est_referent, pp.statut, pp.date_sortie,
                    CASE WHEN pa.id IS NOT NULL THEN NULL ELSE fins.fin END AS expire,
                    pa.id IS NOT NULL AS equipe
                FROM affectes a
                JOIN parcours_parcours pp ON pp.id = a.parcours_id
                JOIN partenaires_professionnel pr ON pr.id = a.pro
                JOIN core_user u ON u.id = pr.user_id AND u.is_active
                JOIN core_acceptationcharte ac ON ac.user_id = pr.user_id
                    AND ac.version = '{charte}'
                LEFT JOIN partenaires_partenariat pa ON pa.programme_id = pp.programme_id
                    AND pa.structure_id = pr.structure_id AND pa.est_porteuse
                LEFT JOIN partenaires_signaturecharte sc ON sc.structure_id = pr.structure_id
                    AND sc.version = '{charte}'
                LEFT JOIN fins ON fins.parcours_id = a.parcours_id
                    AND fins.structure_id = pr.structure_id AND sc.id IS NOT NULL
                WHERE pr.actif AND (pa.id IS NOT NULL OR fins.fin IS NOT NULL)
            ), accordes AS (
                SELECT parcours_id, user_id, 'view_parcours' AS codename,
                    CASE WHEN statut = 'sorti' THEN
                        CASE WHEN expire IS NULL THEN date_sortie + 31
                        ELSE least(date_sortie + 31, expire) END
                    ELSE expire END AS expire
                FROM droits
                WHERE statut <> 'sorti' OR (est_referent AND date_sortie IS NOT NULL
                    AND {le} < date_sortie + 31)
                UNION ALL
                SELECT parcours_id, user_id, 'change_parcours', expire FROM droits
                WHERE statut <> 'sorti' AND est_referent
            )
            INSERT INTO parcours_parcoursuserobjectpermission (content_object_id, permission_id,
                user_id, expire_le)
            SELECT parcours_id,
                CASE WHEN codename = 'view_parcours' THEN {perm_view_parcours}
                ELSE {perm_change_parcours} END, user_id,
                CASE WHEN bool_or(expire IS NULL) THEN NULL ELSE max(expire) END
            FROM accordes GROUP BY parcours_id, user_id, codename ORDER BY 1, 3, 2""",
        )

    # --- history ------------------------------------------------------------------------------

    def _historique(self) -> None:
        """One « insert » event per generated row of every tracked model, in one statement per
        event table: what the per-row trigger would have written, without a context."""
        from django.apps import apps
        from pghistory.models import Event

        for modele in apps.get_models():
            if not issubclass(modele, Event) or modele._meta.abstract:
                continue
            suivi = getattr(modele, "pgh_tracked_model", None)
            if suivi is None or suivi._meta.db_table not in TABLES.values():
                continue
            cle = next(k for k, t in TABLES.items() if t == suivi._meta.db_table)
            colonnes = [
                f.column for f in modele._meta.concrete_fields if not f.name.startswith("pgh_")
            ]
            liste = ", ".join(f'"{c}"' for c in colonnes)
            self._executer(
                f"historique {suivi._meta.model_name}",
                f"""
                INSERT INTO "{modele._meta.db_table}" ({liste}, pgh_created_at, pgh_label,
                    pgh_obj_id)
                SELECT {liste}, now(), 'insert', id FROM "{suivi._meta.db_table}"
                WHERE id > {{{cle}}}""",
            )

    # --- reminders and the access trail --------------------------------------------------------

    def _traces(self) -> None:
        self._executer(
            "rappels",
            """
            INSERT INTO core_rappel (id, genre, object_id, programme_id, echeance, statut, cree_le,
                tentatives, erreur, lu_le, content_type_id, destinataire_id)
            SELECT {rappel} + i, 'affectation', pp.id, pp.programme_id, pp.date_entree,
                CASE WHEN i % 2 = 0 THEN 'envoye' ELSE 'resume' END,
                pp.date_entree::timestamp, 1, '',
                CASE WHEN i % 3 > 0 THEN pp.date_entree::timestamp + interval '1 day' END,
                {ct_parcours}, rp.user_id
            FROM parcours_parcours pp CROSS JOIN LATERAL (SELECT pp.id - {parcours}) z(i)
            JOIN partenaires_professionnel rp ON rp.id = pp.referent_id
            WHERE pp.id > {parcours} AND i % 5 = 0 ORDER BY 1""",
        )
        with connection.cursor() as c:
            c.execute("ANALYZE")

    # --- issue 21 and the rights register: what the new lists show -----------------------------

    def _sollicitations(self) -> None:
        """Requests to partners in every state, on 40 % of the pathways' first objective and
        10 % of their second: 12 % unanswered (about half past their deadline), 35 %
        accepted, 15 % on a waiting list, 20 % refused (with a reason), 8 % redirected, 10 %
        withdrawn; a named professional in 60 % of them, answers 1 to 40 days after."""
        x = self
        self._executer(
            "sollicitations",
            f"""
            INSERT INTO parcours_sollicitation (id, domaine, demande, motif, echeance, statut,
                date_rdv, delai_semaines, motif_refus, redirigee_vers, commentaire_reponse,
                repondu_le, retiree_le, version, envoyee_le, cree_le, modifie_le, action_id,
                auteur_id, objectif_id, parcours_id, professionnel_id, programme_id,
                repondu_par_id, structure_id)
            SELECT {{sollicitation}} + 2 * i - 2 + t, o.domaine,
                (ARRAY['Une place a l''atelier du mercredi','Un bilan orthophonique',
                'Un rendez-vous avec la psychologue','Une inscription au club',
                'Un accompagnement aux devoirs'])[1 + {x.h("i * 2 + t", "sdm", 5)}],
                'Besoin repere lors du diagnostic', e.envoi::date + 21, st,
                CASE WHEN st = 'acceptee' THEN e.envoi::date + a.delai + 7 END,
                CASE WHEN st = 'attente' THEN 2 + {x.h("i * 2 + t", "sds", 12)} END,
                CASE WHEN st = 'refusee' THEN (ARRAY['capacite','capacite','mission',
                    'conditions','famille','autre'])[1 + {x.h("i * 2 + t", "smr", 6)}]
                    ELSE '' END,
                CASE WHEN st = 'redirigee' THEN 'Centre medico-psychologique voisin' ELSE '' END,
                CASE WHEN st = 'refusee' AND {x.h("i * 2 + t", "smr", 6)} = 5
                    THEN 'Public hors de notre secteur' ELSE '' END,
                CASE WHEN st NOT IN ('envoyee', 'retiree')
                    THEN e.envoi + a.delai * interval '1 day' END,
                CASE WHEN st = 'retiree' THEN e.envoi + interval '9 days' END,
                1, e.envoi, e.envoi, e.envoi, NULL,
                coalesce(rp.user_id, base_u + 1), o.id, pp.id,
                CASE WHEN a.nomme THEN {{professionnel}} + base_k + a.j END, pp.programme_id,
                CASE WHEN st NOT IN ('envoyee', 'retiree') THEN {{user}} + base_k + a.j END,
                {{structure}} + (pp.programme_id - {{programme}} - 1) * {{S}} + a.k
            FROM parcours_parcours pp
                CROSS JOIN LATERAL (SELECT pp.id - {{parcours}},
                    (pp.programme_id - {{programme}} - 1) * {{K}}) z(i, base_k)
                CROSS JOIN LATERAL (SELECT {{user}} + base_k) zu(base_u)
                CROSS JOIN generate_series(1, 2) t
                JOIN parcours_objectif o ON o.id = {{objectif}} + 2 * i - 2 + t
                LEFT JOIN partenaires_professionnel rp ON rp.id = pp.referent_id
                CROSS JOIN LATERAL (SELECT {x.h("i * 2 + t", "sq", 100)} AS q,
                    {x.h("i * 2 + t", "st", 100)} AS d, 1 + {x.h("i * 2 + t", "sl", 40)} AS delai,
                    2 + {x.h("i * 2 + t", "sk", 9)} AS k,
                    {x.h("i * 2 + t", "sn", 10)} < 6 AS nomme,
                    greatest(pp.date_entree + 10, {{le}} - 365) AS bas) a0
                CROSS JOIN LATERAL (SELECT a0.*, 11 + (k - 2) + 9 * {x.h("i * 2 + t", "sm", 3)}
                    AS j) a
                CROSS JOIN LATERAL (SELECT CASE WHEN a.d < 12 THEN 'envoyee'
                    WHEN a.d < 47 THEN 'acceptee' WHEN a.d < 62 THEN 'attente'
                    WHEN a.d < 82 THEN 'refusee' WHEN a.d < 90 THEN 'redirigee'
                    ELSE 'retiree' END AS st) b
                CROSS JOIN LATERAL (SELECT (CASE WHEN st = 'envoyee'
                    THEN greatest(pp.date_entree, {{le}} - {x.h("i * 2 + t", "sv", 40)})
                    ELSE a.bas + {x.h("i * 2 + t", "sv", 100000)}
                        % (greatest(a.bas, {{le}} - 45) - a.bas + 1) END)::timestamp
                    + interval '10 hours' AS envoi) e
            WHERE pp.id > {{parcours}} AND pp.statut <> 'reperage'
                AND ((t = 1 AND a.q < 40) OR (t = 2 AND a.q < 10))
            ORDER BY 1""",
        )

    def _droits_et_orientations(self) -> None:
        """The rights register (2 requests per programme plus one per 300 pathways, every
        genre and state, a few extended), orientations received (accepted ones for a quarter
        of the pathways opened in the last year; one per 25 pathways still under study,
        awaiting a complement, redirected or refused) with their exchanges, and transfers
        between programmes (one per 100 pathways or so, proposed or refused; none when there
        is one programme)."""
        x = self
        self._executer(
            "demandes de droits",
            f"""
            INSERT INTO parcours_demandedroit (genre, demandeur, canal, recue_le, objet,
                echeance, prolongee, motif_prolongation, statut, reponse, repondue_le, preuve,
                dossier_produit_le, version, cree_le, cree_par_id, parcours_id, programme_id,
                suivie_par_id)
            SELECT genre, 'Responsable legal de l''enfant',
                (ARRAY['courrier','courriel','accueil','telephone'])[1 + {x.h("g.p * 50 + k", "dc", 4)}],
                recue, 'Demande ecrite de la famille', recue + CASE WHEN prol THEN 90 ELSE 30 END,
                prol, CASE WHEN prol THEN 'Plusieurs services a consulter' ELSE '' END, st,
                CASE WHEN st IN ('satisfaite', 'refusee') THEN 'Reponse envoyee par courrier'
                    ELSE '' END,
                CASE WHEN st IN ('satisfaite', 'refusee') THEN recue + 20 END, '',
                CASE WHEN genre = 'acces' AND st = 'satisfaite'
                    THEN (recue + 15)::timestamp END,
                1, recue::timestamp, coord, {{parcours}} + g.debut + 1
                    + {x.h("g.p * 50 + k", "dp", 1000000)} % g.n, {{programme}} + g.p, coord
            FROM gen_prog g CROSS JOIN generate_series(1, 2 + g.n / 300) k
                CROSS JOIN LATERAL (SELECT {{user}} + (g.p - 1) * {{K}} + 1 AS coord,
                    (ARRAY['acces','acces','acces','rectification','effacement','limitation',
                    'opposition'])[1 + {x.h("g.p * 50 + k", "dg", 7)}] AS genre,
                    {{le}} - {x.h("g.p * 50 + k", "dr", 330)} AS recue,
                    {x.h("g.p * 50 + k", "dx", 12)} = 0 AS prol) a
                CROSS JOIN LATERAL (SELECT CASE WHEN recue > {{le}} - 10 THEN 'recue'
                    WHEN recue > {{le}} - 30 THEN 'en_cours'
                    WHEN {x.h("g.p * 50 + k", "ds", 5)} = 0 THEN 'refusee'
                    ELSE 'satisfaite' END AS st) b""",
        )
        orientation = f"""
            INSERT INTO parcours_orientation (id, nom, prenom, date_naissance, sexe,
                niveau_scolaire, commune, contact_nom, contact_prenom, contact_lien,
                contact_telephone, contact_email, motifs, deja_tente, famille_informee,
                famille_accepte_contact, rappel_nom, rappel_telephone, rappel_email, document,
                document_type_mime, statut, recue_le, decidee_le, motif_decision,
                service_reorientation, recherche, version, cree_le, modifie_le, auteur_id,
                etablissement_id, parcours_id, programme_id, structure_id)
            SELECT oid, nom, prenom, naissance, sexe, niveau, 'Commune ' || p,
                contact_nom, contact_prenom, 'mere', '', '',
                ARRAY[(ARRAY['resultats_scolaires','isolement_social','comportement','sante',
                    'parentalite','langage','absenteisme'])[1 + {x.h("oid", "om", 7)}]],
                '', true, true, 'Secretariat', '', '', '', '', st, recue,
                CASE WHEN st NOT IN ('recue', 'en_etude', 'complement')
                    THEN recue + interval '12 days' END,
                CASE WHEN st IN ('refusee', 'reorientee') THEN 'Hors des criteres du programme'
                    ELSE '' END,
                CASE WHEN st = 'reorientee' THEN 'Centre social du quartier' ELSE '' END,
                lower(nom || ' ' || prenom), 1, recue, recue,
                {{user}} + (p - 1) * {{K}} + j, NULL, parcours_id, {{programme}} + p,
                {{structure}} + (p - 1) * {{S}} + 2 + (j - 11) % 9
            FROM ({{source}}) src
                CROSS JOIN LATERAL (SELECT 11 + {x.h("oid", "oj", 30)} AS j) jj"""
        self.o["source"] = self._sql(f"""
            SELECT {{orientation}} + i AS oid, pp.programme_id - {{programme}} AS p,
                e.nom, e.prenom, e.date_naissance AS naissance, e.sexe,
                e.niveau_scolaire AS niveau, r.nom AS contact_nom, r.prenom AS contact_prenom,
                'acceptee' AS st, (pp.date_entree - 10)::timestamp + interval '11 hours' AS recue,
                pp.id AS parcours_id
            FROM parcours_parcours pp CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
                JOIN parcours_enfant e ON e.id = pp.enfant_id
                JOIN parcours_responsablelegal r ON r.id = {{responsable}} + i
            WHERE pp.id > {{parcours}} AND pp.date_entree > {{le}} - 355
                AND {x.h("i", "oa", 4)} = 0""")
        self._executer("orientations acceptées", orientation)
        # Orientations not (or not yet) accepted: ids after the accepted ones.
        with connection.cursor() as c:
            c.execute("SELECT coalesce(max(id), 0) FROM parcours_orientation")
            self.o["orientation_suite"] = c.fetchone()[0]
        self.o["source"] = self._sql(f"""
            SELECT {{orientation_suite}} + row_number() OVER (ORDER BY g.p, k) AS oid, g.p,
                ({{noms}})[1 + {x.h("g.p * 1000 + k", "on", len(NOMS))}] AS nom,
                ({{prenoms}})[1 + {x.h("g.p * 1000 + k", "op", len(PRENOMS))}] AS prenom,
                {{le}} - 2200 - {x.h("g.p * 1000 + k", "ob", 3650)} AS naissance,
                (ARRAY['F','M'])[1 + {x.h("g.p * 1000 + k", "ox", 2)}] AS sexe,
                (ARRAY['cp','ce1','ce2','cm1','cm2','6e','5e'])
                    [1 + {x.h("g.p * 1000 + k", "onv", 7)}] AS niveau,
                ({{noms}})[1 + {x.h("g.p * 1000 + k", "on", len(NOMS))}] AS contact_nom,
                ({{prenoms}})[1 + {x.h("g.p * 1000 + k", "ocp", len(PRENOMS))}]
                    AS contact_prenom,
                (ARRAY['recue','recue','recue','en_etude','en_etude','complement','reorientee',
                    'reorientee','refusee','refusee'])[1 + {x.h("g.p * 1000 + k", "os", 10)}]
                    AS st,
                ({{le}} - {x.h("g.p * 1000 + k", "or", 120)})::timestamp
                    + interval '14 hours' AS recue,
                NULL::bigint AS parcours_id
            FROM gen_prog g CROSS JOIN generate_series(1, 1 + g.n / 25) k""")
        self._executer("orientations à l’étude", orientation)
        self._executer(
            "échanges d’orientation",
            """
            INSERT INTO parcours_echangeorientation (genre, statut, texte, le, auteur_id,
                orientation_id)
            SELECT 'depot', 'recue', '', o.recue_le, o.auteur_id, o.id
            FROM parcours_orientation o WHERE o.id > {orientation}
            UNION ALL
            SELECT CASE o.statut WHEN 'en_etude' THEN 'etude' WHEN 'complement' THEN 'question'
                WHEN 'reorientee' THEN 'reorientation' WHEN 'refusee' THEN 'refus'
                ELSE 'acceptation' END, o.statut,
                CASE WHEN o.statut = 'complement' THEN 'Pouvez-vous preciser les besoins ?'
                    ELSE o.motif_decision END,
                coalesce(o.decidee_le, o.recue_le + interval '3 days'),
                {user} + (o.programme_id - {programme} - 1) * {K} + 1, o.id
            FROM parcours_orientation o WHERE o.id > {orientation} AND o.statut <> 'recue'
            ORDER BY 6, 4""",
        )
        if self.nb_programmes < 2:
            return
        self._executer(
            "transferts",
            f"""
            INSERT INTO parcours_transfert (statut, resume, avec_notes_equipe, propose_le,
                decide_le, motif_refus, version, decide_par_id, parcours_destination_id,
                parcours_origine_id, programme_destination_id, programme_origine_id,
                propose_par_id)
            SELECT DISTINCT ON (pp.id) st, jsonb_build_object('age', 10, 'niveau_scolaire', 'CM1',
                    'motifs', jsonb_build_array('Résultats scolaires'),
                    'objectifs', jsonb_build_array(), 'date_entree', pp.date_entree::text,
                    'statut', 'En cours'),
                false, propose, CASE WHEN st = 'refuse' THEN propose + interval '5 days' END,
                CASE WHEN st = 'refuse' THEN 'Famille restee sur son ancien quartier'
                    ELSE '' END, 1,
                CASE WHEN st = 'refuse' THEN {{user}} + (dest - 1) * {{K}} + 1 END, NULL,
                pp.id, {{programme}} + dest, pp.programme_id,
                {{user}} + (g.p - 1) * {{K}} + 1
            FROM gen_prog g CROSS JOIN generate_series(1, 3 + g.n / 100) k
                CROSS JOIN LATERAL (SELECT g.p % {{P}} + 1 AS dest,
                    CASE WHEN {x.h("g.p * 10 + k", "ts", 3)} = 0 THEN 'refuse'
                        ELSE 'propose' END AS st,
                    ({{le}} - {x.h("g.p * 10 + k", "tj", 60)})::timestamp
                        + interval '15 hours' AS propose,
                    {{parcours}} + g.debut + 1 + {x.h("g.p * 10 + k", "to", 1000000)} % g.n
                        AS origine) a
                JOIN parcours_parcours pp ON pp.id = a.origine
                    AND pp.statut IN ('diagnostic', 'en_cours', 'suspendu')
            ORDER BY pp.id, a.propose""",
        )

    def _dispositifs_et_transitions(self) -> None:
        """Other schemes (a quarter of the pathways, 5 % two), the family's words on a third
        of the objectives, exit questionnaires for 60 % of the closed pathways, and the
        checklists of 60 % of the open pathways whose child changes school next September
        (grande section, CM2, 3e), at every stage."""
        x = self
        self._executer(
            "dispositifs",
            f"""
            INSERT INTO parcours_dispositif (type, precision, date_debut, date_fin,
                accord_contact, contact, version, cree_le, modifie_le, cree_par_id, parcours_id)
            SELECT (ARRAY['ppre','ppre','pap','pai','pps','clas','clas','cite_educative',
                    'cite_educative','aemo','placement_ase','cmp','cmp','autre_pre'])
                    [1 + {x.h("i * 2 + t", "dt", 14)}], '', debut,
                CASE WHEN {x.h("i * 2 + t", "df", 5)} = 0 THEN least(debut + 200, {{le}}) END,
                acc, CASE WHEN acc THEN 'Secretariat du dispositif' ELSE '' END, 1, now(), now(),
                coalesce(rp.user_id, {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}} + 1),
                pp.id
            FROM parcours_parcours pp CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
                LEFT JOIN partenaires_professionnel rp ON rp.id = pp.referent_id
                CROSS JOIN generate_series(1, 2) t
                CROSS JOIN LATERAL (SELECT {x.h("i", "dq", 100)} AS q,
                    pp.date_entree - {x.h("i * 2 + t", "dd", 300)} AS debut,
                    {x.h("i * 2 + t", "da", 2)} = 0 AS acc) a
            WHERE pp.id > {{parcours}} AND (a.q < 25 AND (t = 1 OR a.q < 5))
            ORDER BY pp.id, t""",
        )
        self._executer(
            "paroles des familles",
            f"""
            INSERT INTO parcours_parolefamille (locuteur, moment, date, texte, cree_le,
                auteur_id, objectif_id)
            SELECT (ARRAY['enfant','parents','ensemble'])[1 + {x.h("o.id", "pl", 3)}],
                'souhaits', o.date_ouverture,
                (ARRAY['Avoir des copains au club','Etre moins en difficulte en classe',
                    'Que la maison soit plus calme','Parler mieux'])[1 + {x.h("o.id", "pt", 4)}],
                o.date_ouverture::timestamp, o.cree_par_id, o.id
            FROM parcours_objectif o
            WHERE o.id > {{objectif}} AND {x.h("o.id", "pq", 3)} = 0 ORDER BY o.id""",
        )
        self._executer(
            "questionnaires de sortie",
            f"""
            INSERT INTO parcours_questionnairesortie (date, repondants, satisfaction, aides,
                aide_commentaire, freins, frein_commentaire, cree_le, parcours_id,
                rempli_par_id)
            SELECT pp.date_sortie, (ARRAY['enfant','parents','ensemble'])[1 + {x.h("i", "qr", 3)}],
                (ARRAY['tres','tres','plutot','plutot','plutot','peu','pas'])
                    [1 + {x.h("i", "qs", 7)}],
                ARRAY[aides[1 + a1], aides[1 + (a1 + 1 + {x.h("i", "qa2", 6)}) % 7]]::varchar[],
                '',
                CASE WHEN {x.h("i", "qf", 2)} = 0 THEN ARRAY[]::varchar[]
                    ELSE ARRAY[(ARRAY['attente','horaires','information','changements','cout',
                        'autre'])[1 + {x.h("i", "qfv", 6)}]]::varchar[] END,
                '', pp.date_sortie::timestamp, pp.id,
                coalesce(rp.user_id, {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}} + 1)
            FROM parcours_parcours pp CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
                LEFT JOIN partenaires_professionnel rp ON rp.id = pp.referent_id
                CROSS JOIN LATERAL (SELECT ARRAY['ecoute','scolarite','activites','sante',
                    'parentalite','ecole','autre'] AS aides,
                    {x.h("i", "qa1", 7)} AS a1) a
            WHERE pp.id > {{parcours}} AND pp.statut = 'sorti' AND pp.date_sortie IS NOT NULL
                AND {x.h("i", "qq", 5)} < 3
            ORDER BY pp.id""",
        )
        from parcours.selectors.transitions import annee_rentree

        self.o["rentree"] = annee_rentree(self.le)
        self._executer(
            "transitions",
            f"""
            INSERT INTO parcours_transition (annee_rentree, type, etablissement_accueil,
                referent_accueil, contact_le, elements_transmis, accord_famille_le,
                fiche_remise_le, reunion_le, cree_le, modifie_le, version,
                accord_famille_par_id, contact_par_id, cree_par_id, fiche_remise_par_id,
                parcours_id, reunion_par_id)
            SELECT {{rentree}},
                CASE e.niveau_scolaire WHEN 'gs' THEN 'gs_cp' WHEN 'cm2' THEN 'cm2_6e'
                    ELSE '3e_lycee' END,
                CASE WHEN e.niveau_scolaire = 'cm2' THEN 'College Jean Moulin'
                    WHEN e.niveau_scolaire = 'gs' THEN 'Ecole elementaire des Lilas'
                    ELSE 'Lycee professionnel' END,
                CASE WHEN etape >= 1 THEN 'Professeur principal' ELSE '' END,
                CASE WHEN etape >= 1 THEN {{le}} - 20 END,
                CASE WHEN etape >= 2 THEN ARRAY['scolarite','objectifs','contact']
                    ELSE ARRAY[]::varchar[] END,
                CASE WHEN etape >= 2 THEN {{le}} - 15 END,
                CASE WHEN etape >= 3 THEN {{le}} - 10 END,
                CASE WHEN etape >= 4 THEN {{le}} - 5 END, now(), now(), 1,
                CASE WHEN etape >= 2 THEN auteur END, CASE WHEN etape >= 1 THEN auteur END,
                auteur, CASE WHEN etape >= 3 THEN auteur END, pp.id,
                CASE WHEN etape >= 4 THEN auteur END
            FROM parcours_parcours pp CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
                JOIN parcours_enfant e ON e.id = pp.enfant_id
                LEFT JOIN partenaires_professionnel rp ON rp.id = pp.referent_id
                CROSS JOIN LATERAL (SELECT {x.h("i", "tq", 10)} AS q,
                    coalesce(rp.user_id, {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}}
                    + 1) AS auteur) a
                CROSS JOIN LATERAL (SELECT least(q, 4) AS etape) b
            WHERE pp.id > {{parcours}} AND e.niveau_scolaire IN ('gs', 'cm2', '3e')
                AND pp.statut IN ('diagnostic', 'en_cours', 'suspendu') AND q < 6
            ORDER BY pp.id""",
        )

    # --- the access trail ----------------------------------------------------------------------

    def _journal(self) -> None:
        """A year of the access trail (`TraceAcces`, append-only: only inserted here), up to the
        day before the reference date (nothing in the future when it is today), for the
        DPO's console and anomaly views: about 14 entries per pathway over the last 12 months
        (never before its entry), mostly its référent and its first partner on working days,
        with the realistic remainder that the anomaly views look for — the coordination and
        other professionals of the programme (reads outside one's assignments), 1 % at night
        or at the weekend, 0.3 % refused; per programme, list exports twice a month and
        right-of-access files, one person reading 30 pathways they do not follow, one burst of
        refused accesses; per user, logins, logouts and some failed logins. About 2.4 million
        rows at national scale."""
        x = self
        # Local (Europe/Paris) time of day: hours 8 to 18 on working days; 1 % at night
        # (21 h to 6 h) or kept on the weekend day drawn.
        moment = """
            CROSS JOIN LATERAL (SELECT jour0 - CASE WHEN w >= 10
                AND extract(isodow FROM jour0) >= 6 THEN extract(isodow FROM jour0)::int - 5
                ELSE 0 END AS jour,
                CASE WHEN w < 10 THEN (ARRAY[21, 22, 23, 5, 6])[1 + w % 5]
                ELSE 8 + w % 11 END AS heure) m
            CROSS JOIN LATERAL (SELECT ((m.jour + make_time(m.heure, (w * 7) % 60, 0))
                AT TIME ZONE 'Europe/Paris') AS le) t"""
        self.o["moment"] = moment
        ip = "('10.' || (u / 65536) % 256 || '.' || (u / 256) % 256 || '.' || u % 256)::inet"
        self.o["ip_u"] = ip
        self._executer(
            "journal : parcours",
            f"""
            INSERT INTO core_traceacces (le, user_id, evenement, autorise, content_type_id,
                object_id, programme_id, page, methode, ip, identifiant)
            SELECT t.le, u, ev, ev <> 'refus', {{ct_parcours}}, pp.id, pp.programme_id,
                CASE WHEN ev = 'modification' THEN 'parcours:note_ajouter'
                    ELSE 'parcours:detail' END,
                CASE WHEN ev = 'modification' THEN 'POST' ELSE 'GET' END,
                {ip}, ''
            FROM parcours_parcours pp
                CROSS JOIN LATERAL (SELECT pp.id - {{parcours}},
                    {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}}) z(i, base)
                LEFT JOIN partenaires_professionnel rp ON rp.id = pp.referent_id
                LEFT JOIN parcours_intervenant iv ON iv.id = {{intervenant}} + 2 * i - 1
                    AND iv.parcours_id = pp.id
                LEFT JOIN partenaires_professionnel ivp ON ivp.id = iv.professionnel_id
                CROSS JOIN generate_series(1, 14) s
                CROSS JOIN LATERAL (SELECT {x.h("i * 16 + s", "jq", 100)} AS q,
                    {x.h("i * 16 + s", "jw", 1000)} AS w1,
                    {x.h("i * 16 + s", "je", 1000)} AS e,
                    greatest(1, least(365, {{le}} - pp.date_entree)) AS etendue) d
                CROSS JOIN LATERAL (SELECT {{le}} - 1 - {x.h("i * 16 + s", "jd", 100000)}
                    % d.etendue AS jour0, w1 AS w) jj
                {{moment}}
                CROSS JOIN LATERAL (SELECT
                    CASE WHEN q < 58 THEN coalesce(rp.user_id, base + 1)
                        WHEN q < 83 THEN coalesce(ivp.user_id, rp.user_id, base + 1)
                        WHEN q < 93 THEN base + 1
                        WHEN q < 97 THEN base + 2 + (q + i) % 9
                        ELSE base + 11 + (i + s) % 30 END AS u,
                    CASE WHEN e < 3 THEN 'refus' WHEN e < 150 THEN 'modification'
                        ELSE 'lecture' END AS ev) r
            WHERE pp.id > {{parcours}}""",
        )
        # Per programme, one partner reads 30 pathways of the programme in the last 20 days
        # (most outside their assignments: the anomaly view's threshold is 20), and another
        # has 6 accesses refused within one hour, 3 days ago.
        self._executer(
            "journal : anomalies",
            f"""
            INSERT INTO core_traceacces (le, user_id, evenement, autorise, content_type_id,
                object_id, programme_id, page, methode, ip, identifiant)
            SELECT t.le, u, ev, ev <> 'refus', {{ct_parcours}}, {{parcours}} + g.debut + 1 + k,
                {{programme}} + g.p, 'parcours:detail', 'GET', {ip}, ''
            FROM gen_prog g CROSS JOIN generate_series(0, 35) k
                CROSS JOIN LATERAL (SELECT k < 30 AS curieux) c
                CROSS JOIN LATERAL (SELECT
                    {{user}} + (g.p - 1) * {{K}} + CASE WHEN curieux THEN 11 + g.p % 30
                        ELSE 11 + (g.p + 7) % 30 END AS u,
                    CASE WHEN curieux THEN 'lecture' ELSE 'refus' END AS ev,
                    CASE WHEN curieux THEN {{le}} - 1 - k % 20 ELSE {{le}} - 3 END AS jour,
                    CASE WHEN curieux THEN 9 + k % 9 ELSE 10 END AS heure,
                    CASE WHEN curieux THEN {x.h("g.p * 40 + k", "am", 60)} ELSE k * 5 % 60
                        END AS minute) a
                CROSS JOIN LATERAL (SELECT ((a.jour + make_time(a.heure, a.minute, 0))
                    AT TIME ZONE 'Europe/Paris') AS le) t
            WHERE k < least(g.n, 36)""",
        )
        # Exports: the coordination exports lists twice a month (content type of the pathway,
        # no object), and one right-of-access file per quarter.
        self._executer(
            "journal : exports",
            f"""
            INSERT INTO core_traceacces (le, user_id, evenement, autorise, content_type_id,
                object_id, programme_id, page, methode, ip, identifiant)
            SELECT t.le, u, ev, true, {{ct_parcours}},
                CASE WHEN ev = 'droit_acces' THEN {{parcours}} + g.debut + 1
                    + {x.h("g.p * 30 + k", "xo", 1000000)} % g.n END,
                {{programme}} + g.p,
                CASE WHEN ev = 'droit_acces' THEN 'parcours:droit_acces_pdf'
                    ELSE 'exports:exporter' END, 'GET', {ip}, ''
            FROM gen_prog g CROSS JOIN generate_series(1, 28) k
                CROSS JOIN LATERAL (SELECT {{user}} + (g.p - 1) * {{K}} + 1 AS u,
                    CASE WHEN k > 24 THEN 'droit_acces' ELSE 'export' END AS ev,
                    {{le}} - 1 - (k % 24) * 15 - {x.h("g.p * 30 + k", "xj", 15)} AS jour0,
                    {x.h("g.p * 30 + k", "xw", 1000)} AS w) jj
                {{moment}}""",
        )
        # Logins: twice a month per active user; a logout for half of them; a failed login
        # (the typed identifier, no user) for one in 25.
        self._executer(
            "journal : connexions",
            f"""
            INSERT INTO core_traceacces (le, user_id, evenement, autorise, content_type_id,
                object_id, programme_id, page, methode, ip, identifiant)
            SELECT t.le + CASE WHEN ev = 'deconnexion' THEN interval '2 hours'
                    ELSE interval '0' END,
                CASE WHEN ev = 'echec_connexion' THEN NULL ELSE u END, ev,
                ev <> 'echec_connexion', NULL, NULL, NULL,
                CASE WHEN ev = 'deconnexion' THEN 'logout' ELSE 'login' END, 'POST', {ip},
                CASE WHEN ev = 'echec_connexion' THEN cu.email ELSE '' END
            FROM core_user cu CROSS JOIN generate_series(1, 24) k
                CROSS JOIN LATERAL (SELECT cu.id AS u,
                    {{le}} - 1 - (k - 1) * 15 - {x.h("cu.id * 30 + k", "cj", 15)} AS jour0,
                    {x.h("cu.id * 30 + k", "cw", 1000)} AS w) jj
                {{moment}}
                CROSS JOIN (VALUES ('connexion'), ('deconnexion'), ('echec_connexion')) e(ev)
            WHERE cu.id > {{user}} AND cu.is_active
                AND (ev = 'connexion' OR (ev = 'deconnexion' AND w % 2 = 0)
                    OR (ev = 'echec_connexion' AND w % 25 = 0))""",
        )
