"""Find the article in a full HTML page: its body as an HTML fragment, and its metadata.

Job: turn a web page into an `Extracted`. trafilatura decides which part of the page is
the article; around it this module
- prepares the page: makes links absolute, drops screen-reader-only labels, lifts quoted
  posts out of "social" wrappers, joins a body split around ad slots, turns <br><br> text
  into paragraphs and gives captions one form trafilatura keeps;
- maps trafilatura's XML back to HTML (h2-h4, ul/ol, blockquote, pre, table, figure);
- removes what trafilatura lets through: the title repeated at the top, the standfirst
  (returned apart as `summary`), and boilerplate such as "Related: ...", "Follow us on
  Twitter", date stamps or runs of links to other stories;
- reads canonical URL and language from the page's own markup.

Invariants:
- `Extracted.html` is a fragment of block elements whose links and image sources are
  absolute whenever the page's address is known (given, <base> or canonical URL). It is
  not sanitised: `sanitize.py` does that.
- `html_to_text(page)` is `fragment_text` of `extract_article(page).html`, so the
  conformance score (../shared/conformance/extraction) measures what readers get.
- A page without an article raises `IngestError` with a one-line reason; an `Extracted`
  never has an empty body.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit, urlunsplit

import trafilatura
from lxml import etree

from articles.errors import IngestError

if TYPE_CHECKING:
    from collections.abc import Callable

    from lxml.html import HtmlElement
    from trafilatura.settings import Document

NO_ARTICLE = "This page has no article text Newsroom could extract."

# Below this many characters the fast pass has missed the article (trafilatura's own
# MIN_EXTRACTED_SIZE): run the full cascade.
_MIN_FAST_CHARS = 250
# An article has at least one line of prose this long; menus and forms do not.
_MIN_PROSE_WORDS = 8


@dataclass(frozen=True)
class Extracted:
    title: str
    byline: str
    site_name: str
    source_url: str
    published: dt.date | None
    language: str
    html: str
    # The standfirst printed under the title, when the page has one; not part of `html`.
    summary: str = ""


def extract_article(html: str, url: str = "") -> Extracted:
    tree = _load(html)
    source_url, language = _source_url(tree, url), _language(tree)
    base = _resolve_links(tree, url or source_url)
    _drop_hidden_labels(tree)
    _rescue_embedded_posts(tree)
    _merge_split_bodies(tree)
    _paragraphs_from_breaks(tree)
    _mark_captions(tree)
    # The fast pass skips trafilatura's comparison with readability and jusText, which
    # can swap a right answer for a longer wrong one; the full cascade runs only when the
    # fast pass finds (next to) nothing.
    found = _extract(tree, base, fast=True)
    if found is None or len(fragment_text(found.body)) < _MIN_FAST_CHARS:
        found = _extract(tree, base, fast=False) or found
    if found is None or not _has_prose(found.body):
        raise IngestError(NO_ARTICLE)
    document = found.document
    return Extracted(
        title=found.title,
        byline=_squash((document.author or "").replace(";", ",")),
        site_name=_squash(document.sitename or ""),
        source_url=source_url,
        published=_date(document.date),
        language=language,
        html="".join(
            etree.tostring(block, encoding="unicode", method="html") for block in found.body
        ),
        summary=found.summary,
    )


def html_to_text(html: str) -> str:
    """Plain text of the article body that `extract_article` finds in a full page."""
    fragment = extract_article(html).html
    return fragment_text(etree.fromstring(f"<div>{fragment}</div>", etree.HTMLParser())[0][0])


_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "blockquote", "pre", "table"}
    | {"figure", "figcaption", "div"}
)
_LINES = frozenset({"li", "tr", "dt", "dd", "br"})
_ALONE = _BLOCKS | {"img"}  # what stands outside paragraphs in the extracted body


def fragment_text(root: etree._Element) -> str:
    """Text of an HTML element: blocks apart by a blank line, list items by a line break."""
    parts: list[str] = []
    _walk(root, parts)
    text = re.sub(r"[^\S\n]+", " ", "".join(parts))
    text = re.sub(r" ?\n ?", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _walk(elem: etree._Element, parts: list[str]) -> None:
    tag = elem.tag if isinstance(elem.tag, str) else ""  # comments have a function as tag
    # A line (list item, row, break) starts on a new line; a block stands between blank lines.
    edge = "\n\n" if tag in _BLOCKS else " " if tag in {"td", "th"} else ""
    parts.append("\n" if tag in _LINES else edge)
    if tag and elem.text:
        parts.append(elem.text.replace("\n", " "))
    for child in elem:
        _walk(child, parts)
    parts.append(edge)
    if elem.tail:
        parts.append(elem.tail.replace("\n", " "))


# ----------------------------------------------------------------------------- input

# C0 controls other than whitespace, and the replacement character of a lossy decode.
_GARBAGE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def _load(html: str) -> HtmlElement:
    if not html or not html.strip():
        raise IngestError("The page is empty.")
    sample = html[:8192]
    if "<" not in sample or len(_GARBAGE.findall(sample)) > len(sample) // 100:
        raise IngestError("This is not an HTML page.")
    tree = trafilatura.load_html(html)
    if tree is None:
        raise IngestError(NO_ARTICLE)
    return tree


# ----------------------------------------------------------------------------- preparing the page


def _resolve_links(tree: HtmlElement, address: str) -> str:
    """Make links and image sources absolute; return the base URL they resolve against.

    Done here because trafilatura resolves a relative link against the site's root, not
    the page: "times" on /news/ferries became /times.
    """
    declared = next(iter(tree.xpath("//base/@href")), "").strip()
    base = _absolute(declared, address) if declared else address
    if not base:
        return ""
    for elem in tree.iter("a", "img"):
        for name, value in elem.attrib.items():
            relative = not value.startswith(("https://", "http://"))  # most are absolute
            if relative and (name in {"href", "src"} or name.startswith("data-src")):
                elem.set(name, _absolute(value, base))
    return base


_HIDDEN_LABEL = re.compile(
    r"(sr|screenreader)-only|visually-?hidden|off-?screen|screen-reader-text|element-invisible",
    re.IGNORECASE,
)
# A cheap XPath filter first: a regular expression over every element costs milliseconds.
_MAYBE_HIDDEN = (
    "//*[contains(@class, '-only') or contains(@class, 'hidden') or contains(@class, 'screen')"
    " or contains(@class, 'invisible')]"
)


def _drop_hidden_labels(tree: HtmlElement) -> None:
    """Remove text for screen readers only ("Image caption", ...): nobody sees it."""
    for label in tree.xpath(_MAYBE_HIDDEN):
        if any(_HIDDEN_LABEL.fullmatch(name) for name in label.get("class", "").split()):
            _remove(label)


_EMBEDDED_POSTS = (
    "//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media')"
    " or contains(@class, 'tiktok-embed') or contains(@class, 'bluesky-embed')]"
)
_EMBED_WRAPPER = re.compile(r"social|embed|share|tweet|twitter|instagram|tiktok", re.IGNORECASE)


def _rescue_embedded_posts(tree: HtmlElement) -> None:
    """Lift quoted posts out of the small wrappers that mark them as social widgets.

    The reporter quoted these posts, so they belong to the story, but trafilatura prunes
    anything whose class says "social" or "embed", the post with it.
    """
    for quote in tree.xpath(_EMBEDDED_POSTS):
        wrapper = quote.getparent()
        while (
            wrapper is not None
            and wrapper.getparent() is not None
            and len(wrapper) <= 3
            and _EMBED_WRAPPER.search(f"{wrapper.get('class', '')} {wrapper.get('id', '')}")
        ):
            quote.tail = wrapper.tail
            wrapper.getparent().replace(wrapper, quote)
            wrapper = quote.getparent()


_BODY_CLASS = re.compile(r"body|content|text|article|story|entry", re.IGNORECASE)


def _merge_split_bodies(tree: HtmlElement) -> None:
    """Join an article body that the page split into several containers around ad slots.

    trafilatura keeps one container, so the story stopped at the first ad. Containers
    merge only when they share tag and class, each holds real paragraphs, none holds
    another, and no h1 sits between them (an h1 starts the next story on endless pages).
    """
    groups: defaultdict[tuple[str, str], list[HtmlElement]] = defaultdict(list)
    for elem in tree.iter("div", "section", "article"):
        classes = elem.get("class") or ""
        if not _BODY_CLASS.search(classes) or "comment" in classes.lower():
            continue
        paragraphs = elem.findall("p")
        if len(paragraphs) >= 2 and sum(len(p.text_content().strip()) for p in paragraphs) >= 200:
            groups[elem.tag, classes].append(elem)
    for parts in groups.values():
        if len(parts) < 2 or any(a in b.iterancestors() for a in parts for b in parts):
            continue
        if set(parts[0].xpath("following::h1")) & set(parts[-1].xpath("preceding::h1")):
            continue
        for part in parts[1:]:
            parts[0].extend(list(part))
            part.getparent().remove(part)


# What may sit inside a paragraph.
_INLINE = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "dfn", "em", "font", "i"}
    | {"img", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time"}
    | {"u", "var"}
)


def _paragraphs_from_breaks(tree: HtmlElement) -> None:
    """Turn text laid out with <br><br> into paragraphs before trafilatura reads it.

    trafilatura splits such text at every link and trims the spaces around it: "the
    last i9 <a>MacBook Pro</a> was" came out as two blocks, "i9" and "MacBook Prowas".
    """
    for parent in list(tree.iter("div", "td", "section", "article", "main", "span", "font")):
        children = list(parent)
        loose = (parent.text or "").strip() or any((c.tail or "").strip() for c in children)
        if not loose or sum(child.tag == "br" for child in children) < 2:
            continue
        nodes = _mark_double_breaks(_nodes(parent))
        if not any(node is _PARAGRAPH_END for node in nodes):
            continue
        _detach(parent)
        _regroup(parent, nodes, standalone=lambda elem: elem.tag not in _INLINE)


_CAPTION = "newsroom-caption"


def _mark_captions(tree: HtmlElement) -> None:
    """Give every caption the one form trafilatura keeps, marked to become <figcaption>.

    trafilatura drops a <figcaption> of bare text yet keeps one wrapping a <p>, and keeps
    a <p class="caption">.
    """
    for caption in tree.xpath("//figcaption | //p[contains(@class, 'caption')]"):
        for block in caption.iter("p", "div"):
            if block is not caption:
                block.tail = f" {block.tail or ''}"
        etree.strip_tags(caption, "p", "div")
        caption.tag = "p"
        caption.attrib.clear()
        caption.set("class", _CAPTION)


# ----------------------------------------------------------------------------- trafilatura


@dataclass(frozen=True)
class _Found:
    document: Document
    title: str
    body: etree._Element
    summary: str


def _extract(tree: HtmlElement, url: str, *, fast: bool) -> _Found | None:
    document = trafilatura.bare_extraction(
        tree,
        url=url or None,
        fast=fast,
        with_metadata=True,
        # A date found anywhere (a copyright line) is worse than none.
        date_extraction_params={
            "extensive_search": False,
            "original_date": True,
            "max_date": dt.datetime.now(tz=dt.UTC).date().isoformat(),
        },
        include_comments=False,
        include_tables=True,
        include_formatting=True,
        include_links=True,
        include_images=True,
    )
    if document is None or document.body is None:
        return None
    title = _squash(document.title or "")
    body = _to_html(document.body, url)
    summary = _drop_title_and_dek(body, title, document.description or "")
    _drop_boilerplate(body)
    return _Found(document, title, body, summary)


_SIMPLE_TAGS = {
    "item": "li",
    "quote": "blockquote",
    "code": "pre",
    "graphic": "img",
    "lb": "br",
    "row": "tr",
    **dict.fromkeys(("p", "table", "div", "figure", "figcaption", "del", "sub", "sup"), None),
}
_HI = {"#b": "strong", "#i": "em", "#u": "u", "#t": "code", "#sub": "sub", "#sup": "sup"}


def _to_html(body: etree._Element, base: str) -> etree._Element:
    """Map trafilatura's XML (head, list/item, quote, hi, ref, graphic, ...) to HTML."""
    root = _convert(body, base)
    root.tag, root.tail = "div", None
    etree.strip_tags(root, "span")  # elements with no HTML counterpart keep their content
    # Text directly in the body goes into paragraphs; an image on its own becomes a figure.
    _regroup(root, _detach(root), standalone=lambda elem: elem.tag in _ALONE)
    _build_figures(root)
    return root


