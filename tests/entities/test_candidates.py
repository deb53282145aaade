"""The candidate finder (articles/entities/candidates.py), on its own (no database)."""

from __future__ import annotations

from articles.entities.candidates import find_candidates, find_in_headline


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
