"""导办: a plain question ("退休后去海南养老，看病怎么办") in, the service items that answer it out.

How it works, in order:
- the question is normalised (NFKC, lower case, no spaces) and cut into words with jieba; guide
  terms (慢特病, 灵活就业, 异地就医 …) are in jieba's dictionary so they stay whole. Each word is a
  *concept* matched by itself or, at less weight, by the shorter words inside it;
- everyday phrases found in it add the guide terms they mean, from search_synonyms.tsv
  (生孩子 → 生育, 医保卡里的钱 → 个人账户 …); words that only say who or where weigh less;
- each item of the in-force guides is scored with BM25 per field (title, service objects,
  materials, notes), summed with hand-tuned field weights (the title counts most), each concept
  counting once, and scaled by the share of the question's concepts the item answers;
- results are collapsed by item code, best first.

Collapsing: a citizen who names no region wants to know *which service* answers the question;
the same item listed once per region would push the second-best service out of sight. So each
code appears once, represented by its best-scoring item, with `regions` listing every region
whose edition matched. With a region, only that region's in-force items are searched.

The index is built once per process from the database and rebuilt when the set of in-force
guides changes (keyed on their ids, content hashes and effective dates) or a service item is
saved or deleted in this process (admin edits). Which guides are in force is worked out from
the guides' rows, kept in memory: forgotten when a guide or item is saved or deleted here,
re-read every YIBAO_SEARCH_RECHECK_SECONDS for changes made by other processes, so a warm search
asks the database nothing.
"""
import logging
import math
import re
import threading
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from yibao.catalog.codes import BY_CODE
from yibao.catalog.models import Guide, ServiceItem

SYNONYMS_FILE = Path(__file__).with_name("search_synonyms.tsv")

# Hand-tuned on tests/catalog/search_questions.json (bench/search_bench.py prints the figures);
# accuracy is flat around these values, so they are round numbers rather than a fitted optimum.
FIELD_WEIGHTS = {"title": 3.0, "objects": 1.0, "materials": 0.5, "notes": 0.5}
K1 = 1.2  # BM25 term-frequency saturation
B = 0.75  # BM25 length normalisation
COORD = 0.5  # exponent of the share of concepts answered: 0 ignores it, 1 is Lucene's coord
SUBWORD_WEIGHT = 0.6  # 生育 inside 计划生育 matters, but less than 计划生育 itself
# The blend with the classifier (search_model.py), chosen by cross-validation on the training
# questions only: the classifier's probability counts 1 - BLEND, BM25 (saturated, so that a weak
# match on one word cannot outweigh a confident classifier) counts BLEND. With five writers'
# questions, leaving one writer out, the share hardly matters (top-1/top-3 pooled over 3,930
# questions: 0.972/0.997 at 0 and at 0.05, 0.972/0.996 at 0.1); it stays at 0.05, where the
# guide's own words still order the codes the classifier leaves level (bench/search_cv.py).
BLEND = 0.05
BM25_HALF = 5.0  # the BM25 score that counts half
MIN_PROBABILITY = 0.05  # below this, a code the guide's words do not match is not listed
MIN_CONFIDENCE = 0.2  # a question no guide word matches is answered only this surely (else: nothing)

# Words that carry no meaning for finding an item. Single characters are dropped anyway.
STOPWORDS = frozenset(
    """怎么 怎么办 怎样 怎么样 如何 什么 哪些 哪里 哪儿 去哪 可以 能否 能不能 是否 需要 要不要 请问 我们 你们
    他们 自己 这个 那个 一下 现在 时候 已经 应该 还能 还要 想要 以后 之后 的话 没有 一个 进行 相关 有关
    手续 办理 或者 以及 如果 等等 问题""".split()
)
MAX_QUESTION = 200  # longer input is cut: a question is a sentence, not a document
_WORD = re.compile(r"[\u4e00-\u9fff0-9a-z]")


@dataclass(frozen=True)
class Vocabulary:
    terms: tuple  # guide terms kept whole by the tokenizer
    synonyms: tuple  # (everyday phrase, (guide term, ...), weight), longest phrase first


