"""Rule packs: the standard as validated YAML."""

from .compiled import Pack
from .loader import load_pack
from .locate import bundled_packs, resolve_pack

__all__ = ["Pack", "bundled_packs", "load_pack", "resolve_pack"]
