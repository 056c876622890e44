"""The knowledge base is written in our own words.

No sentence of CATALOG.md longer than 60 characters may appear verbatim in the
prose of catalog.toml. Device messages and commands are facts and exempt:
sentences that start with ``%``, contain backticks in CATALOG.md, or sit in
the symptoms/fix lists of an entry.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ipsec_doctor.knowledge import kb

CATALOG_MD = Path(__file__).resolve().parents[1].parent / "shared" / "spec" / "CATALOG.md"
PROSE_FIELDS = ("title", "section", "what", "why", "caution", "correction", "distinguish")
SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+|\s+—\s+|\s*\|\s*|\n")


def _normal(text: str) -> str:
    return " ".join(text.split()).lower()


def _prose_of_catalog() -> str:
    data = kb.load_catalog_data()
    parts = [str(raw.get(field, "")) for raw in data.values() for field in PROSE_FIELDS]
    return _normal("\n".join(parts))


def long_sentences(markdown: str, minimum: int = 60) -> list[str]:
    """Sentences of ``markdown`` longer than ``minimum`` that are prose, not messages or commands."""
    out = []
    for piece in SENTENCE_END.split(markdown):
        sentence = piece.strip(" -*#.")
        if len(sentence) <= minimum or sentence.startswith("%") or "`" in sentence:
            continue
        out.append(sentence)
    return out


def test_long_sentences_skips_messages_and_backticked_commands() -> None:
    sample = "| x | `%ASA-3-713042: IKE Initiator unable to find policy and more words here for length` | " \
        "a plain prose sentence that is clearly longer than sixty characters in total. short one."
    assert long_sentences(sample) == ["a plain prose sentence that is clearly longer than sixty characters in total"]


def test_no_sentence_of_CATALOG_md_is_copied_into_the_catalog_prose() -> None:
    if not CATALOG_MD.is_file():
        pytest.skip("../shared/spec/CATALOG.md not present")
    prose = _prose_of_catalog()
    sentences = long_sentences(CATALOG_MD.read_text(encoding="utf-8"))
    assert len(sentences) > 20  # the splitter really found prose to compare
    copied = [s for s in sentences if _normal(s) in prose]
    assert copied == []


def test_no_long_run_of_CATALOG_md_words_is_copied_into_the_catalog_prose() -> None:
    """Stricter than whole sentences: no 12-word run of CATALOG.md prose reappears in our prose."""
    if not CATALOG_MD.is_file():
        pytest.skip("../shared/spec/CATALOG.md not present")
    prose = _prose_of_catalog()
    runs: set[str] = set()
    for sentence in long_sentences(CATALOG_MD.read_text(encoding="utf-8"), minimum=0):
        words = _normal(sentence).split()
        runs.update(" ".join(words[i : i + 12]) for i in range(len(words) - 11))
    assert sorted(r for r in runs if r in prose) == []
