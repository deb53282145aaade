"""select() and re-anchoring: selectors derived from body_text, and placed again after edits.

Pure functions, so no database. The rule under test throughout: an annotation lands on the
same words after an edit, or is orphaned; it never lands on other words.
"""

import random
import time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from articles.anchoring import (
    CONTEXT,
    Anchor,
    AnchorError,
    Selector,
    reanchor,
    reanchor_all,
    select,
)
from articles.anchoring.myers import distance, scan

ARTICLE = (
    "Russia is getting ready to send ten thousand North Korean soldiers to fight Kyiv, the "
    "Ukrainian president said on Thursday, quoting intelligence reports.\n\n"
    "He had earlier accused Pyongyang of sending troops to the Russian army, but this was the "
    "first time he named a figure.\n\n"
    "Speaking to reporters in Brussels after talks with European leaders, he said the soldiers "
    "were being trained near the border.\n\n"
    "He said Vladimir Putin was counting on the North Korean troops because he feared a new "
    "wave of mobilisation at home. Putin has denied the reports.\n\n"
    "The president toured Western capitals earlier this month, including Washington, Paris, "
    "Berlin and Rome, to present his plan."
)


def selector(text: str, phrase: str, occurrence: int = 0) -> Selector:
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(phrase, at + 1)
    return select(text, at, at + len(phrase))


def placed(anchor: Anchor, text: str) -> str:
    """The words an anchor landed on, checked against the text it was placed on."""
    assert anchor.selector is not None, anchor
    got = anchor.selector
    assert got == select(text, got.start, got.end)
    return got.exact


# select(): selectors from offsets ---------------------------------------------------------


def test_select_derives_exact_prefix_and_suffix_from_the_offsets():
    start = ARTICLE.index("North Korean soldiers")
    got = select(ARTICLE, start, start + len("North Korean soldiers"))
    assert got == Selector(
        start=start,
        end=start + 21,
        exact="North Korean soldiers",
        prefix=ARTICLE[start - 32 : start],
        suffix=ARTICLE[start + 21 : start + 53],
    )
    assert len(got.prefix) == len(got.suffix) == CONTEXT


def test_select_shortens_the_context_at_the_edges_of_the_text():
    got = select("Putin spoke.", 0, 5)
    assert (got.exact, got.prefix, got.suffix) == ("Putin", "", " spoke.")
    got = select("Putin spoke.", 6, 12)
    assert (got.exact, got.prefix, got.suffix) == ("spoke.", "Putin ", "")


def test_select_accepts_the_quote_the_browser_saw():
    got = select(ARTICLE, 0, 6, quote="Russia")
    assert got.exact == "Russia"


@pytest.mark.parametrize("bad", ["3", 3.0, None, True, False])
def test_select_refuses_offsets_that_are_not_integers(bad):
    with pytest.raises(AnchorError, match="whole number"):
        select(ARTICLE, bad, 10)
    with pytest.raises(AnchorError, match="whole number"):
        select(ARTICLE, 0, bad)


def test_select_refuses_a_negative_start():
    with pytest.raises(AnchorError, match=r"before the article \(offset -1 < 0\)"):
        select(ARTICLE, -1, 5)


@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 5)])
def test_select_refuses_an_empty_or_reversed_selection(start, end):
    with pytest.raises(AnchorError, match="empty"):
        select(ARTICLE, start, end)


def test_select_refuses_a_selection_past_the_end_of_the_article():
    with pytest.raises(AnchorError) as caught:
        select("x" * 4980, 10, 5012)
    assert str(caught.value) == (
        "The selection ends after the end of the article (offset 5012 > 4980)."
    )


def test_select_refuses_a_selection_of_only_whitespace():
    start = ARTICLE.index("\n\n")
    with pytest.raises(AnchorError, match="only whitespace"):
        select(ARTICLE, start, start + 2)


@pytest.mark.parametrize("quote", ["Russia ", "russia", "Russi", "Rus\u00adsia", ""])
def test_select_refuses_a_quote_that_differs_from_the_text(quote):
    with pytest.raises(AnchorError) as caught:
        select(ARTICLE, 0, 6, quote=quote)
    assert "reload the page and select again" in str(caught.value)


def test_select_compares_the_quote_exactly_without_normalising():
    text = "it\u2019s here"
    with pytest.raises(AnchorError):
        select(text, 0, 4, quote="it's")
    assert select(text, 0, 4, quote="it\u2019s").exact == "it\u2019s"


def test_refusals_are_one_line_messages():
    for args in [(ARTICLE, -1, 3), (ARTICLE, 3, 3), (ARTICLE, 0, 10**6), ("a  b", 1, 3)]:
        with pytest.raises(AnchorError) as caught:
            select(*args)
        assert "\n" not in str(caught.value)


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


def test_a_passage_rewritten_in_place_is_orphaned_even_if_its_words_occur_elsewhere():
    old = selector(ARTICLE, "North Korean soldiers")
    new = ARTICLE.replace("ten thousand North Korean soldiers", "ten thousand troops from Asia")
    assert "North Korean" in new
    assert reanchor(old, new).selector is None


def test_a_passage_rewritten_beyond_the_error_budget_is_orphaned():
    old = selector(ARTICLE, "were being trained near the border")
    new = ARTICLE.replace("were being trained near the border", "had gone home on leave")
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


# The edit-distance kernel -----------------------------------------------------------------


def textbook_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


@settings(max_examples=200, deadline=None)
@given(st.text("abcé🎉", max_size=90), st.text("abcé🎉", max_size=90))
def test_myers_distance_agrees_with_the_textbook_algorithm(a, b):
    assert distance(a, b) == textbook_distance(a, b)


