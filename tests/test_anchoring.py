"""Re-anchoring (articles.anchoring): annotations placed again after the text is edited.

Pure functions, so no database. The rule under test throughout: an annotation lands on the
same words after an edit; a passage that was itself edited lands where its surroundings
went (the reader flags it as changed); anything else is orphaned, never placed on other
words. The same rule for any text and any edit is in test_anchoring_properties.py; real
and news-shaped revisions are in tests/anchoring/test_revisions.py; select() itself is in
tests/anchoring/test_selectors.py.
"""

from __future__ import annotations

import pytest

from articles.anchoring import CONTEXT, Anchor, reanchor, reanchor_all, select
from tests.passages import ARTICLE, placed, selector

# Re-anchoring: the common edits -----------------------------------------------------------


def test_unchanged_text_keeps_every_annotation_where_it_was():
    old = selector(ARTICLE, "North Korean troops")
    anchor = reanchor(old, ARTICLE)
    assert anchor == Anchor(old, "position", 1.0)


def test_insertion_before_the_passage_shifts_it():
    old = selector(ARTICLE, "counting on the North Korean troops")
    new = "BREAKING: " + ARTICLE
    anchor = reanchor(old, new)
    assert placed(anchor, new) == old.exact
    assert anchor.selector.start == old.start + len("BREAKING: ")
    assert anchor.method == "exact"


def test_insertion_right_before_the_passage_keeps_the_quote_verbatim():
    old = selector(ARTICLE, "Vladimir Putin was counting")
    new = ARTICLE.replace("Vladimir Putin", "Russian President Vladimir Putin")
    anchor = reanchor(old, new)
    assert placed(anchor, new) == "Vladimir Putin was counting"


def test_insertion_after_the_passage_keeps_its_position():
    old = selector(ARTICLE, "first time he named a figure")
    new = ARTICLE.replace("a figure.", "a figure, officials said.")
    anchor = reanchor(old, new)
    assert anchor.method == "position"
    assert (anchor.selector.start, anchor.selector.end) == (old.start, old.end)


def test_deletion_before_the_passage_shifts_it():
    old = selector(ARTICLE, "toured Western capitals")
    new = ARTICLE.replace(" Putin has denied the reports.", "")
    anchor = reanchor(old, new)
    assert placed(anchor, new) == old.exact
    assert anchor.selector.start == old.start - len(" Putin has denied the reports.")


def test_deletion_after_the_passage_keeps_its_position():
    old = selector(ARTICLE, "Russia is getting ready")
    new = ARTICLE.replace(" to send ten thousand", "")
    anchor = reanchor(old, new)
    assert anchor.method == "position"
    assert (anchor.selector.start, anchor.selector.end) == (old.start, old.end)
    assert anchor.selector.suffix == new[old.end : old.end + CONTEXT]


def test_insertion_inside_the_passage_widens_it_to_cover_the_new_words():
    old = selector(ARTICLE, "soldiers were being trained near the border")
    new = ARTICLE.replace("being trained", "being quickly trained")
    anchor = reanchor(old, new)
    assert placed(anchor, new) == "soldiers were being quickly trained near the border"
    assert anchor.method == "fuzzy"


def test_deletion_inside_the_passage_narrows_it():
    old = selector(ARTICLE, "feared a new wave of mobilisation at home")
    new = ARTICLE.replace("a new wave of", "a wave of")
    assert placed(reanchor(old, new), new) == "feared a wave of mobilisation at home"


def test_typos_inside_the_passage_are_followed():
    old = selector(ARTICLE, "quoting intelligence reports")
    new = ARTICLE.replace("intelligence", "inteligence")
    anchor = reanchor(old, new)
    assert placed(anchor, new) == "quoting inteligence reports"
    assert anchor.method == "fuzzy"
    assert 0 < anchor.score < 1


def test_a_changed_word_inside_a_longer_passage_is_followed():
    old = selector(ARTICLE, "Speaking to reporters in Brussels after talks with European leaders")
    new = ARTICLE.replace("reporters in Brussels", "journalists in Brussels")
    anchored = placed(reanchor(old, new), new)
    assert anchored == "Speaking to journalists in Brussels after talks with European leaders"


