"""The learned crisis detector: a second opinion beside the rules of ``crisis.py``.

Why this model: the rules recognise wording they were written for and miss new wording
(each fresh round of realistic messages found large misses). A linear model over
character n-grams (2-5, within words) and word uni- and bigrams of the normalised text
generalises to spelling variants, youth chat, L2 Dutch, compounds and word forms the rules
never saw, trains in seconds on the corpus, and scores a message in well under a
millisecond on one core. Alternatives measured in docs/safety.md.

How it reads a message: the whole text and each sentence (and, in long sentences, windows
of about 24 words) are scored; the highest crisis probability counts, so one crisis hint in
a long money story is not diluted by the rest.

Thresholds: chosen on out-of-fold scores where each writing round is held out in turn
(leave-one-round-out), so they reflect wording from writers the model has not seen:
``check`` is the lowest score at which non-crises still rarely get a check, ``line`` the
score above which non-crises almost never get a line. See :func:`choose_thresholds`.

The trained model is cached in ``.cache/safety/`` under a key made of the corpus, this
module's ``MODEL_VERSION`` and the scikit-learn version; a missing or stale cache is rebuilt
(about half a minute on 2 cores), so a fresh clone needs no extra step.
"""

from __future__ import annotations

import logging
import os
import pickle
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from actions.logic.crisis import normalize
from actions.logic.safety_corpus import ROOT, Example, corpus_fingerprint, load_corpus

_log = logging.getLogger(__name__)

MODEL_VERSION = 1
CACHE_DIR = Path(os.environ.get("SAFETY_MODEL_CACHE", ROOT / ".cache" / "safety"))
NONE = "none"

# Targets for the thresholds, on out-of-fold scores of held-out rounds.
MAX_FALSE_LINE = 0.02  # share of non-crises that may get a line from the model alone
MAX_FALSE_CHECK = 0.07  # share of non-crises that may get a check or a line
WINDOW = 24  # words per window in long sentences
STRIDE = 12
_SENTENCE_RE = re.compile(r"(?<=[.!?\n;])\s+|\n+")


@dataclass(frozen=True)
class ModelScore:
    """What the model thinks of one message."""

    p_crisis: float  # highest crisis probability over the segments
    kind: Optional[str]  # most likely crisis kind in that segment
    p_other: float  # probability that the crisis is about someone else
    kind_probs: Dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Thresholds:
    """Model-only decision thresholds on ``p_crisis``."""

    check: float
    line: float


def segments(text: str) -> List[str]:
    """The whole text, its sentences and word windows of long sentences, normalised."""
    whole = normalize(text)
    out = [whole]
    parts = [p for p in _SENTENCE_RE.split(text) if p and p.strip()]
    if len(parts) > 1 or len(whole.split()) > WINDOW + STRIDE:
        for part in parts:
            norm = normalize(part)
            words = norm.split()
            if len(words) <= WINDOW + STRIDE:
                if norm and norm != whole:
                    out.append(norm)
                continue
            for start in range(0, len(words) - STRIDE, STRIDE):
                out.append(" ".join(words[start : start + WINDOW]))
    return out


def _features() -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                    max_features=120_000, dtype=np.float32,
                ),
            ),
            (
                "words",
                TfidfVectorizer(
                    analyzer="word", ngram_range=(1, 2), min_df=1, sublinear_tf=True,
                    token_pattern=r"[a-z0-9]+", dtype=np.float32,
                ),
            ),
        ]
    )


def _kind_pipeline() -> Pipeline:
    return Pipeline(
        [
            ("features", _features()),
            ("clf", LogisticRegression(C=8.0, class_weight="balanced", max_iter=3000)),
        ]
    )


def _about_pipeline() -> Pipeline:
    return Pipeline(
        [
            ("features", _features()),
            ("clf", LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000)),
        ]
    )


class SafetyModel:
    """Crisis kind classifier plus a self-or-other classifier, with thresholds."""

    def __init__(self, kind_pipe: Pipeline, about_pipe: Optional[Pipeline], thresholds: Thresholds):
        self.kind_pipe = kind_pipe
        self.about_pipe = about_pipe
        self.thresholds = thresholds
        self.classes: List[str] = list(kind_pipe.classes_)
        self._none = self.classes.index(NONE)

    def score(self, text: str) -> ModelScore:
        """Score one message (whole text, sentences, windows; the highest counts)."""
        segs = segments(text)
        probs = self.kind_pipe.predict_proba(segs)
        crisis = 1.0 - probs[:, self._none]
        best = int(np.argmax(crisis))
        row = probs[best].copy()
        row[self._none] = -1.0
        kind = self.classes[int(np.argmax(row))]
        p_other = 0.0
        if self.about_pipe is not None:
            p_other = float(self.about_pipe.predict_proba([segs[best]])[0][1])
        return ModelScore(
            p_crisis=float(crisis[best]),
            kind=kind,
            p_other=p_other,
            kind_probs={c: float(p) for c, p in zip(self.classes, probs[best], strict=True)},
        )

    def crisis_scores(self, texts: Sequence[str]) -> np.ndarray:
        """``p_crisis`` for many texts (used when choosing thresholds)."""
        return np.array([self.score(t).p_crisis for t in texts])


