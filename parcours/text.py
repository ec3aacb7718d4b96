"""Text helpers of the pathways; `normaliser` lives in the core, shared with partenaires."""

from reussite.core.texte import normaliser

__all__ = ["normaliser"]
