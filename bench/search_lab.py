"""Scratch lab: classifier-only leave-one-writer-out figures for candidate feature sets and models.
Training files only (never the evaluation set)."""
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

TMP = tempfile.mkdtemp(prefix="yibao-search-lab-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/lab.sqlite3"
os.environ["YIBAO_VAR_DIR"] = TMP
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from scipy.sparse import hstack  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from yibao.catalog import search as engine  # noqa: E402
from yibao.catalog import search_model as sm  # noqa: E402
from yibao.catalog.codes import ITEM_CODES  # noqa: E402

CACHE = Path("/tmp/i15-lab-words.pickle")
words_cache = pickle.loads(CACHE.read_bytes()) if CACHE.exists() else {}


def words(text):
    if text not in words_cache:
        words_cache[text] = engine._concept_words(engine.query_terms(sm.normalize(text)[:200]))
    return words_cache[text]


from pypinyin import lazy_pinyin  # noqa: E402


def pinyin_tokens(text):
    syl = [s for s in lazy_pinyin(text) if s.isalpha() and s.isascii()]
    return syl + [a + "_" + b for a, b in zip(syl, syl[1:])]


def writers():
    w = {name: sm.training_questions(paths) for name, paths in sm.WRITERS.items()}
    return w


NAMES = [(n, c.code, 1.0) for c in ITEM_CODES for n in (c.name, *c.synonyms)]
GUIDE = sm.guide_samples(weight=1.0)


class Model:
    def __init__(self, samples, cfg):
        self.cfg = cfg
        texts = [sm.normalize(t) for t, _, _ in samples]
        y = [c for _, c, _ in samples]
        wts = np.array([w for _, _, w in samples])
        blocks = []
        self.vecs = []
        self.vecs.append(("char", TfidfVectorizer(analyzer="char", ngram_range=cfg.get("ngrams", (1, 3)),
                                                  sublinear_tf=True).fit(texts)))
        if cfg.get("concepts", True):
            self.vecs.append(("words", TfidfVectorizer(analyzer=str.split, sublinear_tf=True, token_pattern=None)
                              .fit([words(t) for t in texts])))
        if cfg.get("pinyin"):
            self.vecs.append(("pinyin", TfidfVectorizer(analyzer=pinyin_tokens, sublinear_tf=True).fit(texts)))
        X = self.transform(texts)
        self.models = []
        for kind in cfg.get("models", ("lr",)):
            if kind == "lr":
                m = LogisticRegression(C=cfg.get("C", 30.0), max_iter=3000).fit(X, y, sample_weight=wts)
            elif kind == "svm":
                m = LinearSVC(C=cfg.get("svmC", 1.0)).fit(X, y, sample_weight=wts)
            self.models.append((kind, m))
        self.classes = list(self.models[0][1].classes_)

    def transform(self, texts):
        parts = []
        for name, v in self.vecs:
            if name == "words":
                parts.append(v.transform([words(t) for t in texts]) * self.cfg.get("wscale", 1.0))
            elif name == "pinyin":
                parts.append(v.transform(texts) * self.cfg.get("pscale", 1.0))
            else:
                parts.append(v.transform(texts))
        return hstack(parts).tocsr()

    def proba(self, texts):
        X = self.transform([sm.normalize(t) for t in texts])
        total = 0
        for kind, m in self.models:
            if kind == "lr":
                p = m.predict_proba(X)
            else:
                d = m.decision_function(X) * self.cfg.get("svmT", 5.0)
                d = np.exp(d - d.max(1, keepdims=True))
                p = d / d.sum(1, keepdims=True)
            total = total + p
        return total / len(self.models)


def evaluate(cfg, train_qs, test_qs, guide_weight=0.5):
    samples = [(q, c, 1.0) for q, codes in train_qs for c in codes] + NAMES
    samples += [(t, c, guide_weight) for t, c, _ in GUIDE]
    m = Model(samples, cfg)
    P = m.proba([q for q, _ in test_qs])
    order = np.argsort(-P, 1)[:, :3]
    t1 = t3 = 0
    for row, (_, exp) in zip(order, test_qs):
        codes = [m.classes[i] for i in row]
        t1 += codes[0] in exp
        t3 += any(c in exp for c in codes)
    return t1 / len(test_qs), t3 / len(test_qs)


def lowo(cfg, w):
    out = {}
    for name in w:
        train = [q for other, qs in w.items() if other != name for q in qs]
        out[name] = evaluate(cfg, train, w[name], cfg.get("guide", 0.5))
    return out


if __name__ == "__main__":
    w = writers()
    configs = eval(sys.argv[1]) if len(sys.argv) > 1 else [{}]
    for cfg in configs:
        started = time.perf_counter()
        r = lowo(cfg, w)
        n = {k: len(v) for k, v in w.items()}
        tot = sum(n.values())
        m1 = sum(r[k][0] * n[k] for k in r) / tot
        m3 = sum(r[k][1] * n[k] for k in r) / tot
        mac1 = sum(r[k][0] for k in r) / len(r)
        mac3 = sum(r[k][1] for k in r) / len(r)
        print(f"{cfg}: " + "  ".join(f"{k}:{a:.3f}/{b:.3f}" for k, (a, b) in r.items())
              + f"  | micro {m1:.3f}/{m3:.3f} macro {mac1:.3f}/{mac3:.3f}  ({time.perf_counter() - started:.0f}s)",
              flush=True)
        CACHE.write_bytes(pickle.dumps(words_cache))


def misses(cfg, w, name, limit=60):
    train = [q for other, qs in w.items() if other != name for q in qs]
    samples = [(q, c, 1.0) for q, codes in train for c in codes] + NAMES
    samples += [(t, c, cfg.get("guide", 0.5)) for t, c, _ in GUIDE]
    m = Model(samples, cfg)
    P = m.proba([q for q, _ in w[name]])
    from collections import Counter
    pairs = Counter()
    for p, (q, exp) in zip(P, w[name]):
        top = [m.classes[i] for i in np.argsort(-p)[:3]]
        if top[0] not in exp:
            pairs[(exp[0], top[0])] += 1
            if limit > 0:
                print(f"{q}  | want {exp} got {top}")
                limit -= 1
    print(pairs.most_common(25))
