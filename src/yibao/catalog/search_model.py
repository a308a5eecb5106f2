"""The 导办 classifier: questions people asked, learnt, so that a question in words no guide uses
still finds its item.

Trained on five writers' questions (WRITERS: search_train.json + search_train3.json, one independent
writer's; search_train2.json, a second's; search_train4/5/6.json, three more, each writing from the
guides only), the items' canonical names and published synonyms (codes.py), and the shipped
guides' own words for each item (title, name, service objects, materials, notes: guide_samples()).
The evaluation set (tests/catalog/questions_eval.json, a sixth writer's) is never used here.
Features, three tf-idf blocks: character 1–3-grams of the question (robust to dialect and word
boundaries), the search's own concepts (jieba words plus the guide terms the synonym table maps
everyday words to), and the toneless pinyin of its characters, syllables and pairs of them (a
homophone typo, 报消 for 报销, spells the same syllables). A multinomial logistic regression gives
P(item | question). Fitting takes tens of seconds; it happens on first use and the fitted model is
kept in var/ (keyed by a hash of its inputs), so later processes read it back in tens of
milliseconds. Nothing is fetched. C, the n-gram range, the block weights and the blend weight
(search.BLEND) are chosen by bench/search_cv.py (leave one writer out).
"""
import json
import re
import threading
import unicodedata
from pathlib import Path

TRAIN_FILE = Path(__file__).with_name("search_train.json")  # the first writer's training part
# Each file keeps its writer and provenance (its _comment). WRITERS says whose is which, so that
# cross-validation can train on one writer and test on the other.
WRITERS = {
    "first": (TRAIN_FILE, Path(__file__).with_name("search_train3.json")),
    "second": (Path(__file__).with_name("search_train2.json"),),
    # Three more writers (2026-12-07), each from the guides only, each in a voice of their own
    # (hotline and chat-group colloquial; app search box and 12345 tickets; confusable items).
    "third": (Path(__file__).with_name("search_train4.json"),),
    "fourth": (Path(__file__).with_name("search_train5.json"),),
    "fifth": (Path(__file__).with_name("search_train6.json"),),
    # The first set-aside evaluation set's writer: read twice (0.947/0.983, 0.950/0.981), then
    # retired into training when a new writer's set took its place as the evaluation part.
    "sixth": (Path(__file__).with_name("search_train7.json"),),
    # Two more (2026-12-07): questions asked on someone else's behalf; confusable neighbours.
    "seventh": (Path(__file__).with_name("search_train8.json"),),
    "eighth": (Path(__file__).with_name("search_train9.json"),),
}
TRAIN_FILES = tuple(path for paths in WRITERS.values() for path in paths)
C = 30.0  # inverse regularisation; chosen by cross-validation on the training files only (bench/search_cv.py)
NGRAMS = (1, 3)  # character n-gram range, chosen the same way
NAME_WEIGHT = 1.0  # an item's canonical name counts as one more question about it
GUIDE_WEIGHT = 0.5  # each phrase of the guide's own text about an item: chosen by cross-validation
BALANCED = False  # class-balanced weights (every item weighs the same in the fit): chosen the same way
# The pinyin block: the question's syllables without tones (and pairs of them), so that a homophone
# typo (报消 for 报销, 备按 for 备案) still shares features with the word it stands for. Its weight
# and the concept words' weight scale each L2-normalised block against the characters' (1.0).
PINYIN_WEIGHT = 1.5
WORDS_WEIGHT = 0.7
# A linear SVM fitted on the same features answers beside the logistic regression: the two are
# averaged, the SVM's margins made probabilities by a softmax at SVM_TEMPERATURE. Two models with
# different losses err on different questions (leaving one writer out, top-1 0.969 → 0.972 pooled,
# 0.941 → 0.949 on the hardest writer). SVM_C = 0 leaves the regression alone.
SVM_C = 1.0
SVM_TEMPERATURE = 5.0


def normalize(text):
    """NFKC, lower case, no spaces, simplified characters (產檢 → 产检)."""
    from zhconv import convert

    return convert(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower(), "zh-cn")


