"""URLs in pasted text: recognising them, cleaning them, and reading their paths.

A URL's path often carries what the text leaves out: the headline as a slug, the date, the
author's page. Everything here is string work on the URL itself; nothing is fetched.
Invariant: a cleaned URL keeps scheme, host, path and every non-tracking query parameter
exactly as written, and never has a #fragment.
"""

import re
import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache
from urllib.parse import unquote, urlsplit, urlunsplit

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_BARE = re.compile(r"<?(?P<url>(?:https?://|www\.)[^\s<>\"]+?)>?[.,;!]?", re.IGNORECASE)
# What may continue a URL that a mail client wrapped: one token of URL characters.
_CONTINUATION = re.compile(r"[\w\-.~%/?#&=+;@!$*,:]+")
_OPEN_ENDS = "-_/=&?%.~+#"

_TRACKING = re.compile(
    r"utm_\w*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc"
    r"|_hsmi|mkt_tok|ref_src|ref_url|cmpid|ocid|icid|s_cid|at_medium|at_campaign|smid|sr_share",
    re.IGNORECASE,
)
_EXTENSION = re.compile(r"\.(?:s?html?|php|aspx?|jsp|cms)$", re.IGNORECASE)
_NOT_SLUGS = {"index", "amp", "default", "article", "story", "news", "print", "full"}
_AUTHOR_PATH = re.compile(
    r"/(?:authors?|writers?|journalists?|contributors?|columnists?|byline)/(?P<slug>[^/?#]+)",
    re.IGNORECASE,
)
# Wire services and outlets that sign with an acronym.
AGENCIES = {
    "afp", "ap", "upi", "dpa", "efe", "ansa", "tass", "ria", "pti", "ians", "aa", "bbc", "cnn",
    "pa", "rfe", "rferl", "ani", "kna", "yna", "apa", "ctk", "mti", "pap", "bta", "nyt", "wsj",
}  # fmt: skip
_PARTICLES = {"de", "da", "di", "del", "della", "van", "von", "der", "den", "du", "dos", "la", "le"}
# Kept lower-case inside a title unless first, as headline style does.
_SMALL_WORDS = {
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "if", "in", "into", "nor", "of",
    "on", "or", "per", "the", "to", "v", "vs", "via", "with",
}  # fmt: skip
MATCH_RATIO = 0.75
_MIN_SHORT_SLUG = 3
# An all-capitals word this short in the body is an acronym; a longer one is shouting.
_MAX_ACRONYM = 5


def bare_url(text: str) -> str | None:
    """The URL when the whole line is one, else None."""
    match = _BARE.fullmatch(text)
    return match["url"] if match else None


def continues_url(url: str, text: str) -> bool:
    """Whether `text`, the line after a bare URL, is the rest of that URL wrapped by a mailer."""
    if url[-1] not in _OPEN_ENDS or not _CONTINUATION.fullmatch(text) or bare_url(text):
        return False
    # A capitalised plain word ("Advertisement") after a URL is text, not a URL's tail.
    return any(c.isdigit() or c in "-/_=" for c in text) or text == text.lower()


def clean(url: str) -> str:
    """The canonical form: tracking parameters and the fragment removed."""
    if url.lower().startswith("www."):
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    query = "&".join(
        pair
        for pair in parts.query.split("&")
        if pair and not _TRACKING.fullmatch(pair.split("=", 1)[0])
    )
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, query, ""))