def textbook_search(pattern: str, text: str) -> list[int]:
    """Best distance of `pattern` to any substring of `text` ending at each offset."""
    column = list(range(len(pattern) + 1))
    ends = []
    for y in text:
        current = [0]  # a match may start anywhere: no cost for skipped text
        for i, x in enumerate(pattern, 1):
            current.append(min(column[i] + 1, current[i - 1] + 1, column[i - 1] + (x != y)))
        column = current
        ends.append(column[-1])
    return ends


@settings(max_examples=200, deadline=None)
@given(st.text("abc", min_size=1, max_size=80), st.text("abc", max_size=80))
def test_myers_search_gives_the_best_substring_distance_at_each_end(pattern, text):
    assert scan(pattern, text, anchored=False) == textbook_search(pattern, text)


def test_myers_handles_patterns_longer_than_a_machine_word():
    pattern = "lorem ipsum dolor sit amet " * 20
    text = pattern.replace("dolor", "dolour").replace("amet", "amen")
    assert distance(pattern, text) == textbook_distance(pattern, text)
    assert min(scan(pattern, "xx" + text + "yy", anchored=False)) == distance(pattern, text)


# Properties -------------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=400)


@st.composite
def texts_with_selection(draw, texts=TEXT):
    text = draw(texts)
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    assume(text[start:end].strip())
    return text, start, end


@settings(max_examples=200, deadline=None)
@given(texts_with_selection())
def test_select_takes_the_quote_and_its_adjacent_context_for_any_text(case):
    text, start, end = case
    got = select(text, start, end)
    assert got.exact == text[start:end]
    assert got.prefix == text[max(0, start - CONTEXT) : start]
    assert got.suffix == text[end : end + CONTEXT]
    assert len(got.prefix) <= CONTEXT
    assert len(got.suffix) <= CONTEXT


@settings(max_examples=200, deadline=None)
@given(texts_with_selection())
def test_the_unchanged_text_gives_back_the_same_offsets(case):
    text, start, end = case
    old = select(text, start, end)
    assert reanchor(old, text) == Anchor(old, "position", 1.0)


# Text made of distinct words, as articles mostly are: every passage is identifiable.
VOCABULARY = [
    f"{stem}{n:02d}" for stem in ("word", "слово", "語", "mot", "🎉x", "wört") for n in range(40)
]


@st.composite
def articles(draw):
    words = draw(st.permutations(VOCABULARY))[: draw(st.integers(20, 120))]
    separator = st.sampled_from([" ", " ", " ", "\n\n", "\n", "\t", ", "])
    separators = draw(st.lists(separator, min_size=len(words), max_size=len(words)))
    return "".join(w + s for w, s in zip(words, separators, strict=True)).strip()


@settings(max_examples=200, deadline=None)
@given(texts_with_selection(articles()), st.text(min_size=1, max_size=60), st.data())
def test_an_insertion_outside_the_context_moves_the_annotation_with_its_words(case, inserted, data):
    text, start, end = case
    before = list(range(max(0, start - CONTEXT)))
    after = list(range(end + CONTEXT, len(text) + 1))
    assume(before or after)
    at = data.draw(st.sampled_from(before + after))
    new = text[:at] + inserted + text[at:]
    old = select(text, start, end)
    anchor = reanchor(old, new)
    shift = len(inserted) if at < start else 0
    assert anchor.selector == select(new, start + shift, end + shift)


@settings(max_examples=200, deadline=None)
@given(texts_with_selection(articles()), st.text("QXZJ?", min_size=1, max_size=40))
def test_a_passage_replaced_by_unrelated_words_is_never_placed(case, replacement):
    # None of these characters occur in the articles: the passage is gone, and any place
    # found for it would be other words.
    text, start, end = case
    new = text[:start] + replacement + text[end:]
    assert reanchor(select(text, start, end), new) == Anchor(None, "orphaned", 0.0)


@settings(max_examples=200, deadline=None)
@given(
    texts_with_selection(),
    st.integers(0, 400),
    st.integers(0, 60),
    st.text(max_size=60),
)
def test_a_placed_annotation_always_quotes_the_new_text_at_its_offsets(case, at, cut, inserted):
    text, start, end = case
    at = min(at, len(text))
    new = text[:at] + inserted + text[at + cut :]
    anchor = reanchor(select(text, start, end), new)
    if anchor.selector is None:
        assert anchor == Anchor(None, "orphaned", 0.0)
    else:
        got = anchor.selector
        assert got == select(new, got.start, got.end)
        assert anchor.method in {"position", "exact", "fuzzy"}
        assert 0 < anchor.score <= 1


# Speed ------------------------------------------------------------------------------------


def test_hundreds_of_annotations_on_a_long_article_reanchor_well_under_a_second():
    rng = random.Random(4)
    words = [f"{rng.choice(VOCABULARY)}{rng.randrange(1000)}" for _ in range(16_000)]
    article = " ".join(words)
    for near in range(800, len(article), 800):  # paragraphs
        at = article.index(" ", near)
        article = article[:at] + "\n\n" + article[at + 1 :]
    assert len(article) > 100_000
    olds = []
    for _ in range(300):
        start = article.index(" ", rng.randrange(len(article) - 500)) + 1
        olds.append(select(article, start, article.index(" ", start + rng.randrange(5, 200))))
    middle = article.index("\n\n", len(article) // 2)
    new = article[:middle] + "\n\nA new paragraph, added by the editor." + article[middle:]
    olds = [o for o in olds if not o.start < middle < o.end]  # not edited themselves
    began = time.perf_counter()
    anchors = reanchor_all(olds, new)
    spent = time.perf_counter() - began
    assert all(placed(a, new) == o.exact for a, o in zip(anchors, olds, strict=True))
    # Typically ~30 ms here; the bound leaves room for a busy CI machine.
    assert spent < 1.0
