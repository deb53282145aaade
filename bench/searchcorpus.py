"""The search benchmark's corpus, generated straight into a scratch database.

Job: `build(articles, annotations)` fills a freshly migrated database with generated
articles, users, groups, entities and annotations, fast (COPY on Django's own psycopg
connection, never ORM saves for the bulk), and returns what the harness needs (`Corpus`).

Where the realism comes from: lognormal word counts (median ~700 words, tail cut at
5,000) in paragraphs of one to four sentences, as wire copy has, written from the words
and topic sentences of `searchtext` (which says how they are made).

Invariants (the application's own, see articles/models.py):
- body_text == sanitize.text_content(body_html): <p> paragraphs joined by a blank line;
- a passage annotation has exact == body_text[start:end], prefix and suffix the 32
  characters either side; a page note has neither start nor end;
- motivation "identifying" exactly when entity is set; content_hash is unique.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from random import Random
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import connection

from articles.anchoring import CONTEXT
from articles.measure import WORDS_PER_MINUTE, content_hash, count_words
from articles.models import Entity, EntityAlias, Membership, TeamGroup

if TYPE_CHECKING:
    from collections.abc import Iterator

from searchtext import (
    AGENCIES,
    COLORS,
    DAYS,
    EL_SITES,
    END,
    FIRST,
    GREEK,
    GREEK_TOPIC,
    GROUPS,
    KEY_ENTITIES,
    KOREA,
    LAST,
    MAX_WORDS,
    MEDIAN_WORDS,
    NAME_SLOT,
    NUMBER_SLOT,
    ORG_SUFFIXES,
    RU_SITES,
    RUSSIAN,
    RUSSIAN_TOPIC,
    SITES,
    SLUG,
    START,
    SYLLABLES,
    TITLES,
    UKRAINE,
    USER_WEIGHTS,
    USERS,
    Chain,
    cumulative,
    source_texts,
    templated,
    zipf_cumulative,
)


@dataclass
class Corpus:
    """What was generated: counts, timings, and ids the harness queries as."""

    articles: int
    annotations: int
    entities: int
    users: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)


class Generator:
    """Articles and their annotations, one at a time; every choice comes from `rng`."""

    def __init__(  # noqa: PLR0913 - everything the corpus is made of
        self,
        *,
        rng: Random,
        chain: Chain,
        entities: list[tuple[int, str]],
        key_ids: dict[str, int],
        users: dict[str, int],
        groups_of: dict[int, list[int]],
        everyone: int,
    ) -> None:
        self.rng = rng
        self.pool = []
        for _ in range(60_000):
            tokens = chain.sentence()
            self.pool.append((templated(tokens, rng), len(tokens)))
        self.entities = entities  # (id, surface), in Zipf order
        self.entity_cw = zipf_cumulative(len(entities), 1.0)
        self.rare = list(
            dict.fromkeys(
                "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
                for _ in range(150_000)
            )
        )
        self.rare_cw = zipf_cumulative(len(self.rare), 0.9)
        self.key_ids = key_ids
        self.topics = {
            name: (
                [self._with_mentions(text) for _, text in templates],
                cumulative([w for w, _ in templates]),
            )
            for name, templates in (("ukraine", UKRAINE), ("korea", KOREA))
        }
        self.reporters = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(400)]
        self.site_cw = {
            "en": ([s for s, _ in SITES], cumulative([w for _, w in SITES])),
            "ru": ([s for s, _ in RU_SITES], cumulative([w for _, w in RU_SITES])),
            "el": ([s for s, _ in EL_SITES], cumulative([w for _, w in EL_SITES])),
        }
        self.ru_cw = zipf_cumulative(len(RUSSIAN), 0.8)
        self.el_cw = zipf_cumulative(len(GREEK), 0.8)
        self.user_ids = [users[u] for u in USERS]
        self.user_cw = cumulative(USER_WEIGHTS)
        self.groups_of = groups_of
        self.everyone = everyone
        self.color_names = list(COLORS)
        self.color_cw = cumulative(list(COLORS.values()))
        self.now = datetime.now(UTC)

    def _with_mentions(self, text: str) -> tuple[str, list[tuple[int, str]]]:
        """A topic sentence and the key entities it names (id, the words used)."""
        found = []
        for name, _, aliases in KEY_ENTITIES:
            for surface in (name, *aliases):
                if re.search(rf"\b{re.escape(surface)}\b", text):
                    found.append((self.key_ids[name], surface))
                    break
        return text, found

    # ---------- text ----------

    def _fill(self, text: str, mentions: list[tuple[int, str]]) -> str:
        rng = self.rng
        while NAME_SLOT in text:
            if rng.random() < 0.7:
                entity = rng.choices(self.entities, cum_weights=self.entity_cw)[0]
                mentions.append(entity)
                name = entity[1]
            else:
                name = rng.choices(self.rare, cum_weights=self.rare_cw)[0]
            text = text.replace(NAME_SLOT, name, 1)
        while NUMBER_SLOT in text:
            n = str(int(rng.lognormvariate(3, 1.5)) + 1)
            text = text.replace(NUMBER_SLOT, n, 1)
        return text

    def _topic_sentence(self, topic: str, mentions: list[tuple[int, str]]) -> str:
        templates, cw = self.topics[topic]
        text, found = self.rng.choices(templates, cum_weights=cw)[0]
        mentions.extend(found)
        if "{" in text:
            text = text.format(
                p=f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}",
                n=self.rng.randint(2, 60),
                d=self.rng.choice(DAYS),
            )
        return text

    def _english(self, words: int, topic: str | None, passing: str | None) -> tuple[list, list]:
        rng, pool, fill = self.rng, self.pool, self._fill
        mentions: list[tuple[int, str]] = []
        topical = rng.randint(2, 7) if topic else (1 if passing else 0)
        topic = topic or passing
        paragraphs, para, count, size = [], [], 0, rng.randint(1, 4)
        while count < words:
            if topical and ((not paragraphs and not para) or rng.random() < 0.2):
                text = self._topic_sentence(topic, mentions)
                count += text.count(" ") + 1
                topical -= 1
            else:
                text, n = rng.choice(pool)
                if NAME_SLOT in text or NUMBER_SLOT in text:
                    text = fill(text, mentions)
                count += n
            para.append(text)
            if len(para) >= size:
                paragraphs.append(" ".join(para))
                para, size = [], rng.randint(1, 4)
        if para:
            paragraphs.append(" ".join(para))
        return paragraphs, mentions

    def _zipf_text(self, words: int, vocab: list[str], cw: list[float], topic: list[str]) -> list:
        rng = self.rng
        paragraphs, count = [], 0
        lead = rng.random() < 0.4
        while count < words:
            sentences = []
            for _ in range(rng.randint(1, 4)):
                if lead:
                    sentences.append(rng.choice(topic))
                    lead = False
                    continue
                n = rng.randint(6, 20)
                sentence = " ".join(rng.choices(vocab, cum_weights=cw, k=n))
                sentences.append(sentence[0].upper() + sentence[1:] + ".")
                count += n
            paragraphs.append(" ".join(sentences))
        return paragraphs

    def _title(self, topic: str | None, mentions: list[tuple[int, str]]) -> str:
        rng = self.rng
        if topic and rng.random() < 0.7:
            return rng.choice(TITLES[topic])
        text, _ = rng.choice(self.pool)
        words = self._fill(text, mentions).split()[: rng.randint(5, 12)]
        return " ".join(words).rstrip(",.;:")

    def _site(self, language: str, topic: str | None) -> str:
        if topic == "ukraine" and self.rng.random() < 0.35:
            return "themoscowtimes.com"
        sites, cw = self.site_cw[language]
        return self.rng.choices(sites, cum_weights=cw)[0]

    def article(self, i: int) -> tuple[tuple, list[tuple[int, str]]]:
        """One article row (COPY column order) and the entity mentions in its text."""
        rng = self.rng
        words = min(MAX_WORDS, max(120, int(rng.lognormvariate(math.log(MEDIAN_WORDS), 0.55))))
        roll = rng.random()
        language, topic, passing = "en", None, None
        if roll < 0.03:
            language = "ru"
        elif roll < 0.04:
            language = "el"
        elif roll < 0.08:
            topic = "ukraine"
        elif roll < 0.09:
            topic = "korea"
        elif roll < 0.14:
            passing = "ukraine" if rng.random() < 0.7 else "korea"
        mentions: list[tuple[int, str]] = []
        if language == "ru":
            paragraphs = self._zipf_text(words, RUSSIAN, self.ru_cw, RUSSIAN_TOPIC)
            title = " ".join(rng.choices(RUSSIAN[20:], k=rng.randint(4, 9))).capitalize()
            byline = rng.choice(["Мария Иванова", "Алексей Смирнов", "Ольга Петрова", ""])
        elif language == "el":
            paragraphs = self._zipf_text(words, GREEK, self.el_cw, GREEK_TOPIC)
            title = " ".join(rng.choices(GREEK[20:], k=rng.randint(4, 9))).capitalize()
            byline = rng.choice(["Μαρία Παπαδοπούλου", "Γιώργος Νικολάου", ""])
        else:
            paragraphs, mentions = self._english(words, topic, passing)
            title = self._title(topic, mentions)
            roll = rng.random()
            byline = (
                rng.choice(self.reporters)
                if roll < 0.85
                else (rng.choice(AGENCIES) if roll < 0.95 else "")
            )
        body_text = "\n\n".join(paragraphs)
        body_html = "\n\n".join(f"<p>{escape(p, quote=False)}</p>" for p in paragraphs)
        site = self._site(language, topic)
        published = START + timedelta(seconds=rng.random() * (END - START).total_seconds())
        created = min(self.now, published + timedelta(hours=rng.random() * 72))
        slug = SLUG.sub("-", title.lower()).strip("-")[:60] or "story"
        url = f"https://www.{site}/{published:%Y/%m/%d}/{slug}-{i}" if rng.random() < 0.9 else ""
        word_count = count_words(body_text)
        added_by = rng.choice(self.user_ids) if rng.random() < 0.8 else None
        row = (
            i, title[:500], byline, site, "", url,
            published if rng.random() < 0.96 else None,
            language, "text", body_html, body_text, content_hash(body_text), word_count,
            max(1, round(word_count / WORDS_PER_MINUTE)), "[]", added_by, created, created,
        )  # fmt: skip
        return row, mentions

    # ---------- annotations ----------

    def annotations(
        self, first_id: int, article: tuple, mentions: list[tuple[int, str]], n: int
    ) -> Iterator[tuple]:
        rng = self.rng
        article_id, body, created = article[0], article[10], article[16]
        for k in range(n):
            author = rng.choices(self.user_ids, cum_weights=self.user_cw)[0]
            roll = rng.random()
            start = end = entity = None
            exact = prefix = suffix = note = note_html = ""
            color = rng.choices(self.color_names, cum_weights=self.color_cw)[0]
            if roll < 0.05:
                motivation = "commenting"  # a page note
                note = self._note()
            elif roll < 0.30 and mentions:
                motivation = "identifying"
                entity, surface = rng.choice(mentions)
                start = body.find(surface, rng.randrange(len(body)))
                if start < 0:
                    start = body.find(surface)
                if start < 0:  # a title-only name: a mention of the article as a whole
                    exact, start = surface, None
                else:
                    end = start + len(surface)
                color = "yellow"
            else:
                start, end = self._passage(body)
                motivation = "highlighting"
                if roll > 0.83:  # a note on a passage
                    motivation = "commenting"
                    note = self._note()
            if start is not None:
                exact = body[start:end]
                prefix = body[max(0, start - CONTEXT) : start]
                suffix = body[end : end + CONTEXT]
            if note:
                note_html = f"<p>{escape(note, quote=False)}</p>\n"
            group = None
            if rng.random() >= 0.3:
                own = self.groups_of.get(author, [])
                group = rng.choice(own) if own and rng.random() < 0.3 else self.everyone
            when = min(self.now, created + timedelta(days=rng.random() * 60))
            yield (
                first_id + k, article_id, author, motivation, start, end, exact, prefix,
                suffix, color, note, note_html, group, "anchored", entity, when, when,
            )  # fmt: skip

    def _passage(self, body: str) -> tuple[int, int]:
        """A selection of whole words: a few words to a few sentences."""
        rng = self.rng
        length = min(len(body) // 2, int(rng.lognormvariate(math.log(90), 0.8)) + 3)
        start = rng.randrange(max(1, len(body) - length))
        if start:
            space = body.find(" ", start)
            start = space + 1 if 0 <= space < len(body) - 2 else 0
        end = body.find(" ", start + length)
        end = len(body) if end < 0 else end
        while body[end - 1] in " \n" and end - 1 > start:
            end -= 1
        while body[start] in " \n":
            start += 1
        return start, max(end, start + 1)

    def _note(self) -> str:
        text, _ = self.rng.choice(self.pool)
        note = self._fill(text, [])
        if self.rng.random() < 0.5:
            note += " " + self._fill(self.rng.choice(self.pool)[0], [])
        return note


ARTICLE_COLUMNS = (
    "id, title, byline, site_name, summary, source_url, published_at, language, kind, "
    "body_html, body_text, content_hash, word_count, reading_minutes, related_links, "
    "added_by_id, created_at, updated_at"
)
ANNOTATION_COLUMNS = (
    'id, article_id, author_id, motivation, start, "end", exact, prefix, suffix, color, '
    "note, note_html, group_id, status, entity_id, created_at, updated_at"
)


def _people() -> tuple[dict[str, int], dict[int, list[int]], int]:
    users = {}
    for name in USERS:
        user = get_user_model().objects.create_user(name, f"{name}@newsroom.local")
        users[name] = user.pk
    everyone = TeamGroup.objects.get(is_default=True).pk
    groups_of: dict[int, list[int]] = {}
    for name, members in GROUPS.items():
        group = TeamGroup.objects.create(name=name)
        Membership.objects.bulk_create([Membership(group=group, user_id=users[m]) for m in members])
        for m in members:
            groups_of.setdefault(users[m], []).append(group.pk)
    return users, groups_of, everyone


def _entities(rng: Random, count: int, creator: int) -> tuple[list[tuple[int, str]], dict]:
    """The gazetteer: the key entities, then invented people, organisations and places."""
    rows: dict[tuple[str, str], None] = {}
    for name, kind, _ in KEY_ENTITIES:
        rows[name, kind] = None
    while len(rows) < count:
        roll = rng.random()
        if roll < 0.55:
            rows[f"{rng.choice(FIRST)} {rng.choice(LAST)}", "person"] = None
        elif roll < 0.8:
            rows[f"{rng.choice(LAST)} {rng.choice(ORG_SUFFIXES)}", "organisation"] = None
        else:
            place = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
            rows[place.capitalize(), "place"] = None
    made = Entity.objects.bulk_create(
        [Entity(name=n, kind=k, created_by_id=creator) for n, k in rows], batch_size=2000
    )
    key_ids = {e.name: e.pk for e in made[: len(KEY_ENTITIES)]}
    EntityAlias.objects.bulk_create(
        EntityAlias(entity_id=key_ids[name], name=alias)
        for name, _, aliases in KEY_ENTITIES
        for alias in aliases
    )
    # Generic sentences name the invented ones; the key entities come with their topics.
    invented = [(e.pk, e.name) for e in made[len(KEY_ENTITIES) :]]
    rng.shuffle(invented)
    return invented, key_ids


def build(articles: int, annotations: int, seed: int = 20261127) -> Corpus:
    """Fill the (empty, migrated) current database; returns counts and phase timings."""
    rng = Random(seed)
    started = time.perf_counter()
    users, groups_of, everyone = _people()
    invented, key_ids = _entities(rng, 2000, users["alice"])
    chain = Chain(source_texts(), rng)
    generator = Generator(
        rng=rng,
        chain=chain,
        entities=invented,
        key_ids=key_ids,
        users=users,
        groups_of=groups_of,
        everyone=everyone,
    )
    seconds = {"set-up (users, entities, language model)": time.perf_counter() - started}

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM articles_article")
        first_article = cursor.fetchone()[0] + 1
        cursor.execute("SELECT coalesce(max(id), 0) FROM articles_annotation")
        first_annotation = cursor.fetchone()[0] + 1
    ids = range(first_article, first_article + articles)
    # Annotations cluster: a third of the articles carry them, a few very many.
    annotated = rng.sample(ids, max(1, articles // 3))
    weights = [rng.paretovariate(1.5) for _ in annotated]
    per_article = Counter(rng.choices(annotated, weights=weights, k=annotations))

    started = time.perf_counter()
    pending: list[tuple] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY articles_article ({ARTICLE_COLUMNS}) FROM STDIN") as copy:
            for i in ids:
                row, mentions = generator.article(i)
                copy.write_row(row)
                if n := per_article.get(i):
                    next_id = first_annotation + len(pending)
                    pending.extend(generator.annotations(next_id, row, mentions, n))
        seconds["articles (generate + COPY)"] = time.perf_counter() - started
        started = time.perf_counter()
        with raw.copy(f"COPY articles_annotation ({ANNOTATION_COLUMNS}) FROM STDIN") as copy:
            for row in pending:
                copy.write_row(row)
        for table in ("articles_article", "articles_annotation"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        seconds["annotations (COPY)"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        seconds["VACUUM ANALYZE"] = time.perf_counter() - started
    return Corpus(articles, len(pending), 2000, users, seconds)


def describe() -> str:
    """One paragraph on what was generated, from the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY word_count), max(word_count),"
            " avg(word_count)::int, string_agg(DISTINCT language, ' ') FROM articles_article"
        )
        median, longest, mean, _ = cursor.fetchone()
        cursor.execute(
            "SELECT language, round(100.0 * count(*) / sum(count(*)) OVER (), 1)"
            " FROM articles_article GROUP BY 1 ORDER BY 2 DESC"
        )
        languages = ", ".join(f"{lang} {share}%" for lang, share in cursor.fetchall())
        cursor.execute(
            "SELECT round(100.0 * count(*) FILTER (WHERE motivation = 'highlighting') / count(*)),"
            " round(100.0 * count(*) FILTER (WHERE note <> '' AND start IS NOT NULL) / count(*)),"
            " round(100.0 * count(*) FILTER (WHERE note <> '' AND start IS NULL) / count(*)),"
            " round(100.0 * count(*) FILTER (WHERE entity_id IS NOT NULL) / count(*)),"
            " round(100.0 * count(*) FILTER (WHERE group_id IS NULL) / count(*)),"
            " count(DISTINCT article_id) FROM articles_annotation"
        )
        highlights, notes, page_notes, mentions, private, annotated = cursor.fetchone()
    return (
        f"articles: median {median:,} words, mean {mean:,}, longest {longest:,}; {languages}. "
        f"annotations on {annotated:,} articles: {highlights}% highlights, {notes}% notes on "
        f"passages, {page_notes}% page notes, {mentions}% entity mentions; {private}% private"
    )
