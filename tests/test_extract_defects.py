"""articles.extract: the defects a new user saw on real pages (issue 21), each on a page
written here to show the same markup.

Titles carrying the site's name, a publisher among the authors, a newspaper's letters
trailer, the headline repeated under the title, a caption with no photo, and the date
that only a dateline gives.
"""

from __future__ import annotations

import datetime as dt

import pytest

from articles.extract import extract_article, html_to_text


def _page(body: str, *, head: str = "") -> str:
    return f'<!DOCTYPE html><html lang="en"><head>{head}</head><body>{body}</body></html>'


def _prose(topic: str, sentences: int = 4) -> str:
    return " ".join(
        f"Sentence {n} about {topic} runs long enough to read as part of a real story."
        for n in range(sentences)
    )


def _story(*paragraphs: str) -> str:
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


# ----------------------------------------------------------------------------- titles


def test_a_site_name_after_the_headline_is_not_part_of_the_title():
    page = _page(
        f"<article><div class='page-header'>{_story(_prose('settlements'), _prose('envoys'))}"
        "</div></article>",
        head="<title>Envoys Reject the Settlement Plan | Gulf Courier</title>"
        '<meta property="og:title" content="Envoys Reject the Settlement Plan | Gulf Courier">'
        '<meta property="og:site_name" content="Gulf Courier">',
    )
    found = extract_article(page)
    assert found.title == "Envoys Reject the Settlement Plan"
    assert found.site_name == "Gulf Courier"


def test_the_headline_printed_on_the_page_wins_over_the_sections_and_names_around_it():
    page = _page(
        f"<header><h1 class='logo'>The Daily Ledger</h1></header><article>"
        f"<h1>Mayors Follow the Governor to Nowhere</h1>{_story(_prose('mayors'), _prose('votes'))}"
        "</article>",
        head="<title>Opinion | Mayors Follow the Governor to Nowhere - The Daily Ledger</title>"
        '<meta property="og:site_name" content="The Daily Ledger">',
    )
    assert extract_article(page).title == "Mayors Follow the Governor to Nowhere"


def test_a_title_that_only_has_a_dash_in_its_headline_keeps_it():
    page = _page(
        f"<article><h1>Ferry fares rise - again</h1>{_story(_prose('fares'), _prose('islands'))}"
        "</article>",
        head="<title>Ferry fares rise - again</title>"
        '<meta property="og:site_name" content="Island Post">',
    )
    assert extract_article(page).title == "Ferry fares rise - again"


# ----------------------------------------------------------------------------- bylines

PUBLISHER_IN_BYLINE = """
<meta name="author" content="Condé Nast">
<meta name="copyright" content="Copyright (c) Condé Nast 2019">
<meta property="og:site_name" content="Wired Times">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Banking is broke",
 "author": [{"@type": "Person", "name": "Molly Wood"}],
 "publisher": {"@type": "Organization", "name": "Cond\\u00e9 Nast"}}
</script>
"""


def test_the_publisher_is_not_named_among_the_authors():
    page = _page(
        f"<article><h1>Banking is broke</h1>{_story(_prose('banks'), _prose('fees'))}</article>",
        head=f"<title>Banking is broke</title>{PUBLISHER_IN_BYLINE}",
    )
    assert extract_article(page).byline == "Molly Wood"


def test_a_date_and_a_description_glued_to_the_byline_are_no_names():
    page = _page(
        f"<article><h1>Rocket test</h1>{_story(_prose('rockets'), _prose('engines'))}</article>",
        head='<title>Rocket test</title><meta name="author" content="Jeff Foster Monday, November">',
    )
    assert extract_article(page).byline == "Jeff Foster"
    page = page.replace("Jeff Foster Monday, November", "Phil Hansen is a reporter")
    assert extract_article(page).byline == "Phil Hansen"


def test_on_a_one_person_site_the_writer_named_as_the_site_stays_the_byline():
    page = _page(
        f"<article><h1>Why I sold the boat</h1>{_story(_prose('boats'), _prose('sails'))}</article>",
        head='<title>Why I sold the boat | Jane Doe</title><meta name="author" content="Jane Doe">'
        '<meta property="og:site_name" content="Jane Doe">',
    )
    found = extract_article(page, "https://janedoe.example/2024/boat")
    assert found.byline == "Jane Doe"
    assert found.title == "Why I sold the boat"


# ----------------------------------------------------------------------------- trailers


def test_the_letters_to_the_editor_trailer_under_an_opinion_piece_is_left_out():
    page = _page(
        "<article><h1>The long road to a trial</h1>"
        + _story(_prose("the inquiry"), _prose("the senate"), _prose("the primaries"))
        + "<p>The Ledger is committed to publishing a diversity of letters to the editor. We'd"
        " like to hear what you think about this or any of our articles. Here are some tips."
        " And here's our email: letters@ledger.example.</p></article>"
    )
    text = html_to_text(page)
    assert "about the primaries" in text
    assert "letters to the editor" not in text
    assert "letters@ledger.example" not in text


def test_a_letter_that_mentions_the_editor_in_the_story_is_kept():
    letter = (
        "My father wrote letters to the editor of this paper for forty years, and he would"
        " have agreed with every word of the piece on the harbour."
    )
    page = _page(
        f"<article><h1>Letters</h1><p>{letter}</p>"
        + _story(_prose("the harbour"), _prose("the quay"))
        + "</article>"
    )
    assert "wrote letters to the editor of this paper" in html_to_text(page)