def pinyin_tokens(text):
    """The toneless syllables of the Chinese characters of `text`, and each adjacent pair of them
    (a pair stands for a two-character word whatever characters spell it). Other characters
    (letters, digits, punctuation) are left to the character n-grams."""
    from pypinyin import lazy_pinyin

    syllables = [s for s in lazy_pinyin(text) if s.isascii() and s.isalpha()]
    return syllables + [f"{a}_{b}" for a, b in zip(syllables, syllables[1:])]


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
    def __init__(self, samples, words, c=None, ngrams=None, balanced=None, pinyin_weight=None, words_weight=None,
                 svm_c=None):
        """`samples`: [(text, code, weight)]; `words(text)` -> the concept words of a text; `c`,
        `ngrams`, `balanced`, `pinyin_weight`, `words_weight` and `svm_c` override C, NGRAMS,
        BALANCED, PINYIN_WEIGHT, WORDS_WEIGHT and SVM_C (cross-validation tries others)."""
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        self._words = words
        self.ngrams = tuple(ngrams or NGRAMS)
        self._hstack = hstack
        texts = [normalize(t) for t, _, _ in samples]
        self.chars = TfidfVectorizer(analyzer="char", ngram_range=self.ngrams, sublinear_tf=True).fit(texts)
        self.concepts = TfidfVectorizer(analyzer=str.split, sublinear_tf=True, token_pattern=None).fit(
            [words(t) for t, _, _ in samples]
        )
        self.pinyin = TfidfVectorizer(analyzer=pinyin_tokens, sublinear_tf=True).fit(texts)
        self.weights = (  # characters, concept words, pinyin
            1.0,
            WORDS_WEIGHT if words_weight is None else words_weight,
            PINYIN_WEIGHT if pinyin_weight is None else pinyin_weight,
        )
        matrix = self._features(texts, [words(t) for t, _, _ in samples])
        balanced = BALANCED if balanced is None else balanced
        labels, sample_weights = [code for _, code, _ in samples], [w for _, _, w in samples]
        self.model = LogisticRegression(C=c or C, max_iter=3000, class_weight="balanced" if balanced else None).fit(
            matrix, labels, sample_weight=sample_weights
        )
        self.codes = list(self.model.classes_)
        svm_c = SVM_C if svm_c is None else svm_c
        self.svm = None
        if svm_c:
            self.svm = LinearSVC(C=svm_c, class_weight="balanced" if balanced else None).fit(
                matrix, labels, sample_weight=sample_weights
            )
            assert list(self.svm.classes_) == self.codes
        # The same arithmetic as vectorizer.transform + predict_proba, done by hand on plain dicts
        # and one dense matrix: sklearn's per-call checks cost ~2 ms, this ~0.1 ms.
        import numpy as np

        self._np = np
        self._char_index = {g: (i, self.chars.idf_[i]) for g, i in self.chars.vocabulary_.items()}
        offset = len(self.chars.vocabulary_)
        self._word_index = {w: (offset + i, self.concepts.idf_[i]) for w, i in self.concepts.vocabulary_.items()}
        offset += len(self.concepts.vocabulary_)
        self._pinyin_index = {s: (offset + i, self.pinyin.idf_[i]) for s, i in self.pinyin.vocabulary_.items()}
        # features x classes: the regression's columns, then (with the SVM) the SVM's, scaled by the
        # temperature, so that one product gives both models' scores.
        coef, intercept = [self.model.coef_], [self.model.intercept_]
        if self.svm is not None:
            coef.append(self.svm.coef_ * SVM_TEMPERATURE)
            intercept.append(self.svm.intercept_ * SVM_TEMPERATURE)
        self._coef = np.ascontiguousarray(np.vstack(coef).T)
        self._intercept = np.concatenate(intercept)

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
        chars, words, pinyin = self.weights
        return self._hstack([
            self.chars.transform(texts) * chars,
            self.concepts.transform(concept_texts) * words,
            self.pinyin.transform(texts) * pinyin,
        ]).tocsr()

    def known(self, text):
        """How many of the question's character bigrams the model has seen: 0 means it knows nothing."""
        grams = {text[i:i + 2] for i in range(len(text) - 1)}
        vocabulary = self.chars.vocabulary_
        return sum(1 for g in grams if g in vocabulary)

    @staticmethod
    def _block(counts, index, scale=1.0):
        """{feature: weight} of one tf-idf block: sublinear tf times idf, L2-normalised, times `scale`."""
        import math

        weights = {}
        for key, count in counts.items():
            found = index.get(key)
            if found is not None:
                weights[found[0]] = (1 + math.log(count)) * found[1]
        norm = (math.sqrt(sum(w * w for w in weights.values())) or 1.0) / scale
        return {k: w / norm for k, w in weights.items()}

    def probabilities(self, question, concept_words):
        """{code: P(code | question)}."""
        from collections import Counter

        text = normalize(question)
        grams = Counter(text[i:i + n] for n in range(self.ngrams[0], self.ngrams[1] + 1) for i in range(len(text) - n + 1))
        chars, words, pinyin = self.weights
        features = self._block(grams, self._char_index, chars)
        features.update(self._block(Counter(concept_words.split()), self._word_index, words))
        features.update(self._block(Counter(pinyin_tokens(text)), self._pinyin_index, pinyin))
        scores = self._intercept.copy()
        if features:
            keys = list(features)
            scores += self._np.asarray([features[k] for k in keys]) @ self._coef[keys]
        return dict(zip(self.codes, self._mean_softmax(scores.reshape(-1, len(self.codes))).tolist()))

    def _mean_softmax(self, scores):
        """The mean over the models (rows of `scores`) of each one's softmax."""
        np = self._np
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return (scores / scores.sum(axis=1, keepdims=True)).mean(axis=0)

    def probabilities_reference(self, question, concept_words):
        """probabilities() through sklearn itself (slow): the tests check the two agree."""
        text = normalize(question)
        row = self._features([text], [concept_words])
        scores = [self.model.decision_function(row)[0]]
        if self.svm is not None:
            scores.append(self.svm.decision_function(row)[0] * SVM_TEMPERATURE)
        return dict(zip(self.codes, self._mean_softmax(self._np.asarray(scores)).tolist()))


