"""Remove what trafilatura lets through around the story: the title repeated at the top,
the standfirst, and boilerplate ("Related: ...", "Follow us on Twitter", date stamps,
lists of links to other stories, the labels of buttons, photo credits left alone).

Works on the HTML body that `convert` makes, one top-level block at a time.

Invariants:
- Only whole top-level blocks go, never part of one. A block longer than a line
  (`_MAX_LINE` characters) is prose: never taken for a pointer or part of a link run.
- Anywhere in the body only blocks that are plainly not the story go: promotions,
  pointers to other stories, a kicker with the links it announces, runs of link-only
  blocks, a control's label or a form's answer, a photo credit standing alone. Date
  stamps go only among the first or last three blocks; comment prompts, sign-offs,
  invitations to write a letter to the editor and lists of links only in an unbroken
  run at the very end.
- A figure (an image, with its caption) is never taken for a date stamp, a label or a
  credit: what its caption says belongs to the photo.
- The repeated title is looked for only among the first four blocks; the standfirst is
  removed from the body and returned, never lost.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from articles.extract.tree import is_heading, remove

if TYPE_CHECKING:
    from lxml import etree


def _text(elem: etree._Element) -> str:
    return " ".join("".join(elem.itertext()).split())


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def drop_title_and_dek(body: etree._Element, title: str, description: str) -> str:
    """Remove the title trafilatura repeats at the top, and return the standfirst under it.

    Blocks before the title are page furniture (logo, print URL, kicker) unless they hold
    real text. A heading holding the title's words, reordered or with a few more, is the
    title too ("Julian Assange: Sweden drops rape investigation" under "Sweden drops
    Assange rape investigation"). The standfirst is a heading right under the title that
    is a sentence long or repeats the page description.
    """
    wanted = _words(title)
    for index, block in enumerate(list(body)[:4]):
        text = _words(_text(block))
        # A heading may hold the title without the site name or series the <title> adds.
        shortened = (
            is_heading(block)
            and text in wanted
            and (2 * len(text) >= len(wanted) or len(text) >= 12)  # not a lone "Review"
        )
        if wanted and text and (text == wanted or shortened or _restates(block, text, wanted)):
            before = list(body)[:index]
            if sum(len(_text(b)) for b in before) < 200:
                for furniture in before:
                    remove(furniture)
            remove(block)
            break
    if len(body) > 1 and is_heading(first := body[0]):
        text = _text(first)
        if len(text) < 400 and (len(text.split()) >= 10 or _words(text) == _words(description)):
            remove(first)
            return text
    return ""


def _restates(block: etree._Element, text: str, title: str) -> bool:
    heading, wanted = set(text.split()), set(title.split())
    return (
        is_heading(block)
        and len(wanted) >= 3
        and wanted <= heading
        and len(heading) <= len(wanted) + 3
    )


# A short line that heads a list of other stories.
_KICKER = re.compile(
    r"(you (may|might) (also )?like|don'?t miss|related( stories| articles| posts| content"
    r"| coverage| reading| links)?|more (stories|from|on|news)\b.*|most (read|popular|viewed)\b.*"
    r"|popular (on|in)\b.*|recommended( for you| stories| reading)?|trending( now)?"
    r"|explore further|read (more|next)|what to read next|see also|top stories|more)\W*",
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
    r"|\[button\b",
    re.IGNORECASE,
)
# What the page's controls and forms say: a button's label, a form's answer. Never prose.
_CONTROL = re.compile(
    r"(\.\.\.|…)?\s*(less|more|show (more|less)|see more|expand|close|print( this)?( article)?"
    r"|order reprints|reprints|share( this)?|e-?mail|tweet|back to top|advertisement|ad"
    # a bare "Thank you." may close an interview: only a form's thanks goes
    r"|(thanks|thank you) for (signing up|subscribing|registering|your (interest|feedback))"
    r"|(an )?error (has )?occurred.*|there was an error.*|please try again( later)?"
    r"|this article has been sent to)\W*",
    re.IGNORECASE,
)
# Who took a photo, standing alone: the photo is not in the article, so neither is this.
_CREDIT = re.compile(
    r"\(?\s*((image|photo(graph)?|picture|illustration|video)s?( credit)?\s*(:|by\b|via\b)"
    r"|credit\s*:|©).{0,80}",
    re.IGNORECASE,
)
# Contact and social lines: boilerplate when they close the article.
_SIGN_OFF = re.compile(
    r".*\b(follow (us|him|her|them)\b|on twitter\b|@\w{3,}\b.*\bor\b).*", re.IGNORECASE
)
# The paper's invitation to write to it, under an opinion piece: the desk's, not the
# writer's ("The Times is committed to publishing a diversity of letters to the editor").
_LETTERS_INVITATION = re.compile(
    r".*\b(letters? to the editor|welcomes? (your )?letters|we(’|'|\s+woul)d like to hear what"
    r" you think|letters@[\w.-]+)\b.*",
    re.IGNORECASE,
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


def drop_boilerplate(body: etree._Element) -> None:
    """Remove lines that promote, point to other stories or invite comments."""
    blocks = list(body)
    doomed: set[int] = set()
    for index, block in enumerate(blocks):
        if _is_pointer(block) or _is_furniture(block):
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
            or (len(text) < _MAX_LINE and _LETTERS_INVITATION.fullmatch(text))
            or _is_list_of_links(block)
        ):
            break
        doomed.add(index)
    for index in sorted(doomed, reverse=True):
        remove(blocks[index])


def _link_share(elem: etree._Element) -> float:
    total = len(_text(elem))
    return sum(len(_text(a)) for a in elem.iter("a") if a.get("href")) / total if total else 0.0


def _is_furniture(block: etree._Element) -> bool:
    """A control's label, a form's answer or a photo credit, standing as a block."""
    text = _text(block)
    return (
        block.tag != "figure"  # a photo's own credit stays with it
        and len(text.split()) <= 12
        and bool(_CONTROL.fullmatch(text) or _CREDIT.fullmatch(text))
    )


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
        if blocks[index].tag != "figure"  # a caption's year is no date stamp
        and len(_text(blocks[index]).split()) <= 8
        and _STAMP.search(_text(blocks[index]))
    }
