"""The gazetteer matcher (articles/entities/matching.py), on its own (no database)."""

from __future__ import annotations

from articles.entities.matching import Gazetteer, fold


def _gazetteer(*names: tuple[int, str]) -> Gazetteer:
    return Gazetteer(names)


def test_the_matcher_finds_whole_words_only():
    gazetteer = _gazetteer((1, "North Korea"))
    text = "North Korean soldiers and North Korea, plus NorthKorea."
    assert [(m.text, m.start) for m in gazetteer.find(text)] == [("North Korea", 26)]


def test_overlapping_names_resolve_to_the_longest():
    gazetteer = _gazetteer((1, "North Korea"), (2, "North Korean soldiers"), (3, "Korea"))
    text = "North Korean soldiers reached North Korea."
    found = gazetteer.find(text)
    assert [(m.text, m.entity_ids) for m in found] == [
        ("North Korean soldiers", (2,)),
        ("North Korea", (1,)),
    ]


def test_case_is_ignored_except_for_capitals_in_the_name():
    gazetteer = _gazetteer((1, "US"), (2, "Putin"))
    found = gazetteer.find("Tell us: PUTIN and the US and putin.")
    assert [m.text for m in found] == ["PUTIN", "US"]


def test_names_at_paragraph_starts_and_text_ends_match():
    gazetteer = _gazetteer((1, "Kyiv"))
    text = "Kyiv said.\n\nKyiv"
    assert [m.start for m in gazetteer.find(text)] == [0, 12]


def test_a_name_shared_by_two_entities_lists_both():
    gazetteer = _gazetteer((7, "Georgia"), (3, "Georgia"))
    assert gazetteer.find("in Georgia")[0].entity_ids == (3, 7)


def test_folding_keeps_indices_for_characters_whose_lower_case_is_longer():
    text = "İstanbul and Ankara"
    assert len(fold(text)) == len(text)
    gazetteer = _gazetteer((1, "Ankara"))
    assert [(m.start, m.end) for m in gazetteer.find(text)] == [(13, 19)]


def test_an_empty_gazetteer_finds_nothing():
    assert Gazetteer([]).find("Anything at all") == []
