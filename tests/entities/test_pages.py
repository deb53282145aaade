"""What an entity's page shows of a mention (articles/entities/pages.py): the sentence
around it, on its own (no database)."""

from __future__ import annotations


def test_the_sentence_around_a_mention_stops_at_sentence_ends():
    from articles.entities.pages import sentence_around

    window = "First one. The FNV said Ahmed Aboutaleb would chair it. Then more.\n\nNext."
    start = window.index("Aboutaleb")
    sentence = sentence_around(window, start, start + len("Aboutaleb"))
    assert (sentence.before, sentence.mention, sentence.after) == (
        "The FNV said Ahmed ",
        "Aboutaleb",
        " would chair it.",
    )


def test_a_sentence_cut_by_the_window_is_marked_with_an_ellipsis():
    from articles.entities.pages import WINDOW, sentence_around

    window = "word " * (WINDOW // 5) + "Kyiv" + " word" * (WINDOW // 5)
    start = window.index("Kyiv")
    sentence = sentence_around(window, start, start + 4)
    assert sentence.before.startswith("…")
    assert sentence.after.endswith("…")
