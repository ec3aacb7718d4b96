import unicodedata


def normaliser(texte: str) -> str:
    """Lower-case, accent-free, single-spaced text: the form names are searched in."""
    decompose = unicodedata.normalize("NFKD", texte)
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    return " ".join(
        sans_accents.casefold().replace("-", " ").replace("’", " ").replace("'", " ").split()
    )
