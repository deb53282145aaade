"""Re-anchoring on revisions: the real ones of ../shared/conformance/revisions (platform
policies as their publishers changed them) and edits shaped like news revisions (a figure
updated, a sentence rewritten, the story re-set, a paragraph inserted or a correction
appended). Pure functions, so no database.

The rule: a passage whose words survive lands exactly on them; an edited passage lands
where its surroundings went, or is orphaned; nothing lands anywhere else.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from articles.anchoring import reanchor, reanchor_all, select
from tests.conftest import shared_file
from tests.passages import ARTICLE, placed, selector

# The real revisions: 702 surviving passages, 98 edited. Floors a little below what the
# re-anchoring achieves (699 and 51 when written; 677 and 29 before edited passages were
# placed), so that a regression shows.
SURVIVING_FLOOR = 695
EDITED_FLOOR = 48


def test_real_revisions_keep_surviving_passages_place_edited_ones_and_none_wrongly():
    folder = shared_file("conformance", "revisions")
    pairs = {
        p["id"]: p
        for p in map(json.loads, (folder / "pairs.jsonl").read_text(encoding="utf-8").splitlines())
    }
    tasks = [json.loads(line) for line in (folder / "tasks.jsonl").read_text().splitlines()]
    by_pair = defaultdict(list)
    for task in tasks:
        by_pair[task["pair"]].append(task)
    outcomes: dict[str, list[str]] = {"at": [], "changed": []}
    for pair_id, mine in by_pair.items():
        old, new = pairs[pair_id]["old"], pairs[pair_id]["new"]
        anchors = reanchor_all([select(old, t["old_start"], t["old_end"]) for t in mine], new)
        for task, anchor in zip(mine, anchors, strict=True):
            got, truth = anchor.selector, (task["new_start"], task["new_end"])
            if got is None:
                outcome = "orphaned"
            elif task["expect"] == "at":
                outcome = "correct" if (got.start, got.end) == truth else "wrong"
            else:  # where its surroundings went: any overlap, as score.py counts it
                outcome = "correct" if got.start < truth[1] and got.end > truth[0] else "wrong"
            outcomes[task["expect"]].append(outcome)
    assert len(outcomes["at"]) + len(outcomes["changed"]) == 800
    assert outcomes["at"].count("wrong") == outcomes["changed"].count("wrong") == 0
    assert outcomes["at"].count("correct") >= SURVIVING_FLOOR
    assert outcomes["changed"].count("correct") >= EDITED_FLOOR


# News-shaped edits ------------------------------------------------------------------------

STORY = ARTICLE.replace("ten thousand", "10,000")


def test_a_figure_updated_inside_a_passage_lands_on_the_new_figure():
    old = selector(STORY, "send 10,000 North Korean soldiers")
    new = STORY.replace("10,000", "12,000")
    anchor = reanchor(old, new)
    assert placed(anchor, new) == "send 12,000 North Korean soldiers"
    assert anchor.method == "fuzzy"


def test_a_figure_annotated_alone_lands_on_its_update_however_different():
    old = selector(STORY, "10,000")
    for figure in ("12,000", "9,500", "about 12,500"):
        new = STORY.replace("10,000", figure)
        assert placed(reanchor(old, new), new) == figure


def test_a_rewritten_sentence_framed_by_its_old_context_lands_on_the_new_sentence():
    sentence = (
        "He had earlier accused Pyongyang of sending troops to the Russian army, but this "
        "was the first time he named a figure."
    )
    rewrite = "He had said before that Pyongyang was arming Moscow, without giving numbers."
    old = selector(ARTICLE, sentence)
    anchor = reanchor(old, ARTICLE.replace(sentence, rewrite))
    assert placed(anchor, ARTICLE.replace(sentence, rewrite)) == rewrite
    assert anchor.method == "rewritten"


def test_a_quotation_corrected_lands_on_the_corrected_words():
    text = ARTICLE.replace(
        "Putin has denied the reports.",
        'A minister said on Friday: "We will not send a single soldier there." Talks resume.',
    )
    old = selector(text, "We will not send a single soldier there.")
    new = text.replace("not send a single soldier", "send no troops")
    assert placed(reanchor(old, new), new) == "We will send no troops there."


def test_an_edited_passage_beside_its_intact_prefix_lands_there_when_its_suffix_is_gone():
    passage = "was counting on the North Korean troops because he feared a new wave"
    old = selector(ARTICLE, passage)
    for ending, method in [("since he feared unrest.", "fuzzy"), ("his aides said.", "rewritten")]:
        new = ARTICLE.replace(
            passage + " of mobilisation at home.",
            f"was counting on the North Korean troops {ending}",
        )
        anchor = reanchor(old, new)
        assert placed(anchor, new).startswith("was counting on the North Korean troops")
        assert anchor.method == method


def test_an_edited_passage_beside_one_intact_side_is_orphaned_when_the_other_is_elsewhere():
    # Its prefix stayed, its suffix went with another paragraph: split, or moved.
    passage = "was counting on the North Korean troops because he feared a new wave"
    old = selector(ARTICLE, passage)
    new = ARTICLE.replace(
        passage + " of mobilisation at home.", "was counting on the North Korean troops, he said."
    )
    new += "\n\nHe fears the spectre of mobilisation at home. Putin has denied the reports."
    assert reanchor(old, new).selector is None


# A surviving copy elsewhere against the passage's own rewritten place.

PARAGRAPH = "The minister said on Monday that the talks had failed, and he left Brussels early."
FILLER = "\n\n".join(f"Paragraph {n} is about something else entirely." for n in range(12))


def test_a_copy_with_intact_context_elsewhere_does_not_win_over_the_rewritten_slot():
    # The page repeats the paragraph; the annotated copy was rewritten. The intact copy far
    # away may be the annotated passage moved, or the other copy: orphaned, not guessed.
    text = f"{PARAGRAPH}\n\n{FILLER}\n\n{PARAGRAPH}\n\n{FILLER}"
    old = selector(text, "the talks had failed")
    new = text.replace("the talks had failed", "the talks went on", 1)
    assert reanchor(old, new).selector is None


def test_a_copy_with_intact_context_wins_when_nearer_than_the_rewritten_slot():
    # Where expected, the words survive (the prefix intact, the sentence's end edited); the
    # old context framing other words is far away (a repeated paragraph, edited): the copy.
    text = f"{PARAGRAPH}\n\n{FILLER}\n\n{PARAGRAPH}\n\n{FILLER}"
    old = selector(text, "the talks had failed")
    far = text.rindex("the talks had failed")
    new = text[:far] + "the talks went on" + text[far + len("the talks had failed") :]
    new = new.replace("failed, and he left", "failed, so he left", 1)
    anchor = reanchor(old, new)
    assert placed(anchor, new) == "the talks had failed"
    assert anchor.selector.start == old.start


def test_the_same_words_elsewhere_without_their_context_do_not_stop_the_slot():
    text = ARTICLE + "\n\nOfficials doubted the report that North Korean soldiers were there."
    old = selector(text, "North Korean soldiers")
    new = text.replace("ten thousand North Korean soldiers", "ten thousand troops from Asia")
    assert placed(reanchor(old, new), new) == "troops from Asia"


# Edits that leave the words as they were.


def test_a_story_set_anew_with_curly_quotes_dashes_and_no_break_spaces_keeps_every_passage():
    text = "He said: \"It's over - we're done.\" The vote is on 12 May.\n\nNobody else spoke."
    new = (
        text.replace("'", "\u2019")
        .replace(' "', " \u201c")
        .replace('."', ".\u201d")
        .replace(" - ", " \u2013 ")
        .replace("12 May", "12\u00a0May")
    )
    for phrase in ["It's over - we're done.", "The vote is on 12 May.", "Nobody else spoke."]:
        anchor = reanchor(selector(text, phrase), new)
        assert anchor.selector is not None
        start = text.index(phrase)
        assert (anchor.selector.start, anchor.selector.end) == (start, start + len(phrase))
        assert anchor.method in {"position", "exact"}


def test_a_reflowed_story_keeps_every_passage_exactly():
    new = re.sub(r"(.{60,70}?) ", "\\1\n", ARTICLE)  # lines wrapped at about 70 columns
    assert new != ARTICLE
    assert len(new) == len(ARTICLE)
    for phrase in ["the Ukrainian president said on Thursday", "toured Western capitals"]:
        anchor = reanchor(selector(ARTICLE, phrase), new)
        start = ARTICLE.index(phrase)
        assert (anchor.selector.start, anchor.selector.end) == (start, start + len(phrase))


def test_paragraphs_split_and_merged_keep_their_passages():
    split = ARTICLE.replace("Thursday, quoting", "Thursday.\n\nHe was quoting")
    merged = ARTICLE.replace("a figure.\n\nSpeaking", "a figure. Speaking")
    for new in (split, merged):
        for phrase in ["intelligence reports", "Speaking to reporters in Brussels"]:
            assert placed(reanchor(selector(ARTICLE, phrase), new), new) == phrase


def test_a_correction_appended_keeps_every_annotation_where_it_was():
    new = ARTICLE + "\n\nCorrection: An earlier version of this story misstated the day."
    olds = [selector(ARTICLE, p) for p in ["Russia", "Berlin and Rome, to present his plan."]]
    anchors = reanchor_all(olds, new)
    assert [a.method for a in anchors] == ["position", "position"]


def test_a_paragraph_inserted_between_a_passage_and_its_context_keeps_it():
    passage = "He had earlier accused Pyongyang of sending troops to the Russian army"
    inserted = "\n\nAn inserted paragraph with other news from the front.\n\n"
    at = ARTICLE.index(passage)
    after = ARTICLE.index(", but this was the first time")
    for new in (
        ARTICLE[:at] + inserted + ARTICLE[at:],  # before it: the prefix gone
        ARTICLE[:after] + inserted + ARTICLE[after:],  # after it: the suffix gone
        ARTICLE[:at] + inserted + passage + inserted + ARTICLE[after:],  # both: long, unique
    ):
        assert placed(reanchor(selector(ARTICLE, passage), new), new) == passage


def test_an_unrelated_text_orphans_every_annotation():
    olds = [selector(ARTICLE, p) for p in ["Russia", "North Korean soldiers", "Putin has denied"]]
    recipe = (
        "Whisk two eggs with a pinch of salt.\n\nMelt the butter in a pan and pour them in; "
        "stir gently until just set.\n\nServe on toast."
    )
    assert [a.selector for a in reanchor_all(olds, recipe)] == [None, None, None]
