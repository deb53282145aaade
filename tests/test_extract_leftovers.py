"""articles.extract: what trafilatura lets through that a reader would not call the story
(button labels, a form's answer, a photo credit with no photo, "More:" and its links),
and what must stay (a photo's own caption and credit, the page's JSON-LD metadata once
scripts are gone). Pages written for these tests."""

from __future__ import annotations

import datetime as dt

from articles.extract import extract_article, html_to_text


def _page(body: str, *, head: str = "") -> str:
    return f'<!DOCTYPE html><html lang="en"><head>{head}</head><body>{body}</body></html>'


def _prose(topic: str, sentences: int = 4) -> str:
    return " ".join(
        f"Sentence {n} about {topic} runs long enough to read as part of a real story."
        for n in range(sentences)
    )


def _article(*blocks: str) -> str:
    return _page(f"<article><h1>Home Depot shares slip</h1>{''.join(blocks)}</article>")


def test_button_labels_and_a_forms_answers_are_left_out():
    text = html_to_text(
        _article(
            "<p>Print Article</p>",
            f"<p>{_prose('earnings')}</p>",
            "<p>... more</p>",
            f"<p>{_prose('guidance')}</p>",
            "<p>An error has occurred, please try again later.</p>",
            "<p>Thanks for signing up!</p>",
        )
    )
    assert "about earnings" in text
    assert "about guidance" in text
    for label in ("Print Article", "more", "error has occurred", "Thanks for signing up"):
        assert label not in text


def test_a_bare_thank_you_closing_an_interview_is_kept():
    text = html_to_text(_article(f"<p>{_prose('the interview')}</p>", "<p>Thank you.</p>"))
    assert text.endswith("Thank you.")


def test_a_photo_credit_standing_alone_is_left_out_but_one_under_its_photo_stays():
    page = _article(
        "<p>(Image: Gargantiopa / Getty Images)</p>",
        f"<p>{_prose('gadgets')}</p>",
        '<figure><img src="https://cdn.example/phone.jpg" alt="A phone">'
        "<figcaption>Photo: Jason Cipriani</figcaption></figure>",
        f"<p>{_prose('phones')}</p>",
    )
    found = extract_article(page)
    assert "Gargantiopa" not in found.html
    assert "<figcaption>Photo: Jason Cipriani</figcaption>" in found.html


def test_a_caption_with_a_year_near_the_top_is_no_date_stamp():
    page = _article(
        '<figure><img src="https://cdn.example/ford.jpg" alt="">'
        "<figcaption>John Ford in 1987.</figcaption></figure>",
        f"<p>{_prose('the novels')}</p>",
        f"<p>{_prose('the fans')}</p>",
    )
    assert "<figcaption>John Ford in 1987.</figcaption>" in extract_article(page).html


def test_more_and_the_links_it_announces_are_left_out():
    page = _article(
        f"<p>{_prose('the crash')}</p>",
        "<p>More:</p>",
        '<ul><li><a href="/news/1">Taliban frees hostages in swap</a></li></ul>',
        f"<p>{_prose('the inquiry')}</p>",
    )
    text = html_to_text(page)
    assert "More:" not in text
    assert "Taliban frees hostages" not in text
    assert "about the inquiry" in text


JSON_LD = """<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Tides run high",
 "datePublished": "2024-05-14T08:00:00Z", "author": {"@type": "Person", "name": "Mara Quint"}}
</script><script>window.analytics = {"headline": "not this one"};</script>
<style>p { color: red }</style>"""


def test_the_metadata_in_json_ld_is_read_though_scripts_and_styles_go():
    page = _page(
        f"<article><h1>Tides run high</h1><p>{_prose('tides')}</p><p>{_prose('the moon')}</p>"
        "<svg><text>icon</text></svg><template><p>Hidden template text</p></template>"
        "<script>document.write('Inline script text')</script></article>",
        head=JSON_LD,
    )
    found = extract_article(page)
    assert found.byline == "Mara Quint"
    assert found.published == dt.date(2024, 5, 14)
    for unseen in ("icon", "Hidden template text", "Inline script text", "color: red"):
        assert unseen not in found.html


def test_an_image_with_only_a_srcset_gets_its_first_source():
    page = _article(
        f"<p>{_prose('the harbour')}</p>",
        '<figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="The wall"'
        ' srcset="/images/wall-640.jpg 640w, /images/wall-1280.jpg 1280w">'
        "<figcaption>The harbour wall.</figcaption></figure>",
        f"<p>{_prose('the storm')}</p>",
    )
    found = extract_article(page, "https://courier.example/news/wall")
    assert '<img src="https://courier.example/images/wall-640.jpg" alt="The wall">' in found.html
