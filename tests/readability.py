"""Flesch reading ease, the measure the handout and consent form tests hold to.

206.835 - 1.015 x (words per sentence) - 84.6 x (syllables per word). Syllables come from
Pyphen's English hyphenation dictionary (already installed: WeasyPrint uses it), counted the
way textstat counted them before it moved to a downloaded dictionary: a word's hyphenation
points plus one. Above 80 reads as "easy"; 90 and up as "very easy".
"""

import re

import pyphen

_DICTIONARY = pyphen.Pyphen(lang="en_US")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019]*")
_SENTENCE_END = re.compile(r"[.!?:;]+(?:\s|$)")


def syllables(word: str) -> int:
    return len(_DICTIONARY.positions(word)) + 1


def reading_ease(text: str) -> float:
    words = _WORD.findall(text)
    sentences = max(1, len(_SENTENCE_END.findall(text.strip() + " ")))
    total = sum(syllables(word) for word in words)
    return 206.835 - 1.015 * len(words) / sentences - 84.6 * total / len(words)