def test_a_fuzzy_match_never_starts_or_ends_on_whitespace():
    # "reports" -> "report ": as cheap to match with the space as without; it is trimmed.
    old = selector(ARTICLE, "Putin has denied the reports")
    new = ARTICLE.replace("the reports.", "the report .")
    assert placed(reanchor(old, new), new) == "Putin has denied the report"
    old = selector(ARTICLE, "Vladimir Putin was counting")
    new = ARTICLE.replace("Vladimir", " ladimir")
    assert placed(reanchor(old, new), new) == "ladimir Putin was counting"


def test_a_moved_paragraph_takes_its_annotations_along():
    paragraphs = ARTICLE.split("\n\n")
    old = selector(ARTICLE, "accused Pyongyang of sending troops")
    whole = selector(ARTICLE, paragraphs[1])
    new = "\n\n".join([paragraphs[0], paragraphs[2], paragraphs[3], paragraphs[4], paragraphs[1]])
    anchors = reanchor_all([old, whole], new)
    assert [placed(a, new) for a in anchors] == [old.exact, paragraphs[1]]
    assert anchors[1].selector.start == new.index(paragraphs[1])


# Re-anchoring: never onto other words -----------------------------------------------------


def test_a_quote_found_twice_lands_on_the_one_with_its_context():
    text = "Putin said no. Later the minister said Putin said yes to the plan."
    old = selector(text, "Putin said", occurrence=1)
    new = "Update: " + text
    anchor = reanchor(old, new)
    assert anchor.selector.start == new.index("Putin said yes")
    assert anchor.method == "exact"


def test_a_short_quote_whose_context_is_gone_is_orphaned_not_guessed():
    old = selector(ARTICLE, "Putin", occurrence=0)
    new = ARTICLE.replace(
        "He said Vladimir Putin was counting on", "Officials say Moscow counts on"
    )
    assert new.count("Putin") == 1
    assert reanchor(old, new).selector is None
    again = new.replace("Putin has", "Putin, who met Putin's aides, has")
    assert reanchor(old, again).selector is None


def test_a_common_word_whose_context_is_gone_is_orphaned():
    old = selector(ARTICLE, "the", occurrence=3)
    new = (
        ARTICLE[: old.start - 40]
        + "Completely different words stand here now"
        + ARTICLE[old.end + 40 :]
    )
    assert new.count(" the ") >= 4
    assert reanchor(old, new).selector is None


def test_a_short_quote_is_not_matched_inside_a_longer_word():
    text = "They saw the end of the war. Nobody else came."
    old = selector(text, "the", occurrence=0)
    new = "They saw other ends of a war. Nobody else came."
    assert reanchor(old, new).selector is None


def test_a_passage_rewritten_in_place_lands_on_its_new_words_not_on_its_old_ones_elsewhere():
    # Its old context frames the new words: that is where it went. "North Korean" elsewhere
    # is other words.
    old = selector(ARTICLE, "North Korean soldiers")
    new = ARTICLE.replace("ten thousand North Korean soldiers", "ten thousand troops from Asia")
    assert "North Korean" in new
    anchor = reanchor(old, new)
    assert placed(anchor, new) == "troops from Asia"
    assert anchor.method == "rewritten"


def test_a_passage_rewritten_beyond_the_error_budget_lands_on_the_words_its_context_frames():
    old = selector(ARTICLE, "were being trained near the border")
    new = ARTICLE.replace("were being trained near the border", "had gone home on leave")
    anchor = reanchor(old, new)
    assert placed(anchor, new) == "had gone home on leave"
    assert anchor.method == "rewritten"
    assert 0 < anchor.score < 1


def test_a_passage_deleted_with_nothing_left_between_its_context_is_orphaned():
    old = selector(ARTICLE, "ten thousand")
    new = ARTICLE.replace("send ten thousand North", "send North")
    assert reanchor(old, new).selector is None


