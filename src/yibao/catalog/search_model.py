"""The 导办 classifier: questions people asked, learnt, so that a question in words no guide uses
still finds its item.

Trained on search_train.json (the training part of one independent writer's questions; the
evaluation part lives in tests/ and is never used here), search_train2.json (a second writer's
1,000) and on the items' canonical names and
published synonyms (codes.py). Features: character 1–3-grams of the question (robust to typos,
dialect and word boundaries) and the search's own concepts (jieba words plus the guide terms the
synonym table maps everyday words to). A multinomial logistic regression gives P(item | question).
Fitting takes several seconds; it happens on first use and the fitted model is kept in var/ (keyed
by a hash of its inputs), so later processes read it back in tens of milliseconds. Nothing is
fetched. C, the n-gram range and the blend weight (search.BLEND) are chosen by bench/search_cv.py.
"""
import json
import re
import threading
import unicodedata
from pathlib import Path

TRAIN_FILE = Path(__file__).with_name("search_train.json")  # the first writer's training part
# Each file keeps its writer and provenance (its _comment): the first writer's 351, a second
# writer's 1,000 (search_train2.json), so that cross-validation can train on one and test on the other.
TRAIN_FILES = (TRAIN_FILE, Path(__file__).with_name("search_train2.json"))
C = 30.0  # inverse regularisation; chosen by cross-validation on the training files only (bench/search_cv.py)
NGRAMS = (1, 3)  # character n-gram range, chosen the same way
NAME_WEIGHT = 1.0  # an item's canonical name counts as one more question about it


def normalize(text):
    """NFKC, lower case, no spaces, simplified characters (產檢 → 产检)."""
    from zhconv import convert

    return convert(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower(), "zh-cn")


def training_questions(paths=TRAIN_FILES):
    """[(question, [code, ...])] of the shipped training files (or of one file given as a path)."""
    if isinstance(paths, (str, Path)):
        paths = (paths,)
    questions = []
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        questions += [(q["question"], list(q["expected"])) for q in data["questions"]]
    return questions


class Classifier:
    def __init__(self, samples, words, c=None, ngrams=None):
        """`samples`: [(text, code, weight)]; `words(text)` -> the concept words of a text; `c` and
        `ngrams` override C and NGRAMS (cross-validation tries others)."""
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self._words = words
        self.ngrams = tuple(ngrams or NGRAMS)
        self._hstack = hstack
        texts = [normalize(t) for t, _, _ in samples]
        self.chars = TfidfVectorizer(analyzer="char", ngram_range=self.ngrams, sublinear_tf=True).fit(texts)
        self.concepts = TfidfVectorizer(analyzer=str.split, sublinear_tf=True, token_pattern=None).fit(
            [words(t) for t, _, _ in samples]
        )
        matrix = self._features(texts, [words(t) for t, _, _ in samples])
        self.model = LogisticRegression(C=c or C, max_iter=3000).fit(
            matrix, [code for _, code, _ in samples], sample_weight=[w for _, _, w in samples]
        )
        self.codes = list(self.model.classes_)
        # The same arithmetic as vectorizer.transform + predict_proba, done by hand on plain dicts
        # and one dense matrix: sklearn's per-call checks cost ~2 ms, this ~0.1 ms.
        import numpy as np

        self._np = np
        self._char_index = {g: (i, self.chars.idf_[i]) for g, i in self.chars.vocabulary_.items()}
        offset = len(self.chars.vocabulary_)
        self._word_index = {w: (offset + i, self.concepts.idf_[i]) for w, i in self.concepts.vocabulary_.items()}
        self._coef = np.ascontiguousarray(self.model.coef_.T)  # features x classes
        self._intercept = self.model.intercept_

    def __getstate__(self):
        # The concept-word function and the modules are the process's own: attached after loading.
        state = dict(self.__dict__)
        for key in ("_words", "_hstack", "_np"):
            state.pop(key, None)
        return state

    def _attach(self, words):
        import numpy as np
        from scipy.sparse import hstack

        self._words, self._hstack, self._np = words, hstack, np

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._attach(None)

    def _features(self, texts, concept_texts):
        return self._hstack([self.chars.transform(texts), self.concepts.transform(concept_texts)]).tocsr()

    def known(self, text):
        """How many of the question's character bigrams the model has seen: 0 means it knows nothing."""
        grams = {text[i:i + 2] for i in range(len(text) - 1)}
        vocabulary = self.chars.vocabulary_
        return sum(1 for g in grams if g in vocabulary)

    @staticmethod
    def _block(counts, index):
        """{feature: weight} of one tf-idf block: sublinear tf times idf, L2-normalised."""
        import math

        weights = {}
        for key, count in counts.items():
            found = index.get(key)
            if found is not None:
                weights[found[0]] = (1 + math.log(count)) * found[1]
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {k: w / norm for k, w in weights.items()}

    def probabilities(self, question, concept_words):
        """{code: P(code | question)}."""
        from collections import Counter

        text = normalize(question)
        grams = Counter(text[i:i + n] for n in range(self.ngrams[0], self.ngrams[1] + 1) for i in range(len(text) - n + 1))
        features = self._block(grams, self._char_index)
        features.update(self._block(Counter(concept_words.split()), self._word_index))
        scores = self._intercept.copy()
        if features:
            keys = list(features)
            scores += self._np.asarray([features[k] for k in keys]) @ self._coef[keys]
        scores = self._np.exp(scores - scores.max())
        scores /= scores.sum()
        return dict(zip(self.codes, scores.tolist()))

    def probabilities_reference(self, question, concept_words):
        """probabilities() through sklearn itself (slow): the tests check the two agree."""
        text = normalize(question)
        row = self._features([text], [concept_words])
        return dict(zip(self.codes, self.model.predict_proba(row)[0]))