@cache
def vocabulary():
    terms, synonyms = [], []
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        phrase, _, rest = line.partition("\t")
        expansion, _, weight = rest.partition("\t")
        phrase = normalize(phrase)
        expansion = tuple(normalize(t) for t in expansion.split())
        if expansion:
            synonyms.append((phrase, expansion, float(weight or 1.0)))
            terms.extend(expansion)
        else:
            terms.append(phrase)
    synonyms.sort(key=lambda s: -len(s[0]))
    return Vocabulary(tuple(dict.fromkeys(terms)), tuple(synonyms))


_tokenizer = None
_lock = threading.RLock()  # index() builds under it and may load jieba, which takes it too


def _jieba():
    """jieba's tokenizer with our guide terms, loaded on first use (loading takes about a second)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for term in vocabulary().terms:
                    if len(term) > 1:
                        tokenizer.add_word(term)
                _tokenizer = tokenizer
    return _tokenizer


def normalize(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


def _searchable(token):
    return len(token) > 1 and _WORD.search(token) and token not in STOPWORDS


def tokens(text):
    """The indexed words of `text`: jieba's search-mode cut (零售药店 gives 零售, 药店 and
    零售药店), without stopwords and single characters (的, 或, 及 … would only add noise)."""
    return [t for t in _jieba().lcut_for_search(normalize(text)) if _searchable(t)]


def _concept(word, weight):
    """{form: weight} for one word: the word itself, and the shorter words inside it at less
    weight (计划生育 should find 计划生育 first, and 生育 only as a fallback)."""
    return {
        t: weight if t == word else weight * SUBWORD_WEIGHT
        for t in _jieba().lcut_for_search(word)
        if _searchable(t)
    }


def concepts(text, weight=1.0):
    """The words of `text` (precise cut) as concepts, {word: {form: weight}}. A concept counts once
    in a score, by whichever of its forms matches best."""
    found = {}
    for word in _jieba().lcut(normalize(text)):
        forms = _concept(word, weight)
        if forms:
            found[word] = forms
    return found


def _merge(groups, forms):
    """Add `forms` to the group it overlaps (零售药店 and 定点零售药店 are one concept), or as new."""
    for group in groups:
        if group.keys() & forms.keys():
            for t, w in forms.items():
                group[t] = max(group.get(t, 0.0), w)
            return
    groups.append(dict(forms))


def query_terms(question):
    """The concepts of a question, as [{term: weight}]: its own words plus the guide terms its
    everyday words mean (search_synonyms.tsv)."""
    text = normalize(question)
    typed = concepts(text)
    expanded = []
    rest = text
    for phrase, expansion, weight in vocabulary().synonyms:
        if phrase not in rest:
            continue
        # Consume the phrase so that a shorter phrase inside it (卡里的钱 in 医保卡里的钱)
        # does not count the same words twice.
        rest = rest.replace(phrase, "|")
        if weight < 1:  # a word that only says who or where weighs less, typed or expanded
            for word in concepts(phrase):
                if word in typed:
                    typed[word] = {t: min(w, weight) for t, w in typed[word].items()}
        line = []
        for term in expansion:
            for forms in concepts(term, weight).values():
                _merge(line, forms)
        expanded.extend(line)
    # A term belongs to the first concept that names it: 定点 typed by the person is not counted
    # again inside the expansion 定点零售药店.
    claimed, result = set(), []
    for group in [*typed.values(), *expanded]:
        own = {t: w for t, w in group.items() if t not in claimed}
        claimed.update(own)
        if own:
            result.append(own)
    return result


@dataclass(frozen=True)
class _Doc:
    item_id: int
    guide_id: int
    code: str
    title: str
    group: str
    region_code: str
    region_name: str
    region_order: tuple


def _notes_text(notes):
    if isinstance(notes, dict):
        notes = list(notes.values())
    if isinstance(notes, (list, tuple)):
        return "\n".join(_notes_text(n) for n in notes)
    return str(notes or "")


def _fields(item):
    canonical = BY_CODE[item.code].name if item.code in BY_CODE else ""
    titles = dict.fromkeys(t for t in (item.name, item.title, canonical) if t)
    return {
        "title": " ".join(titles),
        "objects": item.service_objects,
        "materials": item.materials_text,
        "notes": _notes_text(item.notes),
    }


class _Index:
    def __init__(self, key, items):
        self.key = key
        self.docs = []
        field_tokens = []  # per doc: {field: [token, ...]}
        for item in items:
            region = item.guide.region
            self.docs.append(
                _Doc(
                    item_id=item.pk,
                    guide_id=item.guide_id,
                    code=item.code,
                    title=item.display_title,
                    group=item.group,
                    region_code=region.code,
                    region_name=region.name,
                    region_order=(region.sort_order, region.code),
                )
            )
            field_tokens.append({f: tokens(text) for f, text in _fields(item).items()})

        n = len(self.docs)
        df = defaultdict(int)
        for fields in field_tokens:
            for t in set().union(*fields.values()):
                df[t] += 1
        avg_len = {f: (sum(len(d[f]) for d in field_tokens) / n if n else 0) or 1 for f in FIELD_WEIGHTS}

        # term -> [(doc index, score of one occurrence of the term in the question)]
        postings = defaultdict(list)
        for i, fields in enumerate(field_tokens):
            contribution = defaultdict(float)
            for f, toks in fields.items():
                counts = defaultdict(int)
                for t in toks:
                    counts[t] += 1
                norm = 1 - B + B * len(toks) / avg_len[f]
                for t, tf in counts.items():
                    contribution[t] += FIELD_WEIGHTS[f] * tf * (K1 + 1) / (tf + K1 * norm)
            for t, s in contribution.items():
                idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                postings[t].append((i, s * idf))
        self.postings = dict(postings)
        # code -> doc indices in region order, and the regions whose guide in force offers it
        self.docs_by_code = defaultdict(list)
        for i in sorted(range(n), key=lambda i: (self.docs[i].region_order, self.docs[i].item_id)):
            self.docs_by_code[self.docs[i].code].append(i)
        self.regions_by_code = {
            code: list(dict.fromkeys(self.docs[i].region_code for i in found))
            for code, found in self.docs_by_code.items()
        }

    def rank(self, terms, region=None, limit=10, probabilities=None, blend=None):
        """Items for the question's concepts `terms`, one per code, best first. With the
        classifier's `probabilities` ({code: P}), each code scores the blend
        (1 - BLEND) * P + BLEND * bm25 / (bm25 + BM25_HALF); without, BM25 alone. `blend`
        overrides BLEND (cross-validation tries others)."""
        blend = BLEND if blend is None else blend
        scores, covered = defaultdict(float), defaultdict(float)
        total = sum(max(group.values()) for group in terms) if terms else 0
        for group in terms:
            best = {}
            for term, weight in group.items():
                for i, s in self.postings.get(term, ()):
                    if weight * s > best.get(i, 0.0):
                        best[i] = weight * s
            for i, s in best.items():
                scores[i] += s
                covered[i] += max(group.values())
        # An item that answers more of the question's concepts beats one that answers a single
        # concept strongly (Lucene's "coord" factor).
        for i in scores:
            scores[i] *= (covered[i] / total) ** COORD
        # The best-scoring item of each code (in `region` when given) represents the code.
        best_doc = {}
        for i, s in scores.items():
            doc = self.docs[i]
            if s <= 0 or (region is not None and doc.region_code != region):
                continue
            current = best_doc.get(doc.code)
            if current is None or (-s, doc.region_order, doc.item_id) < (-current[0], current[1].region_order,
                                                                           current[1].item_id):
                best_doc[doc.code] = (s, doc)
        combined = {code: s for code, (s, _) in best_doc.items()}
        if probabilities is not None and not best_doc and max(probabilities.values(), default=0) < MIN_CONFIDENCE:
            # No guide word matches: the classifier alone answers only when it is sure.
            return []
        if probabilities is not None:
            bm25 = combined
            combined = {}
            for code in self.regions_by_code:
                p = probabilities.get(code, 0.0)
                s = bm25.get(code, 0.0)
                if s <= 0 and p < MIN_PROBABILITY:
                    continue
                doc = best_doc[code][1] if code in best_doc else self.first_doc(code, region)
                if doc is None:
                    continue
                best_doc.setdefault(code, (0.0, doc))
                combined[code] = (1 - blend) * p + blend * s / (s + BM25_HALF)
        ranked = sorted(combined, key=lambda c: (-combined[c], best_doc[c][1].region_order, best_doc[c][1].item_id))
        results = []
        for code in ranked[:limit]:
            doc = best_doc[code][1]
            results.append({
                "code": doc.code,
                "title": doc.title,  # the region's own words
                "region": doc.region_code,
                "region_name": doc.region_name,
                "item_id": doc.item_id,
                "guide_id": doc.guide_id,
                "group": doc.group,
                "score": round(combined[code], 3),
                "regions": [region] if region is not None else list(self.regions_by_code[code]),
            })
        return results

    def first_doc(self, code, region=None):
        """The item of `code` in `region` (or in the first region offering it), or None."""
        for i in self.docs_by_code.get(code, ()):
            if region is None or self.docs[i].region_code == region:
                return self.docs[i]
        return None


_index = None
_editions = None  # (read at, [(region id, effective from, guide id, content hash)]) of every guide


def _edition_rows():
    """Every guide's (region, effective date, id, content hash): what decides which edition is in
    force on a given day. These never change while an edition stays as loaded, so they are read
    once and kept: forgotten when a guide is saved or deleted in this process (signals below), and
    re-read every YIBAO_SEARCH_RECHECK_SECONDS so that a guide loaded by another process (the
    `yibao catalog` command beside a running server) is seen too. Reading them on every search was
    most of a search's time (one query, ~1–2 ms)."""
    global _editions
    now = time.monotonic()
    current = _editions
    if current is not None and now - current[0] < settings.YIBAO_SEARCH_RECHECK_SECONDS:
        return current[1]
    rows = list(Guide.objects.values_list("region_id", "effective_from", "id", "content_hash"))
    _editions = (now, rows)
    return rows


