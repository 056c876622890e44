"""Knowledge base: the problem catalog (``catalog.toml``) as validated data.

Importing this package does not read the catalog; the first call does.
"""

from __future__ import annotations

from .kb import (
    CatalogEntry,
    CatalogError,
    UnknownId,
    all_entries,
    entry,
    ids,
    lookup,
    render_entry,
    render_explain,
)

__all__ = [
    "CatalogEntry",
    "CatalogError",
    "UnknownId",
    "all_entries",
    "entry",
    "ids",
    "lookup",
    "render_entry",
    "render_explain",
]