def _convert(elem: etree._Element, base: str) -> etree._Element:
    new = etree.Element(_html_tag(elem), _html_attrs(elem, base))
    new.text, new.tail = elem.text, elem.tail
    for child in elem:
        if isinstance(child.tag, str) and (child.tag != "graphic" or child.get("src")):
            new.append(_convert(child, base))
        elif child.tail:
            _append_text(new, child.tail)
    return new


def _html_tag(elem: etree._Element) -> str:
    tag, rend = elem.tag, elem.get("rend") or ""
    if tag == "head":
        level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 3
        return f"h{min(max(level, 2), 4)}"  # h1 is the title's; h5 and h6 read as h4
    by_attribute = {
        "list": "ol" if rend == "ol" else "ul",
        "hi": _HI.get(rend, "em"),
        "ref": "a" if elem.get("target") else "span",
        "cell": "th" if elem.get("role") == "head" else "td",
    }
    if tag in by_attribute:
        return by_attribute[tag]
    return (_SIMPLE_TAGS[tag] or tag) if tag in _SIMPLE_TAGS else "span"


def _html_attrs(elem: etree._Element, base: str) -> dict[str, str]:
    if elem.tag == "ref" and elem.get("target"):
        return {"href": _absolute(elem.get("target", ""), base)}
    if elem.tag == "graphic":
        alt = {"alt": elem.get("alt", "")} if elem.get("alt") else {}
        return {"src": _absolute(elem.get("src", ""), base), **alt}
    if elem.tag == "p" and elem.get("class") == _CAPTION:
        return {"class": _CAPTION}
    return {}