def in_force_choice(rows, today):
    """(id, content hash, effective date) of each region's guide in force on `today`, sorted: the
    same choice as GuideQuerySet.in_force (latest effective date not after today, ties to the later
    import). A pure function of the rows and the day, so a future edition comes into force at
    midnight without anything being invalidated."""
    chosen = {}
    for region_id, effective_from, guide_id, content_hash in rows:
        if effective_from is None or effective_from > today:
            continue
        best = chosen.get(region_id)
        if best is None or (effective_from, guide_id) > (best[2], best[0]):
            chosen[region_id] = (guide_id, content_hash, effective_from)
    return tuple(sorted(chosen.values()))


def _in_force_key():
    """The index's key: the guides in force today (no query while the edition rows are kept)."""
    return in_force_choice(_edition_rows(), timezone.localdate())


def index():
    """The search index for the guides in force now, built if they changed since the last build."""
    global _index
    key = _in_force_key()
    current = _index
    if current is not None and current.key == key:
        return current
    with _lock:
        if _index is None or _index.key != key:
            items = (
                ServiceItem.objects.filter(guide_id__in=[g[0] for g in key])
                .select_related("guide__region")
                .defer("fields", "guide__raw_text", "guide__report")
                .order_by("guide_id", "ordinal")
            )
            _index = _Index(key, list(items))
        return _index


