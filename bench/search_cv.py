"""导办 classifier: cross-validation on the training files only (never the evaluation set).

Run: .venv/bin/python bench/search_cv.py [--grid] [--kfold]
Loads the shipped guides into a throwaway SQLite database (as search_bench.py does), then judges the
whole search (classifier blended with BM25, as search() does) on held-out training questions:
- leave one writer out (search_model.WRITERS): for each writer, train on all the others' files and
  test on that writer's (the honest proxy for a writer the model has never seen, as the evaluation
  set's writer is); printed per writer, pooled over all questions ("all") and averaged over writers
  ("mean");
- with --kfold, also 5-fold over all files together, stratified by item and grouped: a writer's run
  of consecutive questions about one item (likely paraphrases of each other) stays in one fold.
Every fit also learns the items' names and the guides' own words (as the shipped fit does), which
are never test questions. With --grid, tries the settings listed below and prints each; without,
only the shipped settings (with the shipped blend, 0 and 0.1). The evaluation set
(tests/catalog/questions_eval.json) is not read.

Last figures (Dec 7, eight writers, shipped settings, blend 0.05), top-1 / top-3 leaving one writer
out: first 0.985 / 0.998, second 0.947 / 0.990, third 0.983 / 1.000, fourth 0.983 / 0.998, fifth
0.989 / 0.997, sixth 0.947 / 0.978, seventh 0.978 / 1.000, eighth 0.963 / 0.996; pooled 0.972 / 0.996.
"""
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


def settings_to_try(grid, search_model, engine):
    """[(C, ngrams, guide weight, balanced, pinyin weight, words weight, SVM's C)] and the blend
    weights each is scored with."""
    shipped = (search_model.C, search_model.NGRAMS, search_model.GUIDE_WEIGHT, search_model.BALANCED,
               search_model.PINYIN_WEIGHT, search_model.WORDS_WEIGHT, search_model.SVM_C)
    if not grid:  # the shipped settings, with the shipped blend and its neighbours
        return [shipped], tuple(sorted({0.0, engine.BLEND, 0.1}))
    tried = [
        (30.0, (1, 3), 0.5, False, 0.0, 1.0, 0.0),  # the previous session's model (no pinyin, no SVM)
        (30.0, (1, 3), 0.5, False, 1.5, 1.0, 0.0),  # with pinyin
        (30.0, (1, 3), 0.5, False, 2.0, 1.0, 0.0),
        (10.0, (1, 3), 0.5, False, 1.5, 1.0, 0.0),
        (30.0, (1, 3), 0.5, False, 1.5, 0.7, 1.0),  # with pinyin and the SVM beside
        (30.0, (1, 3), 0.5, False, 1.5, 0.7, 0.5),
    ]
    return tried, (0.0, 0.05, 0.1, 0.2)


def main():
    grid = "--grid" in sys.argv[1:]
    kfold = "--kfold" in sys.argv[1:]
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

    writers = {name: search_model.training_questions(paths) for name, paths in search_model.WRITERS.items()}
    names = [(name, c.code, search_model.NAME_WEIGHT) for c in ITEM_CODES for name in (c.name, *c.synonyms)]
    guide_texts = search_model.guide_samples(weight=1.0)
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

    fit_times = []

    def fit(train, c, ngrams, guide_weight, balanced, pinyin_weight, words_weight, svm_c):
        samples = [(q, code, 1.0) for q, codes in train for code in codes] + names
        if guide_weight:
            samples += [(text, code, guide_weight) for text, code, _ in guide_texts]
        started = time.perf_counter()
        model = search_model.Classifier(samples, words, c=c, ngrams=ngrams, balanced=balanced,
                                        pinyin_weight=pinyin_weight, words_weight=words_weight, svm_c=svm_c)
        fit_times.append(time.perf_counter() - started)
        return model

    from sklearn.model_selection import StratifiedGroupKFold

    everything, groups = [], []
    for source, questions in writers.items():
        everything += questions
        groups += groups_of(source, questions)
    labels = [codes[0] for _, codes in everything]
    folds = kfold and list(StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=20261207).split(
        everything, labels, groups=groups))

    tried, blends = settings_to_try(grid, search_model, engine)
    print("training questions: " + ", ".join(f"writer {name} {len(qs)}" for name, qs in writers.items())
          + f"; {len(guide_texts)} guide phrases, {len(names)} names"
          + (f"; {len(set(groups))} groups in {FOLDS} folds" if kfold else ""))
    for setting in tried:
        started = time.perf_counter()
        rows = {}
        for name, test in writers.items():
            train = [q for other, questions in writers.items() if other != name for q in questions]
            rows[f"-> {name}"] = (score(fit(train, *setting), test, blends), len(test))
        pooled = {b: [sum(h[b][0] for h, _ in rows.values()), sum(h[b][1] for h, _ in rows.values())]
                  for b in blends}
        mean = {b: [sum(h[b][k] / n for h, n in rows.values()) / len(rows) for k in (0, 1)] for b in blends}
        rows["all"] = (pooled, sum(n for _, n in rows.values()))
        rows["mean"] = (mean, 1)
        if kfold:
            total = {b: [0, 0] for b in blends}
            for train_idx, test_idx in folds:
                hits = score(fit([everything[i] for i in train_idx], *setting),
                             [everything[i] for i in test_idx], blends)
                for b in blends:
                    total[b][0] += hits[b][0]
                    total[b][1] += hits[b][1]
            rows[f"{FOLDS}-fold"] = (total, len(everything))
        elapsed = time.perf_counter() - started
        c, ngrams, guide_weight, balanced, pinyin_weight, words_weight, svm_c = setting
        for b in blends:
            figures = "  ".join(f"{label}: {h[b][0] / n:.3f}/{h[b][1] / n:.3f}" for label, (h, n) in rows.items())
            print(f"C={c:<5} ngrams={ngrams} guide={guide_weight} balanced={balanced:d} pinyin={pinyin_weight} "
                  f"words={words_weight} svm={svm_c} blend={b:.2f}  top-1/top-3 (leave one writer out)  {figures}", flush=True)
        print(f"  ({elapsed:.1f} s; fit p50 {sorted(fit_times)[len(fit_times) // 2]:.1f} s)", flush=True)

if __name__ == "__main__":
    main()
