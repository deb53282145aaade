"""parse_plaintext() paragraphs: hard-wrapped lines reflowed, paragraph breaks found, list
items kept apart, in any script and with any line endings."""

from __future__ import annotations

import pytest

from articles.plaintext import parse_plaintext
from tests.pasting import parse


def test_it_reflows_hard_wrapped_lines():
    parsed = parse(
        "  The city is preparing for a hard winter, officials said on  ",
        "Monday, as attacks on the power grid continue.",
        "",
        "Residents were told to stock up on water.",
    )
    assert parsed.paragraphs == [
        (
            "The city is preparing for a hard winter, officials said on Monday, as attacks on "
            "the power grid continue."
        ),
        "Residents were told to stock up on water.",
    ]


def test_a_line_of_spaces_separates_paragraphs():
    parsed = parse("First paragraph ends here.", "   \t ", "Second paragraph.")
    assert parsed.paragraphs == ["First paragraph ends here.", "Second paragraph."]


def test_each_line_is_a_paragraph_when_the_text_has_no_blank_lines():
    parsed = parse(
        "The first paragraph came as one long line and it ends with a full stop, like this.",
        "A short second one.",
        "The third paragraph is of quite another length, and it ends properly too.",
        "And a fourth.",
    )
    assert len(parsed.paragraphs) == 4
    assert parsed.paragraphs[1] == "A short second one."


def test_very_long_lines_are_paragraphs_even_without_full_stops():
    first, second = "word " * 50, "other " * 45
    parsed = parse(first, second)
    assert parsed.paragraphs == [first.strip(), second.strip()]


def test_hard_wrapped_text_without_blank_lines_stays_one_paragraph():
    parsed = parse(
        "An unspecified number of North Korean soldiers were already on occupied Ukrainian",
        "territory from the side of Russian enemies, Zelensky said, based on information from",
        "our intelligence services, and he repeated the claim to reporters in Brussels.",
    )
    assert len(parsed.paragraphs) == 1


def test_first_line_indentation_marks_paragraphs():
    parsed = parse(
        "    The first paragraph is indented by four spaces and it wraps onto",
        "a second line that is not indented at all.",
        "    The second paragraph opens the same way and also wraps onto",
        "another line.",
    )
    assert len(parsed.paragraphs) == 2
    assert parsed.paragraphs[1].startswith("The second paragraph")


def test_hyphen_at_line_end_joins_a_lower_case_continuation():
    parsed = parse("The planned deploy-", "ment of troops was delayed.")
    assert parsed.paragraphs == ["The planned deploy-ment of troops was delayed."]


def test_hyphen_before_a_capital_keeps_the_space():
    parsed = parse("Talks with the pro-", "Kremlin side and a well-", "known envoy.")
    assert parsed.paragraphs == ["Talks with the pro- Kremlin side and a well-known envoy."]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["- first item", "- second item"], ["- first item", "- second item"]),
        (["* first item", "* second item"], ["* first item", "* second item"]),
        (["\u2022 first item", "\u2022 second item"], ["\u2022 first item", "\u2022 second item"]),
        (["1. first item", "2. second item"], ["1. first item", "2. second item"]),
    ],
)
def test_bullet_items_stay_separate_paragraphs(lines, expected):
    parsed = parse("Key points of the plan were announced on Monday.", "", *lines)
    assert parsed.paragraphs[1:] == expected


def test_a_wrapped_bullet_item_keeps_its_continuation():
    parsed = parse(
        "Key points:", "- first item that wraps", "  onto the next line", "- second item"
    )
    assert parsed.paragraphs == [
        "Key points:",
        "- first item that wraps onto the next line",
        "- second item",
    ]


def test_a_single_dash_at_a_line_start_is_not_a_list():
    parsed = parse("He spoke for an hour about the plan", "- and then left the room quietly.")
    assert parsed.paragraphs == [
        "He spoke for an hour about the plan - and then left the room quietly."
    ]


# Other scripts and encodings --------------------------------------------------------------


def test_cyrillic_lines_are_reflowed():
    parsed = parse("Президент заявил,", "что войска готовы.")
    assert parsed.paragraphs == ["Президент заявил, что войска готовы."]


def test_greek_lines_are_reflowed():
    parsed = parse("Η κυβέρνηση ανακοίνωσε", "νέα μέτρα.")
    assert parsed.paragraphs == ["Η κυβέρνηση ανακοίνωσε νέα μέτρα."]


def test_cjk_lines_join_without_a_space():
    parsed = parse("这是一个很长的中文句子，它被", "硬换行了。", "", "日本語の文章も", "あります。")
    assert parsed.paragraphs == [
        "这是一个很长的中文句子，它被硬换行了。",
        "日本語の文章もあります。",
    ]


def test_cjk_next_to_latin_keeps_the_space():
    parsed = parse("他们使用", "Python 编程。")
    assert parsed.paragraphs == ["他们使用 Python 编程。"]


def test_windows_line_endings_tabs_nbsp_bom_and_form_feeds_are_cleaned():
    parsed = parse_plaintext(
        "\ufeffKyiv braces for winter\r\n\r\nFirst\tparagraph\u00a0runs on\r\n"
        "to a second line.\r\n\x0c\r\nSecond  paragraph.\r\n"
    )
    assert parsed.title == "Kyiv braces for winter"
    assert parsed.paragraphs == ["First paragraph runs on to a second line.", "Second paragraph."]
