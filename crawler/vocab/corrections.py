"""How newsrooms word a correction or update notice, in English and the main European languages."""

from __future__ import annotations

import re
from itertools import product

# Labels that open a notice ("Correction:", "Update (10.32 GMT)", "[Berichtigung]"), lower case,
# words separated by one space; an apostrophe matches ' or ’ or none.
LABELS = (
    # English
    "correction", "corrections", "clarification", "clarifications", "update", "updated",
    "editor's note", "editors' note", "erratum", "corrigendum",
    # French
    "rectificatif", "correctif", "mise à jour", "précision", "note de la rédaction",
    # Spanish
    "fe de errores", "fe de erratas", "corrección", "aclaración", "actualización",
    "nota del editor", "nota de la redacción",
    # German
    "korrektur", "korrekturhinweis", "berichtigung", "richtigstellung", "aktualisierung",
    "aktualisiert", "transparenzhinweis", "anmerkung der redaktion",
    # Portuguese
    "correção", "correçao", "correcção", "correcçao", "errata", "esclarecimento", "atualização",
    "actualização", "nota da redação", "nota da redacção",
    # Italian
    "rettifica", "correzione", "aggiornamento", "nota della redazione",
    # Dutch
    "correctie", "rectificatie", "naschrift",
    # Scandinavian, Polish, Czech, Finnish
    "rättelse", "rettelse", "korrigering", "sprostowanie", "korekta", "oprava", "oikaisu",
)
# What follows a label: a colon, a dash, "(" or "]", or nothing (a heading).
LABEL_END = r"\s*(?:[:\-–—(\]]|$)"
# Sentences saying, anywhere in a paragraph, that the story changed after publication. Each is
# a sequence of slots; a slot is one wording or a tuple of its alternatives.
PHRASES: tuple[tuple[str | tuple[str, ...], ...], ...] = (
    ("this", ("article", "story", "piece", "post", "page"), ("was", "has been"),
     ("amended", "corrected", "updated", "clarified")),
    (("an", "a"), ("earlier", "previous"), "version of this",
     ("article", "story", "piece", "post", "report")),
    (("editor's note", "editors' note"),),
    ("cet article a été", ("modifié", "corrigé", "mis à jour")),
    ("une", ("précédente", "première"), "version de cet article"),
    ("este", ("artículo", "texto"), ("fue", "ha sido"), ("corregido", "actualizado", "modificado")),
    ("una versión anterior de", ("este", "esta")),
    ("in einer", ("früheren", "vorherigen", "ersten"), "version dieses",
     ("artikels", "textes", "beitrags")),
    ("dieser", ("artikel", "text", "beitrag"), "wurde", ("korrigiert", "aktualisiert", "geändert")),
    ("uma versão anterior", ("deste", "desta")),
    ("este texto foi", ("corrigido", "atualizado", "actualizado")),
    ("una versione precedente di questo",),
    ("in een eerdere versie van dit artikel",),
)
# Openings of a paragraph that dates an edit ("Updated at 11:05 to add ...", "Aktualisiert am").
DATED_OPENINGS = (
    ("last updated", "updated", "corrected", "amended"), ("on", "at"),
)


def _words(text: str) -> str:
    """A wording as a regex: any run of spaces between words, any apostrophe or none."""
    return r"\s+".join(re.escape(word).replace("'", "[’']?") for word in text.split())


def _slot(slot: str | tuple[str, ...]) -> str:
    return "(?:" + "|".join(_words(w) for w in ((slot,) if isinstance(slot, str) else slot)) + ")"


# A paragraph opening with a label.
LABEL_PATTERN = re.compile(
    r"^\W*(?:" + "|".join(_words(label) for label in sorted(LABELS, key=len, reverse=True))
    + ")" + LABEL_END, re.IGNORECASE)
# A paragraph holding one of the phrases, or opening with a dated edit.
PHRASE_PATTERN = re.compile(
    "|".join(r"\b" + r"\s+".join(_slot(slot) for slot in phrase) for phrase in PHRASES)
    + r"|^\W*" + r"\s+".join(_slot(slot) for slot in DATED_OPENINGS) + r"\s", re.IGNORECASE)


def substrings() -> list[str]:
    """Lower-case text whose presence marks a notice, for SQL without regexes: each label with
    its colon, and every wording of every phrase (both apostrophes)."""
    texts = [f"{label}:" for label in LABELS]
    for phrase in PHRASES:
        slots = [(slot,) if isinstance(slot, str) else slot for slot in phrase]
        texts += [" ".join(words) for words in product(*slots)]
    with_curly = [text.replace("'", "’") for text in texts if "'" in text]
    return list(dict.fromkeys(texts + with_curly))
