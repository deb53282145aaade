"""The words of the search benchmark's corpus; `searchcorpus` writes articles from them.

- Vocabulary: a bigram chain trained at run time on the real English news in SHARED (the
  texts in samples/ and the ground-truth bodies in conformance/extraction). That text is
  read, never copied into the repository. Proper nouns and numbers in generated sentences
  are replaced per article (entity names, a long tail of invented rare names, fresh
  numbers), so the lexicon keeps growing with the corpus as a real one does.
- The issue's query terms come from topic sentences written here, at chosen rates: ~4% of
  articles on the war in Ukraine (Putin in most, "victory plan" in a few), ~1% on North
  Korea (Pyongyang, North Korean troops), ~5% with one passing sentence on either; 3% of
  articles are Russian and 1% Greek, from small vocabularies of our own.
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from common import SHARED

if TYPE_CHECKING:
    from random import Random

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
SLUG = re.compile(r"[^a-z0-9]+")


def zipf_cumulative(n: int, s: float = 1.0) -> list[float]:
    total, out = 0.0, []
    for rank in range(1, n + 1):
        total += 1 / rank**s
        out.append(total)
    return out


def cumulative(weights: list[float]) -> list[float]:
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


def templated(tokens: list[str], rng: Random) -> str:
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
