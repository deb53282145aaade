"""The bookmarklet itself (articles/bookmarklet.py): a script that posts the page to this
server in a new tab. Its pages are in tests/views/test_saving.py."""

from __future__ import annotations

from articles import bookmarklet


def test_the_bookmarklet_posts_to_this_server_in_a_new_tab():
    code = bookmarklet.code("https://news.example.org", "tok'en")
    assert code.startswith("javascript:")
    script = bookmarklet.script("https://news.example.org", "tok'en")
    assert '"https://news.example.org/save/"' in script
    assert "f.target='_blank'" in script
    assert "document.documentElement.outerHTML" in script
    assert '"tok\'en"' in script