def site_name(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def path(url: str) -> str:
    try:
        return unquote(urlsplit(url).path)
    except ValueError:
        return ""


def _is_id(token: str) -> bool:
    if token.isdigit():
        # A year is part of a headline ("elections-2024"); other bare numbers are ids.
        return not (len(token) == 4 and token.startswith(("19", "20")))
    return bool(
        re.fullmatch(r"[a-z]{1,3}\d{4,}", token, re.IGNORECASE)
        or (len(token) >= 8 and re.fullmatch(r"[0-9a-f]*\d[0-9a-f]*", token, re.IGNORECASE))
    )


def slug_words(url: str) -> list[str]:
    """The headline words of the URL's last meaningful path segment, ids dropped."""
    segments = [s for s in path(url).split("/") if s]
    for segment in reversed(segments[-2:]):
        words = [w for w in re.split(r"[-_+\s]+", _EXTENSION.sub("", segment)) if w]
        while words and _is_id(words[-1]):
            words.pop()
        if any(c.isalpha() for w in words for c in w) and segment.lower() not in _NOT_SLUGS:
            return words
    return []


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


@lru_cache(maxsize=4096)  # bounded: the web process lives long, pastes come and go
def _slug_key(url: str) -> tuple[str, ...]:
    return tuple(_fold(w) for w in slug_words(url))


def best_match(urls: list[str], title: str) -> str | None:
    """The URL whose slug best spells `title`, if one spells it well enough.

    A slug either spells the whole title (give or take punctuation and ids), or an editor
    shortened it and every slug word is still a word of the title. The title side is
    prepared once, so pairing many labels with many links stays fast.
    """
    folded = _fold(title)
    if not folded:
        return None
    words = {_fold(w) for w in re.findall(r"\w+", title)}
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(folded)
    best, best_score = None, 0.0
    for url in urls:
        slug = _slug_key(url)
        joined = "".join(slug)
        if not joined:
            continue
        if joined == folded:
            return url
        score = sum(w in words for w in slug) / len(slug) if len(slug) >= _MIN_SHORT_SLUG else 0
        matcher.set_seq1(joined)
        bar = max(MATCH_RATIO, best_score, score)
        if matcher.real_quick_ratio() > bar and matcher.quick_ratio() > bar:
            score = max(score, matcher.ratio())
        if score >= MATCH_RATIO and score > best_score:
            best, best_score = url, score
    return best


def case_index(body: str) -> dict[str, Counter[str]]:
    """For each lower-cased word of the body, how often it appears in each capitalised form."""
    index: dict[str, Counter[str]] = {}
    for word in re.findall(r"\w+", body):
        lower = word.lower()
        if word != lower:
            index.setdefault(lower, Counter())[word] += 1
    return index


def _word_case(word: str, index: dict[str, Counter[str]], *, first: bool) -> str:
    if word[0].isdigit():
        return word  # "10k" is not "10K"
    lower = word.lower()
    if not first and lower in _SMALL_WORDS:
        return lower
    forms = index.get(lower, Counter())
    mixed = [(n, form) for form, n in forms.items() if not form.isupper()]
    if mixed:
        return max(mixed)[1]
    if forms and len(word) <= _MAX_ACRONYM:
        return forms.most_common(1)[0][0]  # an acronym such as NATO or EU
    return lower[:1].upper() + lower[1:]


def title_from_slug(words: list[str], index: dict[str, Counter[str]]) -> str:
    """Title-case slug words, each taking the capitals it has in the body when it appears
    there capitalised ("Ukraine", "NATO", "iPhone"); `index` comes from case_index()."""
    return " ".join(_word_case(w, index, first=i == 0) for i, w in enumerate(words))


def author_byline(url: str) -> str | None:
    """The byline an author-page URL names: .../author/afp-2 gives "AFP"."""
    match = _AUTHOR_PATH.search(path(url))
    if match is None:
        return None
    slug = re.sub(r"[-_]\d+$", "", match["slug"])
    names = [w for w in re.split(r"[-_.+]+", slug) if w]
    if not names:
        return None
    if len(names) == 1 and (names[0].lower() in AGENCIES or len(names[0]) <= 3):
        return names[0].upper()
    return " ".join(
        w.lower() if i and w.lower() in _PARTICLES else w[:1].upper() + w[1:].lower()
        for i, w in enumerate(names)
    )
