"""Map trafilatura's XML body (head, list/item, quote, hi, ref, graphic, ...) to HTML.

Invariants:
- The result is a <div> whose children are block elements only (`ALONE`): text and
  inline elements directly in the body are gathered into <p>, and an image standing on
  its own gets a <figure>, with the caption that follows it as <figcaption>.
- A caption stands only under its image: one left without (the image was not kept) is
  removed, since it would read as a stray sentence.
- Only HTML tags come out: headings are h2-h4 (h1 is the title's), an element with no
  HTML counterpart is unwrapped with its content kept, and a graphic without a source
  is dropped (its tail text is kept).
- The only attributes are href on links and src and alt on images, made absolute
  against the base whenever there is one; nothing of trafilatura's markup (rend, role,
  target) and no class is left.
"""

from __future__ import annotations

import re

from lxml import etree

from articles.extract.metadata import absolute
from articles.extract.prepare import CAPTION
from articles.extract.text import BLOCKS
from articles.extract.tree import append_text, detach, regroup

ALONE = BLOCKS | {"img"}  # what stands outside paragraphs in the extracted body

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


def to_html(
    body: etree._Element, base: str, captions: frozenset[str] = frozenset()
) -> etree._Element:
    """Map trafilatura's XML (head, list/item, quote, hi, ref, graphic, ...) to HTML.

    `captions` are the texts of the page's captions (`prepare.mark_captions`).
    """
    root = _convert(body, base)
    root.tag, root.tail = "div", None
    etree.strip_tags(root, "span")  # elements with no HTML counterpart keep their content
    # Text directly in the body goes into paragraphs; an image on its own becomes a figure.
    regroup(root, detach(root), standalone=lambda elem: elem.tag in ALONE)
    _build_figures(root, captions)
    return root


def _convert(elem: etree._Element, base: str) -> etree._Element:
    new = etree.Element(_html_tag(elem), _html_attrs(elem, base))
    new.text, new.tail = elem.text, elem.tail
    for child in elem:
        if isinstance(child.tag, str) and (child.tag != "graphic" or child.get("src")):
            new.append(_convert(child, base))
        elif child.tail:
            append_text(new, child.tail)
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
        return {"href": absolute(elem.get("target", ""), base)}
    if elem.tag == "graphic":
        alt = {"alt": elem.get("alt", "")} if elem.get("alt") else {}
        return {"src": absolute(elem.get("src", ""), base), **alt}
    if elem.tag == "p" and elem.get("class") == CAPTION:
        return {"class": CAPTION}
    return {}


def _build_figures(root: etree._Element, captions: frozenset[str]) -> None:
    """Give each image standing on its own a <figure>, with the caption that follows;
    remove the captions left under nothing."""
    for img in root.findall("img"):
        figure = etree.Element("figure")
        img.addprevious(figure)
        figure.append(img)
        caption = figure.getnext()
        if caption is not None and _is_caption(caption, captions):
            caption.tag = "figcaption"
            figure.append(caption)
    for elem in root.findall("p"):
        if _is_caption(elem, captions):
            root.remove(elem)
    for elem in root.iter("p", "figcaption"):
        elem.attrib.pop("class", None)


def _is_caption(elem: etree._Element, captions: frozenset[str]) -> bool:
    if elem.tag != "p":
        return False
    return elem.get("class") == CAPTION or " ".join("".join(elem.itertext()).split()) in captions