_PARAGRAPH_END = etree.Element("paragraph-end")  # stands for <br><br> while regrouping


def _nodes(parent: etree._Element) -> list[etree._Element | str]:
    """The text and children of an element, in document order."""
    nodes: list[etree._Element | str] = [parent.text or ""]
    for child in parent:
        nodes.extend([child, child.tail or ""])
    return nodes


def _detach(parent: etree._Element) -> list[etree._Element | str]:
    """Take text and children out of an element, in document order."""
    nodes = _nodes(parent)
    for child in list(parent):
        child.tail = None
        parent.remove(child)
    parent.text = None
    return nodes


def _mark_double_breaks(nodes: list[etree._Element | str]) -> list[etree._Element | str]:
    """Replace each run of two or more <br> (blank text between them) by one mark."""
    marked: list[etree._Element | str] = []
    last = -1  # where in `marked` the last node that is not blank text sits
    for node in nodes:
        if isinstance(node, str) and not node.strip():
            marked.append(node)
            continue
        if _is_break(node) and last >= 0 and marked[last] is _PARAGRAPH_END:
            continue
        if _is_break(node) and last >= 0 and _is_break(marked[last]):
            del marked[last:]
            node = _PARAGRAPH_END  # noqa: PLW2901 - the pair of breaks becomes one mark
        marked.append(node)
        last = len(marked) - 1
    return marked


