"""The search benchmark's corpus, generated straight into a scratch database.

Job: `build(articles, annotations)` fills a freshly migrated database with generated
articles, users, groups, entities and annotations, fast (COPY on Django's own psycopg
connection, never ORM saves for the bulk), and returns what the harness needs (`Corpus`).

Where the realism comes from:
- Length: lognormal word counts (median ~700 words, tail cut at 5,000), paragraphs of one
  to four sentences, as wire copy has.
- Vocabulary: a bigram chain trained at run time on the real English news in SHARED (the
  texts in samples/ and the ground-truth bodies in conformance/extraction). That text is
  read, never copied into the repository. Proper nouns and numbers in generated sentences
  are replaced per article (entity names, a long tail of invented rare names, fresh
  numbers), so the lexicon keeps growing with the corpus as a real one does.
- The issue's query terms come from topic sentences written here, at chosen rates: ~4% of
  articles on the war in Ukraine (Putin in most, "victory plan" in a few), ~1% on North
  Korea (Pyongyang, North Korean troops), ~5% with one passing sentence on either; 3% of
  articles are Russian and 1% Greek, from small vocabularies of our own.

Invariants (the application's own, see articles/models.py):
- body_text == sanitize.text_content(body_html): <p> paragraphs joined by a blank line;
- a passage annotation has exact == body_text[start:end], prefix and suffix the 32
  characters either side; a page note has neither start nor end;
- motivation "identifying" exactly when entity is set; content_hash is unique.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from random import Random
from typing import TYPE_CHECKING

from common import SHARED
from django.contrib.auth import get_user_model
from django.db import connection

from articles.anchoring import CONTEXT
from articles.models import (
    WORDS_PER_MINUTE,
    Entity,
    EntityAlias,
    Membership,
    TeamGroup,
    content_hash,
    count_words,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

NAME_SLOT = "\x00"  # a proper noun in a generated sentence, filled per article
NUMBER_SLOT = "\x01"
MAX_WORDS = 5000
MEDIAN_WORDS = 700
START = datetime(2022, 1, 1, tzinfo=UTC)
END = datetime(2026, 11, 1, tzinfo=UTC)

USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
# Who annotates most: alice, the searching user, is a busy annotator.
USER_WEIGHTS = [20, 14, 12, 10, 9, 8, 8, 7, 6, 6]
GROUPS = {
    "Politics desk": ["alice", "bob", "carol", "dave"],
    "Fact-check": ["alice", "erin", "frank"],
    "Russia desk": ["bob", "grace", "heidi", "ivan", "judy"],
}
COLORS = {"yellow": 40, "green": 20, "blue": 15, "pink": 15, "purple": 10}

# (host, weight): site_name is the host, as plain-text ingest records it.
SITES = [
    ("reuters.com", 9), ("apnews.com", 8), ("bbc.co.uk", 8), ("theguardian.com", 7),
    ("nytimes.com", 7), ("washingtonpost.com", 5), ("wsj.com", 5), ("ft.com", 4),
    ("bloomberg.com", 4), ("economist.com", 3), ("politico.eu", 3), ("aljazeera.com", 3),
    ("france24.com", 3), ("dw.com", 3), ("themoscowtimes.com", 2), ("kyivindependent.com", 2),
    ("koreaherald.com", 1), ("nknews.org", 1), ("euronews.com", 2), ("npr.org", 3),
    ("latimes.com", 2), ("independent.co.uk", 2), ("telegraph.co.uk", 2), ("cnn.com", 4),
    ("axios.com", 2), ("theatlantic.com", 1), ("newyorker.com", 1), ("spiegel.de", 1),
    ("lemonde.fr", 1), ("japantimes.co.jp", 1),
]  # fmt: skip
RU_SITES = [("themoscowtimes.com", 3), ("meduza.io", 3), ("novayagazeta.eu", 2), ("rbc.ru", 2)]
EL_SITES = [("kathimerini.gr", 3), ("ertnews.gr", 2), ("naftemporiki.gr", 1)]
AGENCIES = ["AFP", "Reuters", "Associated Press", "Bloomberg News", "AFP and Reuters"]

# Entities the topic sentences name, with their aliases: (name, kind, aliases).
KEY_ENTITIES = [
    ("Vladimir Putin", "person", ["Putin", "Путин", "Πούτιν"]),
    ("Volodymyr Zelensky", "person", ["Zelensky", "Zelenskyy"]),
    ("Kim Jong Un", "person", ["Kim Jong-un"]),
    ("Sergei Lavrov", "person", ["Lavrov"]),
    ("Dmitry Peskov", "person", ["Peskov"]),
    ("Kremlin", "organisation", []),
    ("NATO", "organisation", ["North Atlantic Treaty Organization"]),
    ("European Union", "organisation", ["EU"]),
    ("National Intelligence Service", "organisation", ["NIS"]),
    ("KCNA", "organisation", ["Korean Central News Agency"]),
    ("Moscow", "place", ["Москва"]),
    ("Kyiv", "place", ["Kiev"]),
    ("Pyongyang", "place", ["Пхеньян"]),
    ("Seoul", "place", []),
    ("Brussels", "place", []),
    ("Kursk", "place", []),
    ("Donetsk", "place", []),
    ("Pokrovsk", "place", []),
    ("Sviatohirsk", "place", []),
    ("Washington", "place", []),
]
FIRST = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Susan
Richard Jessica Joseph Sarah Thomas Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Sandra
Olena Andriy Natalia Dmitri Irina Sergei Oksana Yuri Min-jun Seo-yeon Ji-ho Hana Kenji Yuki
Amara Kwame Fatima Omar Leila Carlos Lucia Mateo Sofia Pierre Camille Lukas Anna Piotr Marta
""".split()  # noqa: SIM905 - a paragraph of names reads better than a list
LAST = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Wilson Anderson Taylor Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis Walker
Hall Allen Young King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts
Shevchenko Kovalenko Bondarenko Tkachenko Ivanov Smirnov Kuznetsov Popov Sokolov Volkov Petrova
Kim Park Choi Jung Kang Cho Yoon Tanaka Suzuki Watanabe Mensah Okafor Haddad Nasser Silva
Santos Moreau Laurent Schneider Fischer Weber Nowak Kowalski Rossi Bianchi Novak Horvat
""".split()  # noqa: SIM905
ORG_SUFFIXES = """Group Holdings Capital Institute Foundation Partners Bank Energy Motors Labs
Party Union Council Agency Systems""".split()  # noqa: SIM905
SYLLABLES = """ka lo mi ran tes vor bel din gar hul pet sor ni ma ko ru zen dal fi go tra mon
vel ash bri cor el fen har ist jor kel lun mar nor ost pra quin rok sel tor ul vin wes""".split()  # noqa: SIM905

# Topic sentences: (weight, text). {p} a person, {n} a number, {d} a weekday.
UKRAINE = [
    (6, "Russian President Vladimir Putin said on {d} that Moscow would not accept the terms."),
    (4, "Putin told a meeting of the Security Council that the offensive was going to plan."),
    (3, "The Kremlin said Putin had no plans to meet Volodymyr Zelensky in the near future."),
    (4, "Zelensky urged Western allies to deliver more air defence systems before the winter."),
    (0.6, 'Zelensky presented his "victory plan" to European Union leaders in Brussels.'),
    (0.4, "The victory plan calls for an invitation to join NATO and for long-range weapons."),
    (4, "Ukrainian forces said they had repelled {n} attacks near Pokrovsk in the past day."),
    (4, "Russian troops have taken control of another village in the Donetsk region, Moscow said."),
    (3, "Western sanctions have cut Russian oil revenues, though exports to Asia have risen."),
    (3, "Kremlin spokesman Dmitry Peskov told reporters that the talks had been constructive."),
    (2, "Foreign Minister Sergei Lavrov accused Washington of prolonging the war in Ukraine."),
    (3, "Officials in Kyiv said air raid alerts had sounded across the country overnight."),
    (2, "A Moscow court sentenced {p} to {n} years in a penal colony on treason charges."),
    (2, "{p}, an analyst who follows the Russian economy, said it was overheating."),
    (2, "The Russian central bank raised its key interest rate to {n}% to curb inflation."),
    (1, "Ukrainian drones struck an oil depot in the Kursk region, the governor said on {d}."),
    (1, "Putin signed a decree calling up {n},000 men for the autumn draft."),
    (1.5, "North Korean troops have been sent to the Kursk region, Ukrainian intelligence said."),
    (1, "Putin and Kim Jong Un signed a mutual defence pact during a visit to Pyongyang."),
    (0.05, "Residents of Sviatohirsk said the shelling had stopped for the first time in weeks."),
]
KOREA = [
    (3, "North Korean troops were seen training at bases in the Russian Far East, Seoul said."),
    (2, "The National Intelligence Service estimated that {n},000 North Korean soldiers had gone."),
    (3, "Pyongyang has denied sending troops, calling the reports a smear campaign."),
    (3, "Kim Jong Un oversaw the test launch of a new ballistic missile, KCNA reported."),
    (2, "The launch was condemned by Seoul, Tokyo and Washington on {d}."),
    (2, "Analysts say Pyongyang receives oil, food and military technology in return."),
    (2, "The North Korean leader visited a munitions factory on {d}, KCNA said."),
    (1, "Ukraine said it had captured two North Korean soldiers in the Kursk region."),
    (2, "Officials in Pyongyang called the joint military drills a rehearsal for invasion."),
    (1, "Putin thanked Kim Jong Un for the help of North Korean troops."),
]
TITLES = {
    "ukraine": [
        "Putin says Russia will press on with offensive",
        "Zelensky presents victory plan to EU leaders",
        "Russia claims another village in Donetsk region",
        "Kremlin rules out talks as fighting intensifies",
        "Ukraine repels attacks near Pokrovsk, military says",
        "Sanctions squeeze Russian oil revenues",
        "Lavrov accuses West of prolonging the war",
    ],
    "korea": [
        "North Korean troops deployed to Russia, Seoul says",
        "Pyongyang tests new ballistic missile",
        "Kim Jong Un visits munitions factory",
        "Ukraine says it captured North Korean soldiers",
    ],
}
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Our own small vocabularies, most frequent first (sampled with Zipf weights).
RUSSIAN = """и в не на что с по он как а это к из за для о от году также сказал заявил
президент России Украины войска войны власти правительство министр Москве страны время
области сообщил может будет было были после более по словам военных сегодня решение
ситуация вопрос против людей город жители удар ракеты армии обороны граница переговоры
санкции экономика рубль нефть газ банк инфляция ставка выборы партия депутаты закон суд
приговор журналист редакция издание источник данные информация официальный представитель
Кремль Песков Лавров Зеленский Киев Курской Донецкой Пхеньян КНДР Северной Кореи солдаты
мобилизация фронт наступление оборона беспилотник атака сбит ночью утром вечером неделе
месяце октябре ноябре декабре января марта апреля мая июня июля августа сентября""".split()  # noqa: SIM905
RUSSIAN_TOPIC = [
    "Президент России Владимир Путин заявил, что наступление идет по плану.",
    "Путин провел совещание с постоянными членами Совета безопасности.",
    "По данным разведки, в Курской области находятся войска КНДР.",
    "Пхеньян отрицает отправку солдат в Россию.",
]
GREEK = """και το να της η ο σε την που με για του των από είναι δεν θα στην στο τα οι
κυβέρνηση πρωθυπουργός υπουργός Αθήνα εκλογές οικονομία κόμμα βουλή χώρα χρόνια σήμερα
δήλωσε ανέφερε σύμφωνα πρόεδρος Ευρώπη Ρωσία Ουκρανία πόλεμος τράπεζα αγορά τιμές
πληθωρισμός μισθοί φόροι προϋπολογισμός νοσοκομεία σχολεία τουρισμός λιμάνι πλοία
νησιά σεισμός φωτιά δάση πυροσβέστες αστυνομία δικαστήριο""".split()  # noqa: SIM905
GREEK_TOPIC = ["Ο Ρώσος πρόεδρος Πούτιν δήλωσε ότι η Ρωσία δεν θα υποχωρήσει."]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘(])")
_PROPER = re.compile(r"^([A-Z][a-z]{2,})([,.;:]?)$")
_NUMBER = re.compile(r"^(\d{1,4})([,.;:]?)$")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class Corpus:
    """What was generated: counts, timings, and ids the harness queries as."""

    articles: int
    annotations: int
    entities: int
    users: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)


def _zipf_cumulative(n: int, s: float = 1.0) -> list[float]:
    total, out = 0.0, []
    for rank in range(1, n + 1):
        total += 1 / rank**s
        out.append(total)
    return out


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def source_texts() -> list[str]:
    """The real English news the chain learns from, read at run time."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "samples").glob("*.txt"))]
    truth = SHARED / "conformance" / "extraction" / "ground-truth.json"
    if truth.exists():
        texts += [v.get("articleBody", "") for v in json.loads(truth.read_text("utf-8")).values()]
    else:  # older checkouts keep the bodies only inside the gzipped pages
        texts += [
            gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
            for p in sorted((SHARED / "conformance" / "extraction" / "html").glob("*.gz"))
        ]
    texts = [t for t in texts if t.strip()]
    if sum(len(t) for t in texts) < 100_000:
        raise SystemExit(f"bench/search.py needs the news texts in {SHARED}/samples, /conformance")
    return texts


