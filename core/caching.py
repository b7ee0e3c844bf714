"""The site's caching model (being rebuilt for issue #14; see README "Caching").

`memo(name, produce)` is the entry point for values computed from the data and shown the
same to everyone (a chart's figures, a graph's layout): it returns `produce()`, cached
under the version of the data it read. This first version simply calls `produce()`.
"""

from __future__ import annotations


def memo(name: str, produce):
    """`produce()`, kept until the data it read changes."""
    return produce()
