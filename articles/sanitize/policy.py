"""The allow-list: which elements and attributes survive, and which characters.

Everything `articles.sanitize` lets through is decided here; the rest of the package only
shapes what this module admits.

Invariants:
- An element is dropped with its content (`DROP`); or, once renamed (`RENAME`), it is
  unwrapped at a paragraph boundary (`BOUNDARY`), kept (`KEPT`), or else unwrapped with
  its text kept. `mark` is never kept: it is reserved for annotation highlights.
- `attributes` returns the complete attribute list of a kept element, or None when the
  element is unsafe: a link without an http(s), mailto or relative href, an image
  without an absolute http(s) src. Links always get rel="nofollow noopener noreferrer", images
  lazy loading and no referrer; no class, id, style or on* ever passes.
- A URL's scheme is judged as a browser would read it and again with every invisible
  character removed, so no spelling of "javascript:" passes as a relative URL.
- `clean_chars` removes C0/C1 controls other than tab, LF, FF and CR (whitespace, which
  the serialiser lays out), lone surrogates, U+FEFF and noncharacters.
"""

from __future__ import annotations

import re

# Removed with everything inside: code, embedded documents, form controls and media
# whose content is fallback or UI text ("Your browser does not support video",
# "Subscribe"), not prose. noscript too: it mostly repeats a lazy-loaded image, and
# choosing that fallback is the extractor's job. form: in an article body it is a
# newsletter or comment box; an extractor that hands us a whole-page form has failed.
DROP = frozenset({
    "applet", "area", "audio", "base", "button", "canvas", "datalist", "dialog", "embed",
    "form", "frame", "frameset", "head", "iframe", "input", "link", "map", "math", "meta",
    "noembed", "noframes", "noscript", "object", "optgroup", "option", "param", "portal",
    "script", "select", "source", "style", "svg", "template", "textarea", "title", "track",
    "video"
})  # fmt: skip
# Unwrapped, but they end a paragraph, so "<div>a</div><div>b</div>" stays two words.
BOUNDARY = frozenset({
    "address", "article", "aside", "body", "center", "details", "div", "fieldset",
    "footer", "header", "hgroup", "legend", "main", "nav", "search", "section", "summary"
})  # fmt: skip
RENAME = {
    "h1": "h2",  # the page's own h1 is the article title
    **dict.fromkeys(["del", "strike"], "s"),
    **dict.fromkeys(["tt", "samp"], "code"),
    **dict.fromkeys(["var", "dfn"], "i"),
    **dict.fromkeys(["dir", "menu"], "ul"),
    **dict.fromkeys(["xmp", "listing", "plaintext"], "pre"),
}
PHRASING = frozenset({
    "a", "abbr", "b", "cite", "code", "em", "i", "kbd", "q", "s", "small", "strong", "sub",
    "sup", "time", "u"
})  # fmt: skip
TEXT_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "pre"})
_STRUCTURE = frozenset({
    "blockquote", "caption", "dd", "dl", "dt", "figcaption", "figure", "hr", "li", "ol",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"
})  # fmt: skip
KEPT = PHRASING | TEXT_BLOCKS | _STRUCTURE | {"br", "img"}
VOID = frozenset({"br", "hr", "img"})
GAPPED = KEPT - PHRASING | BOUNDARY  # elements whose text never runs into the next word
_REL = "nofollow noopener noreferrer"
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Newsroom fetches images itself (articles.images), so http is as good as https; a
# relative source has nothing to resolve against here (the extractor made a page's
# absolute already), and data: and the rest are dropped.
_IMG_SCHEMES = frozenset({"http", "https"})
_ABSOLUTE_HTTP = re.compile(r"https?://[^/?#\\]", re.IGNORECASE)
_IMG_EXTRA = (("loading", "lazy"), ("decoding", "async"), ("referrerpolicy", "no-referrer"))

_NONCHARACTERS = "".join(chr(p << 16 | 0xFFFE) + chr(p << 16 | 0xFFFF) for p in range(1, 17))
_BAD_CHARS = re.compile(
    f"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufeff\ufffe\uffff{_NONCHARACTERS}]"
)
_URL_DROPPED = re.compile("[\t\n\r]")  # the URL parser ignores these anywhere
_URL_TRIMMED = "".join(map(chr, range(0x21)))  # ... and C0 controls and space at the ends
_INVISIBLE = re.compile(
    "[\x00-\x20\x7f-\x9f\xa0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f\u3000]"
)
_URL_HEAD = re.compile("([^/?#:]*):")
_NUMBER = re.compile("[0-9]{1,5}")


def clean_chars(text: str) -> str:
    return _BAD_CHARS.sub("", text)


def attributes(tag: str, attrib: dict[str, str]) -> tuple[tuple[str, str], ...] | None:
    match tag:
        case "a":
            href = _safe_url(attrib.get("href", ""), _LINK_SCHEMES)
            return None if href is None else (("href", href), ("rel", _REL))
        case "img":
            src = _safe_url(attrib.get("src", ""), _IMG_SCHEMES)
            if src is None or not _ABSOLUTE_HTTP.match(src):
                return None
            attrs = [("src", src)]
            if "alt" in attrib:
                attrs.append(("alt", _plain(attrib["alt"])))
            attrs += [(k, v) for k in ("width", "height") if (v := _number(attrib.get(k)))]
            return (*attrs, *_IMG_EXTRA)
        case "td" | "th":
            return tuple((k, v) for k in ("colspan", "rowspan") if (v := _number(attrib.get(k))))
        case "abbr" | "time":
            name = "title" if tag == "abbr" else "datetime"
            value = _plain(attrib.get(name, ""))
            return ((name, value),) if value else ()
        case _:
            return ()


def _safe_url(value: str, schemes: frozenset[str]) -> str | None:
    url = _URL_DROPPED.sub("", clean_chars(value)).strip(_URL_TRIMMED)
    # A colon before the first / ? # makes a scheme. Judge it as a browser would and
    # again with every invisible character gone, so neither "java\u00a0script:" nor
    # "java\ufffdscript:" passes as a relative URL.
    for candidate in (url, _INVISIBLE.sub("", url)):
        head = _URL_HEAD.match(candidate)
        if head and head.group(1).lower() not in schemes:
            return None
    return url or None


def _plain(value: str) -> str:
    return " ".join(clean_chars(value).split())


def _number(value: str | None) -> str | None:
    value = (value or "").strip()
    return str(int(value)) if _NUMBER.fullmatch(value) and int(value) > 0 else None