# ----------------------------------------------------------------------------- headline twice


def test_the_headline_repeated_as_a_heading_under_the_title_is_left_out():
    page = _page(
        "<article><h1>Julian Marsh: Sweden drops tax investigation</h1>"
        + _story(_prose("the prosecutors"), _prose("the embassy"))
        + "<h2>What did the prosecutors say?</h2>"
        + _story(_prose("the statement"))
        + "</article>",
        head='<meta property="og:title" content="Sweden drops Marsh tax investigation">',
    )
    found = extract_article(page)
    assert found.title == "Sweden drops Marsh tax investigation"
    assert "Sweden drops tax investigation" not in found.html
    assert found.html.startswith("<p>Sentence 0 about the prosecutors")
    assert "<h2>What did the prosecutors say?</h2>" in found.html


# ----------------------------------------------------------------------------- captions

LAZY_FIGURE = """
<figure class="image">
  <div class="lazy-container">
    <img class="image__src" data-normal="https://cdn.example/images/ford-1987.jpeg?width=780"
         alt="John Ford at his desk">
    <noscript><img src="https://cdn.example/images/ford-1987.jpeg?width=780" alt="John Ford"></noscript>
  </div>
  <figcaption>
    <div class="image__caption">John Ford in 1987.</div>
    <div class="image__credit">Photo by Dana Bennet.</div>
  </figcaption>
</figure>
"""


def test_a_lazy_loaded_photo_keeps_its_caption_under_it():
    page = _page(
        f"<article><h1>The writer nobody read</h1>{LAZY_FIGURE}"
        + _story(_prose("the novels"), _prose("the fans"))
        + "</article>"
    )
    found = extract_article(page)
    assert found.html.startswith(
        '<figure><img src="https://cdn.example/images/ford-1987.jpeg?width=780"'
        ' alt="John Ford at his desk">'
        "<figcaption>John Ford in 1987. Photo by Dana Bennet.</figcaption></figure>"
    )


def test_a_caption_whose_photo_is_not_kept_is_left_out():
    page = _page(
        "<article><h1>The writer nobody read</h1>"
        '<figure><div class="placeholder"></div>'
        "<figcaption>John Ford in 1987. Photo by Dana Bennet.</figcaption></figure>"
        + _story(_prose("the novels"), _prose("the fans"))
        + "</article>"
    )
    found = extract_article(page)
    assert "John Ford in 1987" not in found.html
    assert found.html.startswith("<p>Sentence 0 about the novels")


def test_a_caption_and_its_credit_written_as_adjacent_spans_stay_apart():
    page = _page(
        "<article><h1>Plague</h1><p>A hunter who ate a wild rabbit fell ill with the plague,"
        " officials in the region said on Sunday.</p>"
        '<figure><img src="https://cdn.example/hospital.jpg" alt="">'
        "<figcaption><span>The hospital where he is treated</span><span>Credit: EPA</span>"
        "</figcaption></figure>"
        + _story(_prose("the quarantine"), _prose("the marmots"))
        + "</article>"
    )
    assert "The hospital where he is treated Credit: EPA" in html_to_text(page)


# ----------------------------------------------------------------------------- datelines


@pytest.mark.parametrize(
    ("opening", "date"),
    [
        ("Lima, 12 June 2023 - A network of volunteers", dt.date(2023, 6, 12)),
        ("BAAR, SWITZERLAND, Oct. 12, 2017 /PRNewswire/ -- Ascom announced", dt.date(2017, 10, 12)),
        ("NEW YORK, Nov. 19, 2019 (Reuters) - Stocks fell", dt.date(2019, 11, 19)),
        ("Madrid, 3 de marzo de 2021: El gobierno", dt.date(2021, 3, 3)),
    ],
)
def test_the_date_of_a_dateline_is_the_publication_date_when_the_page_gives_none(opening, date):
    page = _page(
        f"<article><h1>Volunteers map the river</h1><p>{opening} {_prose('the river', 2)}</p>"
        f"<p>{_prose('the volunteers')}</p></article>"
    )
    assert extract_article(page).published == date


def test_a_date_in_the_middle_of_the_first_sentence_is_no_dateline():
    page = _page(
        "<article><h1>Volunteers map the river</h1><p>The meeting held on 12 June 2023 - a"
        f" Monday - drew a crowd. {_prose('the river', 2)}</p><p>{_prose('maps')}</p></article>"
    )
    assert extract_article(page).published is None


def test_a_date_the_page_states_wins_over_the_dateline():
    page = _page(
        f"<article><h1>Volunteers map the river</h1><p>Lima, 12 June 2023 - {_prose('rivers')}"
        f"</p><p>{_prose('the volunteers')}</p></article>",
        head='<meta property="article:published_time" content="2023-06-14T08:00:00+00:00">',
    )
    assert extract_article(page).published == dt.date(2023, 6, 14)


def test_a_logo_set_as_a_heading_is_not_taken_for_the_headline():
    title = "Harbour wall raised again after the winter storms - The Daily Ledger"
    page = _page(
        "<header><h1>The Daily Ledger</h1></header><article><h2>Harbour wall raised again</h2>"
        f"{_story(_prose('the wall'), _prose('the council'))}</article>",
        head=f'<title>{title}</title><meta property="og:title" content="{title}">',
    )
    # Nothing says which part names the site: the title stays whole, logo or not.
    assert extract_article(page).title == title
