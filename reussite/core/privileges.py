"""Two database roles: the owner of the schema, and the application.

The application (web, worker, beat: DATABASE_URL) connects as a role that owns nothing. The owner
role (DATABASE_OWNER_URL: its user name and password; server and database are DATABASE_URL's)
owns the tables and functions: `migrate` and `flush` run as the owner (their overrides in
core/management/commands), and after every `migrate` the owner grants the application role what
it needs: read and write on the business tables, but only INSERT and SELECT on the access trail,
and EXECUTE on `core_traceacces_purger`, the owner's SECURITY DEFINER retention purge that
deletes nothing younger than the minimal retention (migration core/0011). The application role
cannot update, delete or truncate the trail, nor disable or replace its trigger (an owner's
right), so no code running as the application can rewrite it.

Without DATABASE_OWNER_URL one role does everything (a quick local setup): the trail is then
protected by its trigger only.
"""

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.db import connections

TABLE_TRACE = "core_traceacces"
FONCTION_PURGE = "core_traceacces_purger"
SIGNATURE_PURGE = f"{FONCTION_PURGE}(timestamp with time zone)"
# The settings that name the role; the server, port and database stay the application's.
IDENTIFIANTS = ("USER", "PASSWORD")


def proprietaire() -> dict | None:
    """The owner role's user name and password, or None when one role does everything."""
    reglages = getattr(settings, "REUSSITE_BASE_PROPRIETAIRE", None)
    if not reglages or reglages.get("USER") == role_application():
        return None
    return {cle: reglages.get(cle) or "" for cle in IDENTIFIANTS}


def role_application() -> str:
    return settings.REUSSITE_ROLE_APPLICATION


@contextlib.contextmanager
def connexion_proprietaire(alias: str) -> Iterator[None]:
    """In this thread only, `connections[alias]` connects as the owner role: what runs inside
    (migrations, their data functions, post_migrate handlers, a flush) does so as the owner.
    Other threads (a live test server) keep the application role."""
    identifiants = proprietaire()
    application = connections[alias]
    if identifiants is None or application.settings_dict.get("USER") == identifiants["USER"]:
        yield
        return
    du_proprietaire = application.__class__({**application.settings_dict, **identifiants}, alias)
    connections[alias] = du_proprietaire
    try:
        yield
    finally:
        du_proprietaire.close()
        connections[alias] = application


def _identifiant(nom: str) -> str:
    return '"' + nom.replace('"', '""') + '"'


def accorder_droits_application(*, using: str, **kwargs) -> None:
    """post_migrate (once per migrate, after every app's migrations): as the owner, grant the
    application role its rights, on the tables of every migration so far (idempotent).

    Nothing to do when one role does everything, or when the connected role does not own the
    trail (a flush by the application role in a single-role setup)."""
    application = role_application()
    with connections[using].cursor() as curseur:
        curseur.execute(
            "SELECT current_user, quote_ident(current_schema()), "
            "(SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = to_regclass(%s)), "
            "to_regprocedure(%s) IS NOT NULL",
            [TABLE_TRACE, SIGNATURE_PURGE],
        )
        utilisateur, schema, proprietaire_trace, purge_existe = curseur.fetchone()
        if not application or application == utilisateur or proprietaire_trace != utilisateur:
            return
        role = _identifiant(application)
        trace = f"{schema}.{_identifiant(TABLE_TRACE)}"
        instructions = [
            f"GRANT USAGE ON SCHEMA {schema} TO {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
            # setval: the synthetic-data generator resets sequences after its bulk inserts.
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
            # The trail: append and read (the DPO's and the coordinators' pages), nothing else.
            f"REVOKE ALL ON {trace} FROM {role}",
            f"GRANT SELECT, INSERT ON {trace} TO {role}",
        ]
        if purge_existe:
            purge = f"{schema}.{SIGNATURE_PURGE}"
            instructions += [
                f"REVOKE ALL ON FUNCTION {purge} FROM PUBLIC",
                f"GRANT EXECUTE ON FUNCTION {purge} TO {role}",
            ]
        for instruction in instructions:
            curseur.execute(instruction)