def invalidate(**kwargs):
    """Forget the index and the edition rows: the next search re-reads and rebuilds them."""
    global _index, _editions
    _index = None
    _editions = None


def _changed(**kwargs):
    # Forget now, and again when the change commits: a search that ran inside the writing
    # transaction (or between the save and the commit) must not keep what it saw then.
    invalidate()
    transaction.on_commit(invalidate, using=kwargs.get("using"))


post_save.connect(_changed, sender=ServiceItem, dispatch_uid="catalog-search-item-saved")
post_delete.connect(_changed, sender=ServiceItem, dispatch_uid="catalog-search-item-deleted")
post_save.connect(_changed, sender=Guide, dispatch_uid="catalog-search-guide-saved")
post_delete.connect(_changed, sender=Guide, dispatch_uid="catalog-search-guide-deleted")


def _concept_words(terms):
    return " ".join(term for group in terms for term in group)


def search(question, region=None, limit=None):
    """The items that answer `question`, best first: a list of dicts with code, title (the
    region's own words), region, region_name, item_id, guide_id, group, score and regions (every
    region whose guide in force offers the item). One entry per item code. `region` (a region
    code) restricts the search to that region's in-force guide. Empty or meaningless input gives
    an empty list."""
    from yibao.catalog import search_model

    if not isinstance(question, str) or not normalize(question):
        return []
    limit = settings.YIBAO_SEARCH_LIMIT if limit is None else limit
    if limit < 1:
        return []
    question = search_model.normalize(question)[:MAX_QUESTION]
    terms = query_terms(question)
    model = search_model.classifier(lambda text: _concept_words(query_terms(text)))
    if not terms and not model.known(question):
        return []
    probabilities = model.probabilities(question, _concept_words(terms))
    return index().rank(terms, region=region, limit=limit, probabilities=probabilities)
