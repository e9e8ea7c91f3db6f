"""Lead scoring: learn from the user's own history which leads convert, and say how well it works.

Two ways to score leads:

* :class:`LeadScorer` trains on past leads whose outcome is known. It chooses the columns to
  learn from, leaves out the ones that would fool it (identifiers, free text, constant columns
  and *leaks*: columns that on their own almost give the outcome away, or whose name says they
  are recorded after it), cross-validates honestly (stratified 5-fold ROC AUC ± sd, PR AUC, lift
  by decile, calibration, a rule-of-thumb baseline), then scores open leads 0–100 with
  Hot / Warm / Cold buckets and, for each lead, its top reasons in French or English.
* :class:`RuleScorer` scores with points per criterion (BANT-like) for users with no history.

Why the choices:

* Scores are the model's probabilities × 100, not ranks, so "score 70" means "about 7 leads in
  10 like this one converted" (the calibration table shows how true that is out of fold). No
  class reweighting is applied (it would distort that meaning); imbalance is handled by
  stratified folds, PR AUC and buckets cut at quantiles of the out-of-fold scores, not at fixed
  probabilities.
* The single-column leak check must be cheap on 100k rows: each column is cut into levels
  (categories, or 20 quantile bins for numbers and date ages, missing as its own level) and
  scored by its out-of-fold smoothed conversion rate. The same figure gives the baseline: the
  best single usable column.
* Explanations are model-agnostic: a column's contribution to a lead's log-odds is the model's
  mean log-odds over a sample of historical leads given the lead's value for that column, minus
  the same for a typical value (centred partial dependence; exact for the logistic model). The
  tables are computed once at fit, so explaining 100k leads is a lookup. Global importance is
  the drop in out-of-fold AUC when a column is shuffled, and a category's "odds ratio" is its
  effect against a typical lead.

The parts: :mod:`~kpi.scoring.outcome` (the outcome column), :mod:`~kpi.scoring.features`
(columns kept, leak guard, encoding), :mod:`~kpi.scoring.explain` (reasons),
:mod:`~kpi.scoring.records` (what is returned), :mod:`~kpi.scoring.rules` (no history).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from kpi import i18n
from kpi.errors import PiloteError
from kpi.scoring.explain import _partial_dependence, _raw_labels, _reason_texts, _scored_frame
from kpi.scoring.features import (
    _EARLIER_WORDS,
    _ID_WORDS,
    _LEAK_WORDS,
    _fit_one,
    _levels,
    _naive_dates,
    _oof_rates,
    _Prepare,
    _prepared_names,
)
from kpi.scoring.outcome import detect_target, to_outcome
from kpi.scoring.records import Confusion, Exclusion, Factor
from kpi.scoring.validation import _buckets, _validation
from kpi.scoring.values import (
    Progress,
    _clean_text,
    _fast_auc,
    _is_text,
    _names,
    _quote,
    _report,
    _require_columns,
    _words,
)

MODELS: tuple[str, ...] = ("boosting", "logistic")
#: Fewest leads of each outcome needed to train and validate honestly.
MIN_PER_CLASS = 50
N_FOLDS = 5


# --------------------------------------------------------------------------------------------
# The learned scorer
# --------------------------------------------------------------------------------------------


class LeadScorer(BaseEstimator):
    """Learn from past leads which ones convert; score open leads 0–100 with reasons.

    Parameters
    ----------
    model : {"boosting", "logistic"}
        Gradient boosting (scikit-learn's ``HistGradientBoostingClassifier``, usually the most
        accurate) or logistic regression (easiest to read).
    exclude : sequence of str
        Columns never to learn from.
    include : sequence of str
        Columns to learn from even though Pilote would leave them out (e.g. a suspected leak the
        user knows is recorded before the outcome). Empty and constant columns stay out.
    leak_auc : float or None
        A column whose own out-of-fold AUC reaches this is treated as a leak; None turns the
        check off (name-based leak detection stays on; use ``include`` to override).
    random_state : int
        Seed for folds, boosting and sampling: the same data gives the same result.
    n_jobs : int
        Models fitted side by side (threads) during cross-validation; the result does not
        depend on it.

    Attributes
    ----------
    target_ : str
    features_ : list of str
        Columns the model learns from.
    kinds_ : dict
        Column → ``"num"``, ``"cat"`` or ``"date"``.
    excluded_ : list of Exclusion
    cv_ : Validation
    base_rate_ : float
    buckets_ : list of Bucket
        Hot, Warm, Cold.
    top_factors_ : list of Factor
        Most important columns first.
    n_rows_ : int
        Leads with a known outcome (used for training).
    n_open_ : int
        Leads of the training table with no outcome yet.
    pipeline_ : sklearn.pipeline.Pipeline
        Preparation, encoding and classifier, fitted on all leads with a known outcome.
    """

    def __init__(
        self,
        model: str = "boosting",
        exclude: Sequence[str] = (),
        include: Sequence[str] = (),
        leak_auc: float | None = 0.9,
        random_state: int = 0,
        n_jobs: int = 2,
    ) -> None:
        self.model = model
        self.exclude = exclude
        self.include = include
        self.leak_auc = leak_auc
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- fitting ------------------------------------------------------------------------------

    def fit(
        self, df: pd.DataFrame, target: str | None = None, progress: Progress | None = None
    ) -> LeadScorer:
        """Choose the columns, cross-validate, then train on all leads with a known outcome.

        Parameters
        ----------
        df : pandas.DataFrame
            Leads table from Pilote's loader; rows with an empty outcome are open leads and are
            not used for training. Never modified.
        target : str, optional
            Outcome column; detected with :func:`detect_target` when omitted.
        progress : callable, optional
            Called as ``progress(fraction, message_key)``; the key's text is registered in
            :mod:`kpi.i18n`.

        Returns
        -------
        LeadScorer
            ``self``, fitted.

        Raises
        ------
        PiloteError
            Unknown model or column, no outcome column, unreadable outcome, a single outcome,
            fewer than :data:`MIN_PER_CLASS` leads of either outcome, or no usable column.
        """
        if self.model not in MODELS:
            raise PiloteError("scoring.bad_model", model=self.model, models=", ".join(MODELS))
        _report(progress, 0.0, "scoring.progress.prepare")
        if target is None:
            target = detect_target(df)
            if target is None:
                raise PiloteError("scoring.no_target", available=_quote(df.columns))
        _require_columns(df, [target, *_names(self.exclude), *_names(self.include)])
        outcome = to_outcome(df[target])
        known = outcome.notna().to_numpy()
        y = outcome.to_numpy()[known].astype(int)
        positives, negatives = int(y.sum()), int(len(y) - y.sum())
        if len(y) and (positives == 0 or negatives == 0):
            seen = df[target][known]
            raise PiloteError(
                "scoring.single_class",
                column=target,
                value=str(seen.iloc[0]) if len(seen) else "–",
                n=len(y),
            )
        if min(positives, negatives) < MIN_PER_CLASS:
            raise PiloteError(
                "scoring.too_few",
                column=target,
                positives=positives,
                negatives=negatives,
                minimum=MIN_PER_CLASS,
            )
        history = df.loc[known]
        folds = list(
            StratifiedKFold(N_FOLDS, shuffle=True, random_state=self.random_state).split(
                np.zeros(len(y)), y
            )
        )

        _report(progress, 0.05, "scoring.progress.leaks")
        kinds, excluded, own_auc = self._choose_columns(history, target, y, folds)
        features = list(kinds)
        if not features:
            raise PiloteError(
                "scoring.no_features",
                excluded=_quote(e.column for e in excluded),
            )
        baseline_column = max(features, key=lambda c: own_auc.get(c, 0.0))

        prepare = _Prepare(tuple(features), tuple(kinds[c] for c in features))
        prepared = prepare.fit_transform(history)
        kind_list = list(prepare.kinds)
        oof = np.empty(len(y), dtype=float)
        fold_auc = [0.0] * N_FOLDS
        importance = np.zeros(len(features))
        tasks = [(k, train, test) for k, (train, test) in enumerate(folds)]
        tasks.append((N_FOLDS, np.arange(len(y)), None))  # the final model, on all leads
        jobs = Parallel(n_jobs=self.n_jobs, prefer="threads", return_as="generator")(
            delayed(_fit_one)(prepared, y, train, test, kind_list, self.model, k, self.random_state)
            for k, train, test in tasks
        )
        encoder = clf = None
        _report(progress, 0.1, "scoring.progress.cv")
        # BLAS threads are process-wide: limited here, around all the fits (see _fit_one).
        with threadpool_limits(limits=1, user_api="blas"):
            for done, (k, fitted_encoder, fitted_clf, proba, drops) in enumerate(jobs, start=1):
                _report(progress, 0.1 + 0.75 * done / len(tasks), "scoring.progress.cv")
                if k == N_FOLDS:
                    encoder, clf = fitted_encoder, fitted_clf
                    continue
                test = folds[k][1]
                oof[test] = proba
                fold_auc[k] = float(roc_auc_score(y[test], proba))
                importance += drops / N_FOLDS
        rng = np.random.default_rng(self.random_state)

        self.pipeline_ = Pipeline([("prepare", prepare), ("encode", encoder), ("model", clf)])

        self.target_ = target
        self.features_ = features
        self.kinds_ = kinds
        self.excluded_ = excluded
        self.n_rows_ = len(y)
        self.n_open_ = int((~known).sum())
        self.base_rate_ = float(y.mean())
        self.oof_ = oof
        self.y_ = y
        self.cv_ = _validation(y, oof, fold_auc, own_auc.get(baseline_column), baseline_column)
        self.buckets_ = _buckets(oof, y)

        _report(progress, 0.9, "scoring.progress.explain")
        with threadpool_limits(limits=1):
            self._effects = _partial_dependence(encoder, clf, prepared, kind_list, rng)
        self.top_factors_ = self._factors(history, importance, own_auc)
        _report(progress, 1.0, "scoring.progress.done")
        return self

    def _choose_columns(
        self,
        history: pd.DataFrame,
        target: str,
        y: np.ndarray,
        folds: list[tuple[np.ndarray, np.ndarray]],
    ) -> tuple[dict[str, str], list[Exclusion], dict[str, float]]:
        """Decide each column's kind, or why it is left out; measure each column's own AUC."""
        exclude, include = set(_names(self.exclude)), set(_names(self.include))
        kinds: dict[str, str] = {}
        excluded: list[Exclusion] = []
        own_auc: dict[str, float] = {}
        for col in history.columns:
            if col == target:
                continue
            s = history[col]
            if col in exclude:
                excluded.append(Exclusion(col, "user"))
                continue
            words = _words(col)
            if pd.api.types.is_datetime64_any_dtype(s):
                kind, values = "date", _naive_dates(s)
            elif _is_text(s):
                kind, values = "cat", s
                raw_filled = max(int(s.notna().sum()), 1)
                raw_distinct = s.nunique(dropna=True)
                if not (raw_distinct / raw_filled >= 0.9 and raw_distinct > 50):
                    values = _clean_text(s)  # near-unique text is left out below: no need
            else:
                kind, values = "num", pd.to_numeric(s, errors="coerce").astype(float)
            distinct = values.nunique(dropna=True)
            if distinct == 0:
                excluded.append(Exclusion(col, "empty"))
                continue
            if distinct == 1 and values.notna().all():
                # One value in some rows only still says something by being there or not.
                excluded.append(Exclusion(col, "constant"))
                continue
            filled = max(int(values.notna().sum()), 1)
            reason = None
            if kind == "num" and words & _ID_WORDS and distinct / filled >= 0.9:
                reason = "identifier"
            elif kind == "cat" and distinct / filled >= 0.5 and distinct > 50:
                avg_words = values.dropna().astype(str).str.strip().str.count(" ").mean() + 1
                if avg_words >= 4:
                    reason = "text"
                elif distinct / filled >= 0.9 or words & _ID_WORDS:
                    reason = "identifier"
                else:
                    reason = "near_unique"
            if reason and col not in include:
                excluded.append(Exclusion(col, reason))
                continue
            if kind == "cat" and values is s:
                values = _clean_text(s)
            auc = _fast_auc(y, _oof_rates(_levels(values, kind), y, folds))
            own_auc[col] = auc
            leak_word = sorted(words & _LEAK_WORDS)
            if col not in include:
                if self.leak_auc is not None and auc >= self.leak_auc:
                    excluded.append(Exclusion(col, "leak", auc=auc))
                    continue
                if leak_word and not words & _EARLIER_WORDS:
                    excluded.append(Exclusion(col, "leak_name", auc=auc, word=leak_word[0]))
                    continue
            kinds[col] = kind
        return kinds, excluded, own_auc

    # -- explanations -------------------------------------------------------------------------

    def _contributions(self, prepared: pd.DataFrame) -> np.ndarray:
        """Each feature's effect on each row's log-odds (rows × features), by table lookup."""
        out = np.zeros((len(prepared), len(self.features_)))
        for j, (col, effect) in enumerate(zip(self.features_, self._effects, strict=True)):
            first = _prepared_names(j, self.kinds_[col])[0]
            out[:, j] = effect.lookup(prepared[first].to_numpy())
        return out

    def _factors(
        self, history: pd.DataFrame, importance: np.ndarray, own_auc: dict[str, float]
    ) -> list[Factor]:
        factors = []
        for j, col in enumerate(self.features_):
            effect = self._effects[j]
            direction, levels = None, ()
            if effect.kind == "cat":
                labels = _raw_labels(history[col])
                vocabulary = self.pipeline_.named_steps["prepare"].vocabulary_[col]
                rows = [
                    (labels.get(vocabulary[int(code)], vocabulary[int(code)]), e, w)
                    for code, e, w in zip(effect.grid, effect.effect, effect.weights, strict=True)
                ]
                if effect.missing_share > 0:
                    rows.append((None, effect.missing, effect.missing_share))
                rows = [r for r in rows if r[2] >= 0.01 and abs(r[1]) >= 0.05]
                rows.sort(key=lambda r: -abs(r[1]))
                levels = tuple((label, float(np.exp(e))) for label, e, _ in rows[:4])
            elif len(effect.grid) > 2 and np.ptp(effect.effect) > 0.05:
                rho = pd.Series(effect.grid).corr(pd.Series(effect.effect), method="spearman")
                prefix = "higher"
                if effect.kind == "date":
                    rho, prefix = -rho, "later"  # the grid is the age: older is earlier
                if rho >= 0.5:
                    direction = f"{prefix}_up"
                elif rho <= -0.5:
                    direction = f"{prefix}_down"
            factors.append(Factor(col, float(importance[j]), own_auc.get(col), direction, levels))
        return sorted(factors, key=lambda f: -f.importance)

    # -- using the model ----------------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "pipeline_"):
            raise PiloteError("scoring.not_fitted")

    def _check_columns(self, df: pd.DataFrame) -> None:
        missing = [c for c in self.features_ if c not in df.columns]
        if missing:
            raise PiloteError(
                "scoring.missing_features", columns=_quote(missing), available=_quote(df.columns)
            )

    def predict_proba(self, df: pd.DataFrame) -> np.ndarray:
        """Probability of converting for each row (shape ``(n,)``)."""
        self._check_fitted()
        self._check_columns(df)
        with threadpool_limits(limits=1):
            return self.pipeline_.predict_proba(df)[:, 1]

    def explain(self, df: pd.DataFrame) -> pd.DataFrame:
        """Each feature's contribution to each lead's log-odds (positive raises the score)."""
        self._check_fitted()
        self._check_columns(df)
        contrib = self._contributions(self.pipeline_.named_steps["prepare"].transform(df))
        return pd.DataFrame(contrib, index=df.index, columns=self.features_)

    def score(
        self,
        df: pd.DataFrame,
        lang: str = i18n.DEFAULT_LANGUAGE,
        open_only: bool = False,
        reasons: bool = True,
    ) -> pd.DataFrame:
        """Score leads: the original columns plus ``score``, ``bucket`` and ``reasons``.

        Parameters
        ----------
        df : pandas.DataFrame
            Leads with the training columns (the history itself, or a new file). Never modified.
        lang : {"fr", "en"}
            Language of ``bucket`` and ``reasons``.
        open_only : bool
            Score only the rows whose outcome is empty (``df`` must then hold the outcome
            column).
        reasons : bool
            Write each lead's top reasons (a few seconds on 100k leads).

        Returns
        -------
        pandas.DataFrame
            A copy sorted best first (index kept). ``score`` is the conversion probability ×
            100 rounded to an integer; ``bucket`` is Chaud / Tiède / Froid (Hot / Warm / Cold).
            A column of ``df`` already named like one of these gets the new one suffixed
            ``_pilote``.
        """
        self._check_fitted()
        if open_only:
            _require_columns(df, [self.target_])
            df = df.loc[to_outcome(df[self.target_]).isna().to_numpy()]
        self._check_columns(df)
        prepared = self.pipeline_.named_steps["prepare"].transform(df)
        proba = np.zeros(0)
        if len(df):
            x = self.pipeline_.named_steps["encode"].transform(prepared)
            with threadpool_limits(limits=1):
                proba = self.pipeline_.named_steps["model"].predict_proba(x)[:, 1]
        texts = None
        if reasons:
            contrib = self._contributions(prepared)
            texts = _reason_texts(df, self.features_, self.kinds_, contrib, lang)
        return _scored_frame(df, proba * 100, self.buckets_, texts, lang)

    def confusion(self, threshold: float = 50.0) -> Confusion:
        """Out-of-fold confusion matrix when leads scoring ``threshold`` (0–100) or more are
        flagged as likely to convert."""
        self._check_fitted()
        if not 0 <= threshold <= 100:
            raise PiloteError("scoring.bad_threshold", threshold=threshold)
        flagged = self.oof_ * 100 >= threshold
        y = self.y_.astype(bool)
        return Confusion(
            threshold=float(threshold),
            true_positive=int((flagged & y).sum()),
            false_positive=int((flagged & ~y).sum()),
            false_negative=int((~flagged & y).sum()),
            true_negative=int((~flagged & ~y).sum()),
        )
