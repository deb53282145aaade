"""Notes are Markdown: render them to sanitised HTML, once, when they are written.

Raw HTML in a note is shown as text (markdown-it with `html=False`), so `<script>` in a
note is literally the word; the result then passes `sanitize.clean_note_html`, which
keeps formatting and http(s)/mailto links only. Templates mark only that output safe.
"""

from markdown_it import MarkdownIt

from articles.sanitize import clean_note_html

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False}).enable(
    ["linkify", "strikethrough", "table"]
)


def render_note(source: str) -> str:
    if not source.strip():
        return ""
    return clean_note_html(_MARKDOWN.render(source))
