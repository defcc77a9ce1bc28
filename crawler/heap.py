"""The garbage collector around a process's start and end.

Start-up builds some 100,000 objects that live until the process exits (modules, classes,
compiled patterns, Scrapy's components), and every full collection walks them all again: during
the imports, all through the crawl, and once more while the interpreter shuts down. For a short
run (a re-crawl that finds nothing due) those walks are a quarter of its CPU time. So a process
collects nothing while it sets up, then collects once and freezes what set-up built (later
collections skip it), and freezes again just before it exits, when nothing alive is garbage
that matters.
"""

from __future__ import annotations

import gc
from typing import Any


def starting() -> None:
    """Collect nothing while the process imports and sets up: what it builds lives on."""
    gc.disable()


def started(**_signal: Any) -> None:
    """Set-up is done: collect its garbage once, keep what lives out of later collections,
    and collect again as usual.

    Takes a Scrapy signal's keyword arguments, so it can be connected to one."""
    gc.collect()  # else set-up's own garbage would be frozen with the rest, for good
    gc.freeze()
    gc.enable()


def ending() -> None:
    """The process is about to exit: its last collections would only walk a heap the exit
    frees anyway (resources are closed explicitly before this, never by a finaliser)."""
    gc.disable()
    gc.freeze()
