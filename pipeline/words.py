"""Where the words of Chinese text start: one segmenter, for the reading stages and the writers.

jieba's dictionary and model, by rjieba (its Rust port: the same words, imported in a tenth of
jieba's time). Imported on first use: most of a speech needs no segmenter, and loading it is a
tenth of a second of a cold convert.
"""
from __future__ import annotations


def word_starts(text: str) -> set[int]:
    """The offsets in `text` where a word starts, and its end; every offset where rjieba is missing."""
    try:
        import rjieba
    except ImportError:  # pragma: no cover — a dependency; without it every offset is a boundary
        return set(range(len(text) + 1))
    starts, at = set(), 0
    for word in rjieba.cut(text):
        starts.add(at)
        at += len(word)
    return starts | {len(text)}
