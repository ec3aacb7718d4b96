"""The Python heap of a serving process: what it loaded at start is set aside from the garbage
collector (`gc.freeze`).

Issue 18: one request in ten to twenty spent 115 to 140 ms more CPU than the others on the
statistics pages, their CSV, the API list: Python's full collection (generation 2) walking the
whole heap, 230,000 objects of Django, the apps, the URLs and the compiled templates that live
as long as the process. Frozen after loading, they are no longer walked; the objects of each
request are still collected as before. The application's state is unchanged: nothing frozen is
ever garbage (modules, classes, the resolver, the caches of the templates).
"""

import gc


def geler_le_tas() -> int:
    """Load what every request needs (the URL resolver, hence every view), free what is already
    garbage, then move every live object to the permanent generation. Returns how many."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every urlconf and view
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