def _is_break(node: etree._Element | str) -> bool:
    return not isinstance(node, str) and node.tag == "br"


def _regroup(
    parent: etree._Element, nodes: list[etree._Element | str], *, standalone: Callable
) -> None:
    """Put nodes back into parent, gathering text and inline elements into paragraphs."""
    paragraph: etree._Element | None = None
    for node in nodes:
        if node is _PARAGRAPH_END or (not isinstance(node, str) and standalone(node)):
            if node is not _PARAGRAPH_END:
                parent.append(node)
            paragraph = None
            continue
        if isinstance(node, str) and paragraph is None and not node.strip():
            continue
        if paragraph is None:
            paragraph = etree.SubElement(parent, "p")
        if isinstance(node, str):
            _append_text(paragraph, node)
        else:
            paragraph.append(node)


def _build_figures(root: etree._Element) -> None:
    """Give each image standing on its own a <figure>, with the caption that follows."""
    for img in root.findall("img"):
        figure = etree.Element("figure")
        img.addprevious(figure)
        figure.append(img)
        caption = figure.getnext()
        if caption is not None and caption.tag == "p" and caption.get("class") == _CAPTION:
            caption.tag = "figcaption"
            figure.append(caption)
    for elem in root.iter("p", "figcaption"):
        elem.attrib.pop("class", None)