def _fit(examples: Sequence[Example]) -> Tuple[Pipeline, Optional[Pipeline]]:
    texts = [normalize(e.text) for e in examples]
    labels = [e.kind for e in examples]
    kind_pipe = _kind_pipeline().fit(texts, labels)
    crisis = [e for e in examples if e.kind != NONE]
    abouts = {e.about for e in crisis}
    about_pipe = None
    if len(abouts) == 2:
        about_pipe = _about_pipeline().fit(
            [normalize(e.text) for e in crisis], [1 if e.about == "other" else 0 for e in crisis]
        )
    return kind_pipe, about_pipe


def choose_thresholds(safe_scores: np.ndarray, crisis_scores: np.ndarray) -> Thresholds:
    """Thresholds from out-of-fold scores of non-crises (``safe``) and crises.

    ``line``: the score that at most MAX_FALSE_LINE of non-crises reach; ``check``: the score
    that at most MAX_FALSE_CHECK of non-crises reach, but never above the score that finds
    97 % of crises with a check or a line.
    """
    line = float(np.quantile(safe_scores, 1 - MAX_FALSE_LINE)) if len(safe_scores) else 0.9
    check = float(np.quantile(safe_scores, 1 - MAX_FALSE_CHECK)) if len(safe_scores) else 0.5
    if len(crisis_scores):
        check = min(check, float(np.quantile(crisis_scores, 0.03)))
    line = min(max(line, check + 0.01), 0.99)
    return Thresholds(check=round(max(check, 0.05), 4), line=round(line, 4))


def out_of_fold_scores(examples: Sequence[Example]) -> np.ndarray:
    """``p_crisis`` of every example from a model that did not see its round.

    Rounds are the folds (leave-one-round-out): scores then reflect new writers, not new
    sentences of known writers. With fewer than three rounds, three interleaved folds.
    """
    rounds = sorted({e.round for e in examples})
    if len(rounds) >= 3:
        folds = [[i for i, e in enumerate(examples) if e.round == r] for r in rounds]
    else:
        folds = [list(range(k, len(examples), 3)) for k in range(3)]
    scores = np.zeros(len(examples))
    for fold in folds:
        held = set(fold)
        train = [e for i, e in enumerate(examples) if i not in held]
        kind_pipe, _ = _fit(train)
        model = SafetyModel(kind_pipe, None, Thresholds(0.5, 0.9))
        for i in fold:
            scores[i] = model.score(examples[i].text).p_crisis
    return scores


def train(examples: Sequence[Example], thresholds: Optional[Thresholds] = None) -> SafetyModel:
    """Train on ``examples``; thresholds from held-out rounds unless given."""
    if thresholds is None:
        oof = out_of_fold_scores(examples)
        safe = np.array([s for s, e in zip(oof, examples, strict=True) if e.kind == NONE])
        crisis = np.array([s for s, e in zip(oof, examples, strict=True) if e.is_crisis])
        thresholds = choose_thresholds(safe, crisis)
    kind_pipe, about_pipe = _fit(examples)
    return SafetyModel(kind_pipe, about_pipe, thresholds)


_lock = threading.Lock()
_model: Optional[SafetyModel] = None


def _cache_path(examples: Sequence[Example]) -> Path:
    key = f"{corpus_fingerprint(list(examples))}-v{MODEL_VERSION}-sk{sklearn.__version__}"
    return CACHE_DIR / f"model-{key}.pickle"


def get_model() -> Optional[SafetyModel]:
    """The model trained on the whole corpus (cached on disk); None if it cannot be built.

    A failure is logged by type only: the rules keep working without the model.
    """
    global _model
    if _model is not None:
        return _model
    with _lock:
        if _model is not None:
            return _model
        try:
            examples = load_corpus()
            path = _cache_path(examples)
            if path.exists():
                with path.open("rb") as handle:
                    _model = pickle.load(handle)
            else:
                _log.info("training the safety model on %d messages", len(examples))
                _model = train(examples)
                try:
                    CACHE_DIR.mkdir(parents=True, exist_ok=True)
                    for old in CACHE_DIR.glob("model-*.pickle"):
                        old.unlink()
                    tmp = path.with_suffix(".tmp")
                    with tmp.open("wb") as handle:
                        pickle.dump(_model, handle, protocol=pickle.HIGHEST_PROTOCOL)
                    tmp.replace(path)
                except OSError as exc:
                    _log.warning("safety model cache not written: %s", type(exc).__name__)
        except Exception as exc:  # never break the conversation
            _log.error("safety model unavailable: %s", type(exc).__name__)
            _model = None
    return _model
