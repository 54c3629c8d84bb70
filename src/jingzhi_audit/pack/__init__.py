"""Rule packs: the standard as validated YAML."""

from .loader import Pack, load_pack
from .locate import bundled_packs, resolve_pack

__all__ = ["Pack", "bundled_packs", "load_pack", "resolve_pack"]
