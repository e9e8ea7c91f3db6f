"""Features: which columns a model may learn from (identifiers, free text, constant columns and
leaks left out), how they are prepared and encoded, and the classifiers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from kpi.scoring.values import _clean_text, _fast_auc

# fmt: off
# Name words that say a column is recorded after the outcome, or is someone's judgement of it.
_LEAK_WORDS: frozenset[str] = frozenset(
    {
        "status", "statut", "stage", "stages", "etape", "tag", "tags", "quality", "qualite",
        "outcome", "outcomes", "result", "results", "resultat", "resultats", "closed",
        "close", "closing", "cloture", "won", "lost", "gagne", "perdu", "convert", "converted",
        "conversion", "converti", "probability", "probabilite", "forecast", "prevision",
        "reason", "raison", "motif",
    }
)
# ... unless the name says it is about an earlier contact ("previous outcome" is legitimate).
_EARLIER_WORDS: frozenset[str] = frozenset(
    {"previous", "prev", "prior", "precedent", "precedente", "past", "last", "dernier", "derniere"}
)
_ID_WORDS: frozenset[str] = frozenset(
    {
        "id", "ids", "identifier", "identifiant", "number", "numero", "num", "no", "nr", "ref",
        "reference", "key", "cle", "uuid", "guid", "code",
    }
)
# fmt: on
# fmt: on


# --------------------------------------------------------------------------------------------
# Features
# --------------------------------------------------------------------------------------------


class _Prepare(TransformerMixin, BaseEstimator):
    """Raw leads table → numeric model-ready columns.

    Numbers become ``float64``. Text is trimmed and casefolded, with missing-value tokens as
    missing, then replaced by its position in the vocabulary learned at fit (``-1`` for a value
    never seen, NaN when missing), so that the encoders downstream work on numbers, which is
    several times faster than on Python strings. Each date becomes its age in days at the
    latest date of the history, and its month as a point on a circle (December next to
    January). Output columns are named by feature position (``"3"``, ``"4_age"``…) so that no
    header can collide with them.
    """

    def __init__(self, columns: tuple[str, ...] = (), kinds: tuple[str, ...] = ()) -> None:
        self.columns = columns
        self.kinds = kinds

    def fit(self, X: pd.DataFrame, y: Any = None) -> _Prepare:
        self.reference_ = {}
        self.vocabulary_ = {}
        for col, kind in zip(self.columns, self.kinds, strict=True):
            if kind == "date":
                self.reference_[col] = _naive_dates(X[col]).max()
            elif kind == "cat":
                values = _clean_text(X[col]).dropna().unique()
                self.vocabulary_[col] = pd.Index(sorted(values), dtype=object)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        out: dict[str, np.ndarray] = {}
        for i, (col, kind) in enumerate(zip(self.columns, self.kinds, strict=True)):
            s = X[col]
            if kind == "num":
                out[str(i)] = pd.to_numeric(s, errors="coerce").to_numpy(
                    dtype=float, na_value=np.nan
                )
            elif kind == "cat":
                clean = _clean_text(s)
                codes = self.vocabulary_[col].get_indexer(clean).astype(float)
                codes[clean.isna().to_numpy()] = np.nan
                out[str(i)] = codes
            else:
                dates = _naive_dates(s)
                age = (self.reference_[col] - dates).dt.total_seconds() / 86400.0
                angle = 2 * np.pi * (dates.dt.month.astype(float) - 1) / 12
                out[f"{i}_age"] = age.to_numpy(dtype=float, na_value=np.nan)
                out[f"{i}_sin"] = np.sin(angle).to_numpy(dtype=float, na_value=np.nan)
                out[f"{i}_cos"] = np.cos(angle).to_numpy(dtype=float, na_value=np.nan)
        return pd.DataFrame(out, index=X.index, dtype=float)


def _naive_dates(s: pd.Series) -> pd.Series:
    dates = pd.to_datetime(s, errors="coerce")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert(None)
    return dates


def _prepared_names(i: int, kind: str) -> list[str]:
    return [f"{i}_age", f"{i}_sin", f"{i}_cos"] if kind == "date" else [str(i)]


_MISSING_CODE = -2.0  # a missing category, as its own level for the logistic model


def _encoder(kinds: Sequence[str], model: str, n_rows: int) -> ColumnTransformer:
    """Categories first, then numbers and dates (see :func:`_groups` for which output is whose).

    Categories arrive as vocabulary codes (see :class:`_Prepare`); ``-1`` (never seen) is an
    unknown category for the encoders. Rare categories are pooled (``min_frequency``).
    """
    min_frequency = max(10, int(0.001 * n_rows))
    cats = [str(i) for i, kind in enumerate(kinds) if kind == "cat"]
    others = [n for i, kind in enumerate(kinds) if kind != "cat" for n in _prepared_names(i, kind)]
    if model == "logistic":
        cat_step: Any = make_pipeline(
            SimpleImputer(strategy="constant", fill_value=_MISSING_CODE),
            OneHotEncoder(
                handle_unknown="infrequent_if_exist",
                min_frequency=min_frequency,
                max_categories=60,
            ),
        )
        num_step: Any = make_pipeline(
            SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
            StandardScaler(),
        )
    else:
        # Boosting handles missing values and scales itself.
        cat_step = OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=np.nan,
            encoded_missing_value=np.nan,
            min_frequency=min_frequency,
            max_categories=250,
        )
        num_step = "passthrough"
    parts = [("cat", cat_step, cats), ("num", num_step, others)]
    return ColumnTransformer(
        [p for p in parts if p[2]], sparse_threshold=0.3 if model == "logistic" else 0.0
    )


def _classifier(kinds: Sequence[str], model: str, random_state: int, n_rows: int) -> BaseEstimator:
    """The classifier for ``n_rows`` training leads.

    Boosting is smaller and learns more slowly on small histories, where it otherwise overfits
    (+0.01 to +0.02 AUC on synthetic leads below 5,000 rows), and faster on large ones, where
    the extra trees gain nothing measurable but time (100k leads: same AUC, a third less CPU).
    """
    if model == "logistic":
        # l1_ratio=0 is the L2 penalty (``penalty`` is deprecated since scikit-learn 1.8).
        return LogisticRegression(C=1.0, l1_ratio=0.0, max_iter=2000, random_state=random_state)
    n_cat = sum(kind == "cat" for kind in kinds)
    n_other = sum(len(_prepared_names(i, kind)) for i, kind in enumerate(kinds) if kind != "cat")
    categorical = [True] * n_cat + [False] * n_other  # the encoder's output order
    if n_rows < 5000:
        learning_rate, leaves, validation, patience = 0.05, 7, 0.2, 10
    elif n_rows < 50_000:
        learning_rate, leaves, validation, patience = 0.15, 15, 0.1, 10
    else:
        learning_rate, leaves, validation, patience = 0.2, 15, 0.1, 5
    return HistGradientBoostingClassifier(
        learning_rate=learning_rate,
        max_iter=300,
        max_leaf_nodes=leaves,
        min_samples_leaf=20,
        l2_regularization=1.0,
        categorical_features=np.array(categorical, dtype=bool),
        early_stopping=True,
        validation_fraction=validation,
        n_iter_no_change=patience,
        random_state=random_state,
    )


def _levels(values: pd.Series, kind: str) -> np.ndarray:
    """Integer level codes for the single-column check (missing is a level of its own).

    ``values`` are cleaned text (``cat``), numbers (``num``) or naive dates (``date``); numbers
    and dates are cut into 20 quantile bins.
    """
    if kind == "date":
        values = (values - values.min()).dt.total_seconds()
    if kind != "cat" and values.nunique() > 20:
        values = pd.qcut(values, 20, duplicates="drop", labels=False)
    codes, _ = pd.factorize(values, use_na_sentinel=False)
    return codes


def _oof_rates(
    codes: np.ndarray, y: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """Out-of-fold conversion rate of each row's level, smoothed towards the fold's base rate."""
    k = int(codes.max()) + 1 if len(codes) else 1
    out = np.empty(len(y), dtype=float)
    for train, test in folds:
        sums = np.bincount(codes[train], weights=y[train], minlength=k)
        counts = np.bincount(codes[train], minlength=k)
        prior = y[train].mean()
        out[test] = ((sums + 20 * prior) / (counts + 20))[codes[test]]
    return out


def _groups(encoder: ColumnTransformer, n_features: int) -> list[np.ndarray]:
    """Encoded column indices of each feature, read from the output names.

    Names look like ``cat__3_1.0`` (one-hot), ``cat__3``, ``num__4_age`` or
    ``num__missingindicator_5``: the feature's position is the first number after ``__``.
    """
    owner = []
    for name in encoder.get_feature_names_out():
        local = name.split("__", 1)[1].removeprefix("missingindicator_")
        owner.append(int(local.split("_", 1)[0]))
    owner_array = np.array(owner)
    return [np.flatnonzero(owner_array == i) for i in range(n_features)]


def _fit_one(
    prepared: pd.DataFrame,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray | None,
    kinds: Sequence[str],
    model: str,
    task: int,
    random_state: int,
) -> tuple[int, ColumnTransformer, BaseEstimator, np.ndarray | None, np.ndarray | None]:
    """Fit encoder and classifier on ``train``; score ``test`` and shuffle-test its columns.

    Runs in a worker thread. OpenMP is limited to one thread per fit: folds run side by side
    instead, and on a busy machine OpenMP threads waiting for a core slow a fit down tenfold.
    """
    with threadpool_limits(limits=1, user_api="openmp"):
        encoder = _encoder(kinds, model, len(train))
        clf = _classifier(kinds, model, random_state, len(train))
        clf.fit(encoder.fit_transform(prepared.iloc[train]), y[train])
        if test is None:
            return task, encoder, clf, None, None
        x_test = encoder.transform(prepared.iloc[test])
        proba = clf.predict_proba(x_test)[:, 1]
        rng = np.random.default_rng([random_state, task])
        drops = _permutation_drop(clf, x_test, y[test], _groups(encoder, len(kinds)), rng)
    return task, encoder, clf, proba, drops


def _permutation_drop(
    clf: BaseEstimator,
    x: Any,
    y: np.ndarray,
    groups: list[np.ndarray],
    rng: np.random.Generator,
    max_rows: int = 1000,
) -> np.ndarray:
    """Drop in AUC when each feature's encoded columns are shuffled together (held-out rows).

    All shuffled copies are scored in one call: a tree ensemble's per-call cost dominates on
    small batches.
    """
    if x.shape[0] > max_rows:
        keep = np.sort(rng.choice(x.shape[0], max_rows, replace=False))
        x, y = x[keep], y[keep]
    x = x.toarray() if sparse.issparse(x) else np.array(x, dtype=float)
    if y.min() == y.max():
        return np.zeros(len(groups))
    copies = [x]
    for g in groups:
        shuffled = x.copy()
        shuffled[:, g] = x[rng.permutation(x.shape[0])][:, g]
        copies.append(shuffled)
    scores = clf.decision_function(np.vstack(copies)).reshape(len(copies), x.shape[0])
    base = _fast_auc(y, scores[0])
    return np.array([base - _fast_auc(y, row) for row in scores[1:]])
