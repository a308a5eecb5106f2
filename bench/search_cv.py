"""导办 classifier: cross-validation on the training files only (never the evaluation part).

Run: .venv/bin/python bench/search_cv.py [--grid]
Loads the shipped guides into a throwaway SQLite database (as search_bench.py does), then judges the
whole search (classifier blended with BM25, as search() does) on held-out training questions:
- across writers: train on one writer's file, test on the other's (the honest proxy for a writer
  the model has never seen);
- 5-fold over both files together, grouped: a writer's run of consecutive questions about one item
  (likely paraphrases of each other) stays in one fold.
With --grid, tries the n-gram ranges, C and blend weights listed below and prints each; without,
only the shipped settings. The evaluation part (tests/catalog/questions_eval.json) is not read.
"""
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = tempfile.mkdtemp(prefix="yibao-search-cv-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/cv.sqlite3"
os.environ["YIBAO_VAR_DIR"] = TMP
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

FOLDS = 5
RUN = 5  # consecutive questions of one writer about one item form one group


def groups_of(source, questions):
    """Group ids: runs of up to RUN consecutive questions with the same answer."""
    groups, run, previous = [], 0, None
    for i, (_, codes) in enumerate(questions):
        if codes != previous or run >= RUN:
            run, previous = 0, codes
            groups.append(f"{source}:{i}")
        else:
            groups.append(groups[-1])
        run += 1
    return groups


def main():
    grid = "--grid" in sys.argv
    call_command("migrate", verbosity=0)
    from yibao.catalog.guides.importer import load_defaults

    load_defaults()
    from yibao.catalog import search as engine
    from yibao.catalog import search_model
    from yibao.catalog.codes import ITEM_CODES

    index = engine.index()
    words_cache = {}

    def words(text):
        if text not in words_cache:
            words_cache[text] = engine._concept_words(engine.query_terms(text))
        return words_cache[text]

    sources = {path.stem: search_model.training_questions(path) for path in search_model.TRAIN_FILES}
    names = [(name, c.code, search_model.NAME_WEIGHT) for c in ITEM_CODES for name in (c.name, *c.synonyms)]
    prepared = {}

    def prepare(question):
        if question not in prepared:
            text = search_model.normalize(question)[:engine.MAX_QUESTION]
            terms = engine.query_terms(text)
            prepared[question] = (text, terms, engine._concept_words(terms))
        return prepared[question]

    def score(model, test, blends):
        """{blend: (top-1 hits, top-3 hits)} of the search on `test`."""
        hits = {b: [0, 0] for b in blends}
        for question, expected in test:
            text, terms, concept_words = prepare(question)
            if not terms and not model.known(text):
                continue
            probabilities = model.probabilities(text, concept_words)
            for b in blends:
                codes = [hit["code"] for hit in index.rank(terms, limit=3, probabilities=probabilities, blend=b)]
                hits[b][0] += bool(codes) and codes[0] in expected
                hits[b][1] += any(code in expected for code in codes)
        return hits

    def fit(train, c, ngrams):
        samples = [(q, code, 1.0) for q, codes in train for code in codes] + names
        return search_model.Classifier(samples, words, c=c, ngrams=ngrams)

    # Folds over both files, grouped.
    from sklearn.model_selection import GroupKFold

    everything, groups = [], []
    for source, questions in sources.items():
        everything += questions
        groups += groups_of(source, questions)
    folds = list(GroupKFold(n_splits=FOLDS).split(everything, groups=groups))

    if grid:
        settings = list(itertools.product((10.0, 30.0, 100.0), ((1, 3), (1, 4))))
        blends = (0.0, 0.15, 0.3, 0.45, 0.6)
    else:
        settings = [(search_model.C, search_model.NGRAMS)]
        blends = (engine.BLEND,)
    (first, train1), (second, train2) = sources.items()
    print(f"training files: {first} {len(train1)} questions, {second} {len(train2)}; "
          f"{len(set(groups))} groups in {FOLDS} folds")
    for c, ngrams in settings:
        started = time.perf_counter()
        rows = {}
        for label, train, test in ((f"{first} -> {second}", train1, train2), (f"{second} -> {first}", train2, train1)):
            rows[label] = (score(fit(train, c, ngrams), test, blends), len(test))
        total = {b: [0, 0] for b in blends}
        for train_idx, test_idx in folds:
            hits = score(fit([everything[i] for i in train_idx], c, ngrams), [everything[i] for i in test_idx], blends)
            for b in blends:
                total[b][0] += hits[b][0]
                total[b][1] += hits[b][1]
        rows[f"{FOLDS}-fold grouped, both"] = (total, len(everything))
        elapsed = time.perf_counter() - started
        for b in blends:
            figures = "  ".join(f"{label}: {h[b][0] / n:.3f}/{h[b][1] / n:.3f}" for label, (h, n) in rows.items())
            print(f"C={c:<5} ngrams={ngrams} blend={b:.2f}  top-1/top-3  {figures}", flush=True)
        print(f"  ({elapsed:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