def _append_text(parent: etree._Element, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _absolute(link: str, base: str) -> str:
    link = link.strip()
    try:
        return urljoin(base, link) if base else link
    except ValueError:  # a malformed URL stays as the page wrote it
        return link


def _remove(elem: etree._Element) -> None:
    """Remove an element but not the text that follows it."""
    parent, previous = elem.getparent(), elem.getprevious()
    if parent is None:
        return
    if elem.tail and elem.tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + elem.tail
        else:
            parent.text = (parent.text or "") + elem.tail
    parent.remove(elem)


# ----------------------------------------------------------------------------- cleaning


def _text(elem: etree._Element) -> str:
    return " ".join("".join(elem.itertext()).split())


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _is_heading(elem: etree._Element) -> bool:
    return elem.tag in {"h2", "h3", "h4"}


def _drop_title_and_dek(body: etree._Element, title: str, description: str) -> str:
    """Remove the title trafilatura repeats at the top, and return the standfirst under it.

    Blocks before the title are page furniture (logo, print URL, kicker) unless they hold
    real text. The standfirst is a heading right under the title that is a sentence long
    or repeats the page description.
    """
    wanted = _words(title)
    for index, block in enumerate(list(body)[:4]):
        text = _words(_text(block))
        # A heading may hold the title without the site name or series the <title> adds.
        shortened = (
            _is_heading(block)
            and text in wanted
            and (2 * len(text) >= len(wanted) or len(text) >= 12)  # not a lone "Review"
        )
        if wanted and text and (text == wanted or shortened):
            before = list(body)[:index]
            if sum(len(_text(b)) for b in before) < 200:
                for furniture in before:
                    _remove(furniture)
            _remove(block)
            break
    if len(body) > 1 and _is_heading(first := body[0]):
        text = _text(first)
        if len(text) < 400 and (len(text.split()) >= 10 or _words(text) == _words(description)):
            _remove(first)
            return text
    return ""


# A short line that heads a list of other stories.
_KICKER = re.compile(
    r"(you (may|might) (also )?like|don'?t miss|related( stories| articles| posts| content"
    r"| coverage| reading| links)?|more (stories|from|on|news)\b.*|most (read|popular|viewed)\b.*"
    r"|popular (on|in)\b.*|recommended( for you| stories| reading)?|trending( now)?"
    r"|explore further|read (more|next)|what to read next|see also|top stories)\W*",
    re.IGNORECASE,
)
# A line opening like this points to another story ...
_POINTER = re.compile(
    r"(related( post| article| story| video| link)?s?|read (more|also|next)|see (more|also)"
    r"|also read|leggi anche|lesen sie auch|lire aussi|leia também|veja também|lea también"
    r"|ver también)\s*[:|–—-]|also on \S+\.\w+",
    re.IGNORECASE,
)
# ... and so does a line opening like this when it is mostly a link.
_LINKED_POINTER = re.compile(r"(also|more|watch|listen|video)\s*[:|–—-]", re.IGNORECASE)
_PROMO = re.compile(
    r"follow (us|@\w+|[\w .'’]+ on (twitter|facebook|instagram|x\b))|subscribe\b|sign up\b"
    r"|like this (story|article)\?|share this (story|article)|follow [\w .'’]+ coverage"
    r"|get (the|our) [\w ’']*newsletter|get the latest [\w ’']* inbox"
    r"|(click here to )?(get|download) (the|our) [\w ]*app\b"
    r"|\[button\b|thanks for signing up|there was an error processing your subscription",
    re.IGNORECASE,
)
# Contact and social lines: boilerplate when they close the article.
_SIGN_OFF = re.compile(
    r".*\b(follow (us|him|her|them)\b|on twitter\b|@\w{3,}\b.*\bor\b).*", re.IGNORECASE
)
_COMMENTS = re.compile(
    r"\d*\s*comments?|tell us what you think\W*|leave a (reply|comment)\W*|join the discussion\W*",
    re.IGNORECASE,
)
# A dateline or reading time standing alone near either end: the reader shows the date.
_STAMP = re.compile(
    r"\b(1[89]|20)\d\d\b|\b\d{1,2}:\d\d\b|\b(reading time|tempo de leitura|lesezeit)\b"
    r"|\bmin(ute)?s? read\b",
    re.IGNORECASE,
)
_MAX_LINE = 300  # a longer block is prose, however it starts


def _drop_boilerplate(body: etree._Element) -> None:
    """Remove lines that promote, point to other stories or invite comments."""
    blocks = list(body)
    doomed: set[int] = set()
    for index, block in enumerate(blocks):
        if _is_pointer(block):
            doomed.add(index)
        elif _KICKER.fullmatch(_text(block)):
            doomed.add(index)
            follower = index + 1  # the links the kicker announces go with it
            while follower < len(blocks) and _link_share(blocks[follower]) > 0.6:
                doomed.add(follower)
                follower += 1
    doomed |= _link_runs(blocks) | _stamps(blocks)
    for index in range(len(blocks) - 1, -1, -1):  # then peel the end of the article
        block, text = blocks[index], _text(blocks[index])
        if not (
            index in doomed
            or _COMMENTS.fullmatch(text)
            or (len(text) < 250 and _SIGN_OFF.fullmatch(text))
            or _is_list_of_links(block)
        ):
            break
        doomed.add(index)
    for index in sorted(doomed, reverse=True):
        _remove(blocks[index])


def _link_share(elem: etree._Element) -> float:
    total = len(_text(elem))
    return sum(len(_text(a)) for a in elem.iter("a") if a.get("href")) / total if total else 0.0


def _is_pointer(block: etree._Element) -> bool:
    if len(_text(block)) > _MAX_LINE:
        return False
    # A list is judged by its first item, where a "Related:" would sit.
    lead = _text(block[0]) if block.tag in {"ul", "ol"} and len(block) else _text(block)
    return bool(
        _PROMO.match(lead)
        or _POINTER.match(lead)
        or (_LINKED_POINTER.match(lead) and _link_share(block) > 0.3)
        or (_KICKER.match(lead) and _link_share(block) > 0.6)
    )


def _link_runs(blocks: list[etree._Element]) -> set[int]:
    """Two or more blocks in a row that are nothing but links: a list of other stories."""
    found: set[int] = set()
    run: list[int] = []
    for index, block in enumerate([*blocks, None]):
        if block is not None and len(_text(block)) < _MAX_LINE and _link_share(block) > 0.9:
            run.append(index)
            continue
        if len(run) >= 2:
            found.update(run)
        run = []
    return found


def _is_list_of_links(block: etree._Element) -> bool:
    items = block.findall("li") if block.tag in {"ul", "ol"} else []
    return (
        len(items) >= 3
        and all(item.find(".//a[@href]") is not None for item in items)
        and _link_share(block) > 0.4
    )


def _stamps(blocks: list[etree._Element]) -> set[int]:
    ends = {*range(min(3, len(blocks))), *range(max(0, len(blocks) - 3), len(blocks))}
    return {
        index
        for index in ends
        if len(_text(blocks[index]).split()) <= 8 and _STAMP.search(_text(blocks[index]))
    }


# Scripts written without spaces between words: count their characters instead.
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def _has_prose(body: etree._Element) -> bool:
    """True when a line of prose is left: menus, forms and lone headings are no article."""
    return any(
        _is_prose(line)
        for block in body
        if not _is_heading(block)
        for line in fragment_text(block).splitlines()
    )


def _is_prose(line: str) -> bool:
    # Menu and form labels run together read "Home About Sign in Email Password": long
    # enough, but mostly capitalised, which sentences are not (even in German).
    words = line.split()
    capitalised = sum(word[0].isupper() for word in words)
    return (len(words) >= _MIN_PROSE_WORDS and capitalised <= len(words) / 2) or len(
        _UNSPACED.findall(line)
    ) >= 3 * _MIN_PROSE_WORDS


# ----------------------------------------------------------------------------- metadata


def _squash(text: str) -> str:
    return " ".join(text.split())


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


# Query parameters that identify a campaign or a click, never the document.
_TRACKING = re.compile(
    r"utm_\w*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|_gl"
    r"|ocid|cmpid|ncid|smid|mkt_tok|sr_share|s_cid|__twitter_impression|ref_src|ref_url",
    re.IGNORECASE,
)


def _source_url(tree: HtmlElement, url: str) -> str:
    declared = [
        *tree.xpath(
            "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"
        ),
        *tree.xpath("//meta[@property='og:url' or @name='og:url']/@content"),
    ]
    page = _clean_url(url)
    for candidate in declared:
        cleaned = _clean_url(_absolute(candidate, url))
        # Some sites declare their home page as every page's canonical URL: not this page.
        if cleaned and not (page and urlsplit(cleaned).path == "/" != urlsplit(page).path):
            return cleaned
    return page


def _clean_url(url: str) -> str:
    """The URL without fragment and tracking parameters; "" unless absolute http(s)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return ""
    # Split by hand so the parameters we keep stay byte for byte as the page wrote them.
    kept = [p for p in parts.query.split("&") if p and not _TRACKING.fullmatch(p.split("=")[0])]
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", "&".join(kept), "")
    )


def _language(tree: HtmlElement) -> str:
    declared = [
        tree.get("lang"),
        tree.get("xml:lang"),
        *tree.xpath(
            "//meta[translate(@http-equiv, 'CONTENTLAGU', 'contentlagu') = 'content-language']"
            "/@content"
        ),
        *tree.xpath("//meta[@property='og:locale' or @name='language']/@content"),
    ]
    for value in declared:
        code = re.split(r"[-_,; ]", (value or "").strip(), maxsplit=1)[0].lower()
        if len(code) == 2 and code.isascii() and code.isalpha():
            return code
    return ""
