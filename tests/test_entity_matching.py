"""The candidate finder and the gazetteer matcher, on their own (no database)."""

from __future__ import annotations

from articles.entities.candidates import find_candidates, find_in_headline
from articles.entities.matching import Gazetteer, fold


def _texts(text: str) -> list[str]:
    return [c.text for c in find_candidates(text)]


def test_runs_of_capitalised_words_mid_sentence_are_candidates():
    text = "Officials said Kim Jong Un met envoys from NATO and the EU in North Korea."
    assert _texts(text) == ["Kim Jong Un", "NATO", "EU", "North Korea"]


def test_ordinary_sentence_starts_are_not_candidates():
    text = "The talks ended. He left. Experts said little. Officials in Paris agreed."
    assert _texts(text) == ["Paris"]


def test_a_sentence_start_the_article_capitalises_elsewhere_is_kept():
    text = "Moscow denied it.\n\nAnalysts in Moscow were surprised."
    found = find_candidates(text)
    assert [(c.text, c.start) for c in found] == [("Moscow", 0), ("Moscow", 31)]


def test_names_at_paragraph_starts_and_after_quotes():
    text = 'Russia said so.\n\n"We know," said Zelensky, who met Russia\'s envoy.'
    assert _texts(text) == ["Russia", "Zelensky", "Russia"]


def test_titles_split_runs_and_possessives_are_left_out():
    text = "He met Ukrainian President Volodymyr Zelensky and Russia's Vladimir Putin."
    assert _texts(text) == ["Ukrainian", "Volodymyr Zelensky", "Russia", "Vladimir Putin"]


def test_particles_join_names_but_and_does_not():
    text = "He met the Bank of England and visited Rome and London."
    assert _texts(text) == ["Bank of England", "Rome", "London"]


def test_weekdays_months_and_pronoun_i_are_never_names():
    assert _texts("On Thursday in June I met them in Kyiv.") == ["Kyiv"]


def test_candidate_offsets_address_the_text():
    text = "Ça va. Le président Macron a parlé à l’Élysée avec Olaf Scholz."
    for candidate in find_candidates(text):
        assert text[candidate.start : candidate.end] == candidate.text


def test_a_title_case_headline_yields_only_what_follows_its_last_dash():
    line = "N. Korean Soldiers ‘Highly Likely' Killed in Ukraine – Seoul"
    assert [c.text for c in find_in_headline(line, set())] == ["Seoul"]
    assert find_in_headline("Ukraine Says Russia to Deploy 10k Troops", set()) == []


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