# A block that a page repeats word for word (a box, a recipe step): same quote, same context.
BLOCK = (
    "Minutes of the meeting were read out by the secretary.\n\n"
    "The committee approved the budget for the coming year.\n\n"
    "Questions from members were then taken by the chair.\n\n"
)

INTRO = "An introduction of two hundred characters was added here. " * 4


def test_two_equally_good_places_far_from_the_old_position_are_ambiguous():
    text = "Opening words of the story.\n\n" + BLOCK + BLOCK
    old = selector(text, "approved the budget", occurrence=1)
    assert reanchor(old, text) == Anchor(old, "position", 1.0)
    assert reanchor(old, INTRO + text).selector is None


def test_an_edited_passage_does_not_jump_to_an_intact_copy_elsewhere():
    text = "Opening words of the story.\n\n" + BLOCK + "Something else entirely.\n\n" + BLOCK
    old = selector(text, "approved the budget", occurrence=1)
    new = text[: old.start] + "aproved the budget" + text[old.end :]
    anchor = reanchor(old, new)
    assert anchor.selector is None or anchor.selector.start == old.start


def test_a_short_match_shifted_along_a_table_of_numbers_is_not_taken():
    table = (
        "33 Quin Houff 77 0 0 0 0\n34 Jamie McMurray 19 0 0 0 0\n35 Austin Theriault 17 0 0 0 0\n"
    )
    end = table.index("\n", table.index("34 Jamie"))
    old = select(table, end - 5, end)  # the last "0 0 0" of row 34
    new = table[: end - 1] + "a" + table[end:]  # now "0 0 a"
    anchor = reanchor(old, new)
    assert anchor.selector is None or anchor.selector.start == old.start


def test_reanchor_all_settles_repeated_passages_by_their_neighbours_shift():
    text = "Opening words of the story.\n\n" + BLOCK + BLOCK
    olds = [selector(text, "Opening words"), selector(text, "approved the budget", occurrence=1)]
    anchors = reanchor_all(olds, INTRO + text)
    shifts = [a.selector.start - o.start for a, o in zip(anchors, olds, strict=True)]
    assert shifts == [len(INTRO)] * 2


def test_reanchor_all_returns_anchors_in_the_order_given():
    olds = [selector(ARTICLE, "Rome"), selector(ARTICLE, "Russia"), selector(ARTICLE, "Brussels")]
    new = "Update. " + ARTICLE
    assert [placed(a, new) for a in reanchor_all(olds, new)] == ["Rome", "Russia", "Brussels"]
    assert reanchor_all([], new) == []


@pytest.mark.parametrize("emptied", ["", "   ", "\n\n"])
def test_emptied_text_orphans_every_annotation(emptied):
    olds = [selector(ARTICLE, "Russia"), selector(ARTICLE, "North Korean soldiers")]
    assert reanchor_all(olds, emptied) == [Anchor(None, "orphaned", 0.0)] * 2


# Unicode: offsets are code points ---------------------------------------------------------


def test_cyrillic_text_is_reanchored_after_an_insertion_and_a_typo():
    text = "Президент заявил в четверг, что Россия готовит отправку северокорейских солдат."
    old = selector(text, "готовит отправку северокорейских солдат")
    new = "Срочно: " + text.replace("отправку", "отпраку")
    anchor = reanchor(old, new)
    assert placed(anchor, new) == "готовит отпраку северокорейских солдат"


def test_cjk_text_without_spaces_is_reanchored():
    text = "北朝鮮の兵士一万人がロシア軍に派遣される準備が進んでいると大統領は述べた。"
    old = selector(text, "ロシア軍に派遣される")
    new = "速報：" + text
    anchor = reanchor(old, new)
    assert placed(anchor, new) == "ロシア軍に派遣される"
    assert anchor.selector.start == old.start + 3


def test_emoji_count_as_code_points_in_offsets():
    text = "Fans cheered 🎉 when the team won the final match of the season."
    old = selector(text, "the team won the final")
    family = "👨\u200d👩\u200d👧"  # one picture, five code points
    new = family + " " + text
    anchor = reanchor(old, new)
    assert placed(anchor, new) == "the team won the final"
    assert anchor.selector.start == old.start + 6