_classifier = None
_lock = threading.Lock()
CACHE_FORMAT = 1


def _cache_path(samples):
    """var/search-model-<hash>.pickle: the hash covers everything the fitted model depends on (the
    samples, the settings, this module, the synonym table behind the concept words, the library
    versions, the search module that cuts concept words), so a changed training file or table is never answered by a stale model."""
    import hashlib

    import jieba
    import sklearn
    from django.conf import settings

    digest = hashlib.sha256()
    for part in (
        json.dumps(samples, ensure_ascii=False),
        repr((CACHE_FORMAT, C, NGRAMS, sklearn.__version__, jieba.__version__)),
        Path(__file__).read_text(encoding="utf-8"),
        Path(__file__).with_name("search.py").read_text(encoding="utf-8"),  # how concept words are cut
        Path(__file__).with_name("search_synonyms.tsv").read_text(encoding="utf-8"),
    ):
        digest.update(part.encode("utf-8"))
    return Path(settings.VAR_DIR) / f"search-model-{digest.hexdigest()[:16]}.pickle"


def _load_or_fit(samples, words):
    """The fitted model from var/ when one for exactly these inputs is there, else fitted now (a few
    seconds) and written there for the next process. The file is ours: written by this function."""
    import os
    import pickle
    import tempfile

    path = _cache_path(samples)
    try:
        with path.open("rb") as f:
            model = pickle.load(f)
        model._attach(words)
        return model
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        pass
    model = Classifier(samples, words)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".search-model-")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the whole new one
        for stale in path.parent.glob("search-model-*.pickle"):
            if stale != path:  # fitted for inputs that have changed since: never read again
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only var/ only costs the next process the fit
    return model


def training_samples():
    """[(text, code, weight)]: the training questions, and each item's canonical name and published
    synonyms as one more question about it."""
    from yibao.catalog.codes import ITEM_CODES

    samples = [(q, code, 1.0) for q, codes in training_questions() for code in codes]
    samples += [(name, c.code, NAME_WEIGHT) for c in ITEM_CODES for name in (c.name, *c.synonyms)]
    return samples


def classifier(words):
    """The classifier, fitted (or read from var/) on first use, once per process."""
    global _classifier
    if _classifier is None:
        with _lock:
            if _classifier is None:
                _classifier = _load_or_fit(training_samples(), words)
    return _classifier
