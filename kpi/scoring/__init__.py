"""Lead scoring: which leads will convert, learnt from the user's own history with honest
validation, or scored by point rules when there is no history.

- ``model.py``       :class:`LeadScorer` (scikit-learn estimator: ``fit``, ``score``, ``explain``)
- ``outcome.py``     the outcome column: detection and what its values mean
- ``features.py``    which columns to learn from (leak guard), preparation and encoding
- ``validation.py``  cross-validation summary and Hot / Warm / Cold buckets
- ``explain.py``     each lead's top reasons
- ``records.py``     what the scorers return (exclusions, factors, buckets, confusion…)
- ``rules.py``       :class:`RuleScorer` and default BANT-like rules
- ``summary.py``     a scorer as JSON (the command line)
- ``values.py``      cell values and column names as the scorer reads them
- ``charts.py``      gain and calibration charts
- ``messages.py``    the French and English texts
"""

from __future__ import annotations

from kpi.scoring import messages  # noqa: F401  (registers the scoring messages)
from kpi.scoring.explain import scored_headers
from kpi.scoring.model import MIN_PER_CLASS, MODELS, N_FOLDS, LeadScorer
from kpi.scoring.outcome import detect_target, open_leads, to_outcome
from kpi.scoring.records import (
    EXCLUSION_REASONS,
    Bucket,
    Confusion,
    Exclusion,
    Factor,
    Rule,
    Validation,
)
from kpi.scoring.rules import (
    RULE_OPERATORS,
    RuleScorer,
    default_rules,
    rules_frame,
    rules_from_frame,
)
from kpi.scoring.summary import summary_json
from kpi.scoring.values import MISSING_TOKENS

__all__ = [
    "scored_headers",
    "EXCLUSION_REASONS",
    "MIN_PER_CLASS",
    "MISSING_TOKENS",
    "MODELS",
    "N_FOLDS",
    "RULE_OPERATORS",
    "Bucket",
    "Confusion",
    "Exclusion",
    "Factor",
    "LeadScorer",
    "Rule",
    "RuleScorer",
    "Validation",
    "default_rules",
    "detect_target",
    "open_leads",
    "rules_frame",
    "rules_from_frame",
    "summary_json",
    "to_outcome",
]
