"""Two database roles: the owner of the schema, and the application.

Migrations run as the owner (the `proprietaire` alias, DATABASE_OWNER_URL); web, worker and beat
connect as the application role (DATABASE_URL). After every `migrate` the owner grants the
application role what it needs: read and write on the business tables, but only INSERT and SELECT
on the access trail, and EXECUTE on the trail's retention purge, a SECURITY DEFINER function of
the owner's that deletes nothing younger than the minimal retention (migration core/0010). The
application role cannot update, delete or truncate the trail, nor disable its trigger (only an
owner may), so no code running as the application can rewrite it.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

PROPRIETAIRE = "proprietaire"
TABLE_JOURNAL = "core_journalacces"
FONCTION_PURGE = "core_journalacces_purger"


def role_application() -> str:
    return settings.DATABASES[DEFAULT_DB_ALIAS].get("USER") or ""


def _identifiant(nom: str) -> str:
    return '"' + nom.replace('"', '""') + '"'


def accorder_droits_application(*, using: str, **kwargs) -> None:
    """post_migrate: as the owner, grant the application role its rights (idempotent).

    Nothing to do when one role does everything (no DATABASE_OWNER_URL: development), or when
    the migrating role does not own the trail (an older database owned by someone else)."""
    application = role_application()
    connexion = connections[using]
    with connexion.cursor() as curseur:
        curseur.execute(
            "SELECT current_user, current_schema(), "
            "(SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass(%s)), "
            "to_regprocedure(%s) IS NOT NULL",
            [TABLE_JOURNAL, f"{FONCTION_PURGE}(timestamp with time zone)"],
        )
        utilisateur, schema, proprietaire_journal, purge_existe = curseur.fetchone()
        if not application or application == utilisateur or proprietaire_journal != utilisateur:
            return
        role, schema = _identifiant(application), _identifiant(schema)
        journal = f"{schema}.{_identifiant(TABLE_JOURNAL)}"
        instructions = [
            f"GRANT USAGE ON SCHEMA {schema} TO {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
            # The trail: append and read (the DPO's and the coordinators' pages), nothing else.
            f"REVOKE ALL ON {journal} FROM {role}",
            f"GRANT SELECT, INSERT ON {journal} TO {role}",
        ]
        if purge_existe:
            purge = f"{schema}.{_identifiant(FONCTION_PURGE)}(timestamp with time zone)"
            instructions += [
                f"REVOKE ALL ON FUNCTION {purge} FROM PUBLIC",
                f"GRANT EXECUTE ON FUNCTION {purge} TO {role}",
            ]
        for instruction in instructions:
            curseur.execute(instruction)
