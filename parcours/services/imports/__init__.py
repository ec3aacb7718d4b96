"""Importing an existing caseload: a dry run first, then everything or nothing.

`import_analyser` (`analyse`) reads the file (`reussite.core.imports.lecture`), checks every
row with the same rules as the forms and services (dates in their plausible ranges, choices,
the référent, the consent a status requires, duplicates) and stores the plan: for each row,
create, update, unchanged or rejected, with French errors naming the row and the column, and
the versions of the rows an update would change. Nothing is written to the children's tables.

`import_appliquer` (`application`) replays the plan in one transaction, through the services:
a row changed in the application since the dry run is rejected and listed (the concurrency rule
of the write pattern), and any error rolls the whole file back. Every row written is in the
change history as an import by its author (pghistory context `user` and `import`).
Re-importing the same file finds every row unchanged and writes nothing; a corrected file
updates the children by their external identifier, never duplicates them.

The file's columns and the reading of their values are in `colonnes`; the life of the import
(confirmation, background task, progress, failure) is the core's, shared with the network's
import (`reussite.core.imports.flux`), declared here as `FLUX`.
"""

from .analyse import import_analyser
from .application import FLUX, import_appliquer
from .colonnes import COLONNES, SEUIL_ARRIERE_PLAN

__all__ = [
    "COLONNES",
    "FLUX",
    "SEUIL_ARRIERE_PLAN",
    "import_analyser",
    "import_appliquer",
]