_classifier = None
_lock = threading.Lock()
CACHE_FORMAT = 1


def seed_files():
    """The shipped guides (seeds/manifest.json order): their words are training samples too."""
    from yibao.catalog.guides.importer import manifest, seed_dir

    return [seed_dir() / guide["file"] for guide in manifest()["guides"]]


SHARED_LIMIT = 2  # a guide phrase found under more items than this is not a sample
_SENTENCE = re.compile(r"[。；;！!？?\n]+")


def guide_samples(paths=None, weight=None):
    """[(text, code, weight)]: what the shipped guides themselves say about each item (its heading,
    its 事项名称, the service objects, each material's name and each sentence of the notes), once
    per distinct (text, code). These are the guide's words, not questions: they teach the model
    the vocabulary of items that the question writers rarely used. Parsed from the seed files
    (no database): the fit does not depend on what an administrator has loaded since."""
    from yibao.catalog.codes import BY_CODE
    from yibao.catalog.guides.importer import read_file

    weight = GUIDE_WEIGHT if weight is None else weight
    found = {}
    for path in paths or seed_files():
        for item in read_file(path).items:
            if item.code not in BY_CODE:  # an item the parser could not name teaches nothing
                continue
            notes = item.notes if isinstance(item.notes, (list, tuple)) else [item.notes]
            phrases = [item.title, item.name, item.service_objects, *(m.name for m in item.materials)]
            phrases += [part for note in notes for part in _SENTENCE.split(str(note or ""))]
            for phrase in phrases:
                phrase = (phrase or "").strip(" 。；;，,.:：")
                if len(phrase) >= 2:
                    found.setdefault((phrase, item.code), weight)
    # A phrase several items share (身份证, 通过经办窗口办理的可现场评价) says nothing about which.
    codes_of = {}
    for text, code in found:
        codes_of.setdefault(text, set()).add(code)
    return [(text, code, w) for (text, code), w in found.items() if len(codes_of[text]) <= SHARED_LIMIT]


def _cache_path(samples):
    """var/search-model-<hash>.pickle: the hash covers everything the fitted model depends on (the
    samples, the shipped guides whose words are added at fit time, the settings, this module, the synonym table behind the concept words, the library
    versions, the search module that cuts concept words), so a changed training file or table is never answered by a stale model."""
    import hashlib

    import jieba
    import pypinyin
    import sklearn
    from django.conf import settings

    digest = hashlib.sha256()
    for part in (
        json.dumps(samples, ensure_ascii=False),
        repr((CACHE_FORMAT, C, NGRAMS, GUIDE_WEIGHT, BALANCED, PINYIN_WEIGHT, WORDS_WEIGHT, SVM_C, SVM_TEMPERATURE,
              sklearn.__version__,
              jieba.__version__, pypinyin.__version__)),
        *(path.read_bytes().decode("utf-8", "replace") for path in seed_files()),  # guide_samples()' source
        Path(__file__).read_text(encoding="utf-8"),
        Path(__file__).with_name("search.py").read_text(encoding="utf-8"),  # how concept words are cut
        Path(__file__).with_name("search_synonyms.tsv").read_text(encoding="utf-8"),
    ):
        digest.update(part.encode("utf-8"))
    return Path(settings.VAR_DIR) / f"search-model-{digest.hexdigest()[:16]}.pickle"


def _load_or_fit(samples, words):
    """The fitted model from var/ when one for exactly these inputs is there, else fitted now (a few
    seconds) and written there for the next process. The guides' own words (guide_samples()) are
    added here, at fit time only: reading a fitted model back does not parse the guides. The file is ours: written by this function."""
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
    model = Classifier(samples + guide_samples(), words)
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