class Chain:
    """A bigram chain over whitespace tokens; a sentence ends with the token None."""

    def __init__(self, texts: list[str], rng: Random) -> None:
        self.rng = rng
        self.starts: list[str] = []
        self.next: dict[str, list[str | None]] = {}
        for text in texts:
            for paragraph in text.split("\n"):
                for sentence in _SENTENCE_END.split(paragraph.strip()):
                    tokens = sentence.split()
                    if len(tokens) < 4 or not tokens[-1].endswith((".", "?", "!", '"', "”")):
                        continue
                    self.starts.append(tokens[0])
                    for a, b in zip(tokens, [*tokens[1:], None], strict=True):
                        self.next.setdefault(a, []).append(b)

    def sentence(self, max_tokens: int = 40) -> list[str]:
        choice = self.rng.choice
        word: str | None = choice(self.starts)
        out: list[str] = []
        while word is not None and len(out) < max_tokens:
            out.append(word)
            word = choice(self.next[word])
        if not out[-1].endswith((".", "?", "!", '"', "”")):
            out[-1] = out[-1].rstrip(",;:") + "."
        return out


def _templated(tokens: list[str], rng: Random) -> str:
    """Turn some proper nouns and numbers into slots, so each article gets its own."""
    out = [tokens[0]]
    for token in tokens[1:]:
        if (m := _PROPER.match(token)) and rng.random() < 0.5:
            out.append(NAME_SLOT + m.group(2))
        elif m := _NUMBER.match(token):
            out.append(NUMBER_SLOT + m.group(2))
        else:
            out.append(token)
    return " ".join(out)


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
            self.pool.append((_templated(tokens, rng), len(tokens)))
        self.entities = entities  # (id, surface), in Zipf order
        self.entity_cw = _zipf_cumulative(len(entities), 1.0)
        self.rare = list(
            dict.fromkeys(
                "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
                for _ in range(150_000)
            )
        )
        self.rare_cw = _zipf_cumulative(len(self.rare), 0.9)
        self.key_ids = key_ids
        self.topics = {
            name: (
                [self._with_mentions(text) for _, text in templates],
                _cumulative([w for w, _ in templates]),
            )
            for name, templates in (("ukraine", UKRAINE), ("korea", KOREA))
        }
        self.reporters = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(400)]
        self.site_cw = {
            "en": ([s for s, _ in SITES], _cumulative([w for _, w in SITES])),
            "ru": ([s for s, _ in RU_SITES], _cumulative([w for _, w in RU_SITES])),
            "el": ([s for s, _ in EL_SITES], _cumulative([w for _, w in EL_SITES])),
        }
        self.ru_cw = _zipf_cumulative(len(RUSSIAN), 0.8)
        self.el_cw = _zipf_cumulative(len(GREEK), 0.8)
        self.user_ids = [users[u] for u in USERS]
        self.user_cw = _cumulative(USER_WEIGHTS)
        self.groups_of = groups_of
        self.everyone = everyone
        self.color_names = list(COLORS)
        self.color_cw = _cumulative(list(COLORS.values()))
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
        slug = _SLUG.sub("-", title.lower()).strip("-")[:60] or "story"
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
