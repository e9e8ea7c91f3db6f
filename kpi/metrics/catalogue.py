"""The KPI catalogue: every KPI as a frozen record, and the user's objectives.

The catalogue is data, in the manner of dbt's metric definitions: each :class:`KPI` says what it
is called (FR/EN), how it is computed (formula text shown to the user), how to read it, which
tables and column roles it needs, which objectives it serves and why, and its unit. Adding a KPI
is adding a record to :data:`CATALOGUE` (and its computation in :mod:`kpi.metrics.engine`).

Required roles are written as *clauses*: ``"date"`` needs a date column, ``"cost|profit"``
needs one of the two, and ``"amount|quantity+unit_price"`` needs an amount or both a quantity
and a unit price. A :class:`Need` ties clauses to a kind of table (``orders``, ``deals``,
``leads``, ``spend``, ``survey``, ``activities``, ``targets``, or ``any``), so that a KPI can
draw on several tables (CAC needs a spend table and an orders table).

Which KPIs serve the user's objectives and what the loaded tables can give is
:mod:`kpi.metrics.suggestions`; how a KPI is computed is its formula, registered against its id in
:mod:`kpi.metrics.formulas`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kpi import i18n
from kpi.data.dataset import Table
from kpi.errors import PiloteError
from kpi.i18n import Text

UNITS: tuple[str, ...] = (
    "money",
    "percent",
    "count",
    "days",
    "ratio",
    "score",
    "minutes",
    "number",
)
#: How a change is expressed, by unit (KPI_SPEC: rates, shares, margins % and scores in points;
#: amounts, counts and durations in %). ``ratio`` (CLV / CAC, 3.2×) is a multiple, not a
#: percentage: its change is relative.
CHANGE_BY_UNIT: dict[str, str] = {
    "money": "relative",
    "percent": "points",
    "count": "relative",
    "days": "relative",
    "ratio": "relative",
    "score": "points",
    "minutes": "relative",
    "number": "relative",
}
PARTIAL_BASES: tuple[str, ...] = ("project", "wait", "as_is")
FAMILIES: tuple[str, ...] = (
    "orders",
    "pipeline",
    "leads",
    "marketing",
    "activities",
    "satisfaction",
    "targets",
    "subscriptions",
)


@dataclass(frozen=True)
class Objective:
    """A business objective the user can choose (``grow_revenue``, ``keep_customers``…)."""

    id: str
    label: Text
    description: Text


@dataclass(frozen=True)
class Need:
    """Column roles a KPI needs from one table of a given kind.

    Attributes
    ----------
    kind : str
        A table kind from :data:`kpi.data.dataset.KINDS`, or ``"any"`` for any table.
    roles : tuple of str
        Clauses, all required: ``"a|b+c"`` is satisfied by role ``a`` or by ``b`` and ``c``.
    """

    kind: str
    roles: tuple[str, ...] = ()

    def clauses(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """Each clause as alternatives, each alternative as the roles it needs together."""
        return tuple(
            tuple(tuple(alt.split("+")) for alt in clause.split("|")) for clause in self.roles
        )

    def role_ids(self) -> set[str]:
        """Every role named in the clauses."""
        return {r for clause in self.clauses() for alt in clause for r in alt}

    def missing(self, table: Table) -> tuple[str, ...]:
        """The clauses ``table`` does not satisfy (empty when it has everything)."""
        return tuple(
            text
            for text, clause in zip(self.roles, self.clauses(), strict=True)
            if not any(table.has(*alt) for alt in clause)
        )

    def accepts(self, table: Table) -> bool:
        """Whether ``table`` is of the right kind (whatever its roles)."""
        return self.kind == "any" or table.kind == self.kind


@dataclass(frozen=True)
class Serve:
    """Why a KPI serves an objective; ``weight`` 3 = headline, 2 = important, 1 = supporting."""

    objective: str
    weight: int
    why: Text


#: How a measure adds rows up (see :class:`Measure`).
AGGREGATIONS: tuple[str, ...] = ("sum", "count", "ratio", "orders", "customers", "aov")


@dataclass(frozen=True)
class Measure:
    """How a KPI adds up over rows, so that trends can cut it by day, week or segment and say
    what drove a change (:mod:`kpi.explore.trends`), and the engine can sum a series in one pass.

    Attributes
    ----------
    agg : str
        One of :data:`AGGREGATIONS`: ``sum`` (Σ ``num``), ``count`` (rows), ``ratio``
        (Σ ``num`` / Σ ``den``), ``orders`` (orders with a positive net amount), ``customers``
        (distinct customers) or ``aov`` (Σ amount / orders).
    num, den : str or None
        The columns of the table's facts that are summed (``amount``, ``quantity``, ``margin``,
        ``won``, ``won_or_lost``, ``converted``, ``decided``…).
    date : str
        The facts column that places a row in time (``date``, ``created``, ``closed``).
    """

    agg: str
    num: str | None = None
    den: str | None = None
    date: str = "date"

    @property
    def additive(self) -> bool:
        """Whether segment values add up to the total (contributions make sense)."""
        return self.agg in ("sum", "count", "orders")

    @property
    def columns(self) -> tuple[str, ...]:
        """The facts columns it needs."""
        cols = [c for c in (self.num, self.den) if c]
        return (*cols, "customer") if self.agg == "customers" else tuple(cols)


@dataclass(frozen=True)
class KPI:
    """One KPI of ``KPI_SPEC.md``.

    Attributes
    ----------
    id : str
        The spec's id (``revenue``, ``win_rate``…).
    family : str
        One of :data:`FAMILIES` (which kind of data it is about).
    label, description, formula, reading : Text
        Name, one-line meaning, formula as the user reads it, and how to read it (which
        direction is good and what moves it).
    unit : str
        One of :data:`UNITS`; ``percent`` values are fractions (0.1256 for 12.56 %).
    higher_is_better : bool or None
        Direction for alerts and colours; ``None`` when neither direction is good in itself.
    needs : tuple of Need
        Tables and roles required (all of them).
    serves : tuple of Serve
        Objectives served, with the reason.
    accumulates : bool
        Whether the value grows as the period goes on (revenue, orders…): such KPIs are paced
        against the elapsed share of an unfinished period; rates are not.
    suffix : Text or None
        Shown after the formatted value (``/ jour`` for a per-day figure).
    snapshot : bool
        A photo of the end of the data (the open pipeline): the period does not apply, and it
        has no previous period and no series.
    measure : Measure or None
        How it adds up over rows, when it does: trends then cut it by any granularity and
        segment, and its monthly series is summed in one pass.
    leaderboard : bool
        A column of the team leaderboard (computed per rep or team), in catalogue order.
    target_from_table : bool
        Without a typed target, its target is the targets table's total for the period.
    spec : bool
        Defined in ``KPI_SPEC.md``; a KPI added since is defined in its formula text and in the
        README's "Choices".
    headline : int or None
        Rank among the headline KPIs, those the dashboard shows first when the user has chosen
        no objective (and that an objective ticks first): revenue 1, orders 2… ``None`` for the
        others.
    change : str or None
        How a change is expressed: ``points`` (a rate or a score: ``+2,1 pts``) or ``relative``
        (an amount or a count: ``+12,5 %``); ``None`` takes it from the unit
        (:data:`CHANGE_BY_UNIT`), see :attr:`change_kind`.
    partial_period : str or None
        What its value over a period in progress can be compared with: ``project`` (it grows in
        proportion to the days elapsed — a sum or a count of events: its projection over the
        whole period is compared, labelled as one), ``wait`` (it grows, but not in proportion —
        distinct customers, retention, a share of a target, a ratio of a monthly spend: no
        comparison until the period is complete) or ``as_is`` (a rate or an average: compared
        as it is). ``None`` derives it, see :attr:`partial_basis`.
    same_fact_as : str or None
        The KPI whose alert tells the same fact (churn is 1 − retention, revenue growth is the
        change of revenue, pacing follows attainment): alerts keep one per fact, and the
        default choice does not show both.
    money : bool
        Computed from amounts although its unit is not money (a growth, a margin rate, a
        return on spend, an attainment): like money KPIs it is given per currency when the
        data holds several (see :attr:`per_currency`).
    """

    id: str
    family: str
    label: Text
    description: Text
    formula: Text
    reading: Text
    unit: str
    higher_is_better: bool | None
    needs: tuple[Need, ...]
    serves: tuple[Serve, ...]
    accumulates: bool = False
    suffix: Text | None = None
    snapshot: bool = False
    measure: Measure | None = None
    leaderboard: bool = False
    target_from_table: bool = False
    spec: bool = True
    headline: int | None = None
    change: str | None = None
    partial_period: str | None = None
    same_fact_as: str | None = None
    money: bool = False

    @property
    def change_kind(self) -> str:
        """``points`` or ``relative``: how a change of this KPI is expressed (KPI_SPEC: the
        change of a rate, a share, a margin % or a score in points, of an amount or a count
        in %)."""
        return self.change or CHANGE_BY_UNIT[self.unit]

    @property
    def partial_basis(self) -> str:
        """``project``, ``wait`` or ``as_is`` (see ``partial_period``): given, else ``project``
        for a KPI that accumulates as a sum or a count of events, ``wait`` for another one
        that accumulates, ``as_is`` for the rest."""
        if self.partial_period is not None:
            return self.partial_period
        if not self.accumulates:
            return "as_is"
        agg = None if self.measure is None else self.measure.agg
        return "project" if agg in (None, "sum", "count", "orders") else "wait"

    @property
    def monthly(self) -> bool:
        """Whether it has values by month and quarter only: the recurring-revenue KPIs are
        month-end levels and monthly movements (KPI_SPEC), with no value by day or week."""
        return self.family == "subscriptions"

    @property
    def fact(self) -> str:
        """The id of the fact its alerts tell (its own id unless ``same_fact_as``)."""
        return self.same_fact_as or self.id

    def change_between(self, value: float | None, reference: float | None) -> float | None:
        """The change from ``reference`` to ``value`` as this KPI expresses it: points
        (``2.1`` for +2.1 pts: a percentage's difference × 100, a score's difference) or a
        relative change (``0.125`` for +12.5 %, against ``|reference|``); ``None`` without
        both values or, for a relative change, against 0."""
        if value is None or reference is None:
            return None
        if self.change_kind == "points":
            scale = 100.0 if self.unit == "percent" else 1.0
            return float(scale * (value - reference))
        if reference == 0:
            return None
        return float((value - reference) / abs(reference))

    def format_change(
        self, change: float | None, lang: str = i18n.DEFAULT_LANGUAGE, signed: bool = True
    ) -> str | None:
        """A change from :meth:`change_between`: ``+2,1 pts``, ``-12,5 %`` (``12,5 %`` with
        ``signed`` off: the size of the change, for "down 12.5 %")."""
        if change is not None and not signed:
            change = abs(change)
        if change is None:
            return None
        if self.change_kind == "points":
            text = i18n.t("catalogue.points", lang, value=i18n.format_number(change, lang, 1))
            shown = round(change, 1)
        else:
            text = i18n.format_percent_value(change, lang)
            shown = round(change, 3)
        return f"+{text}" if shown > 0 and signed else text

    @property
    def per_currency(self) -> bool:
        """Whether the value depends on the currency of the amounts (never summed across
        currencies): money KPIs and the rates computed from amounts."""
        return self.unit == "money" or self.money

    @property
    def objectives(self) -> tuple[str, ...]:
        """Ids of the objectives this KPI serves."""
        return tuple(s.objective for s in self.serves)

    def weight(self, objective: str) -> int:
        """How strongly this KPI serves ``objective`` (0 when it does not)."""
        return next((s.weight for s in self.serves if s.objective == objective), 0)

    def why(self, objective: str, lang: str = i18n.DEFAULT_LANGUAGE) -> str | None:
        """Why this KPI serves ``objective``, or ``None`` when it does not."""
        serve = next((s for s in self.serves if s.objective == objective), None)
        return None if serve is None else serve.why(lang)

    def format(
        self, value: Any, lang: str = i18n.DEFAULT_LANGUAGE, currency: str | None = None
    ) -> str:
        """``value`` formatted for display (``–`` when missing), with the suffix if any."""
        text = i18n.format_value(value, self.unit, lang, currency)
        if self.suffix is not None and text != "–":
            text = f"{text} {self.suffix(lang)}"
        return text


# Role clauses used by many KPIs.
_AMOUNT = "amount|quantity+unit_price"
_CHANNEL = "channel|source"
# Every subscription KPI reads the whole table (kpi.metrics.subscriptions): a customer, a start
# and a price per interval (or the export's own MRR).
_SUBSCRIPTIONS = (
    Need("subscriptions", ("customer_id", "start_date", "unit_price|monthly_amount")),
)

OBJECTIVES: tuple[Objective, ...] = (
    Objective(
        "grow_revenue",
        Text("Faire croître le chiffre d'affaires", "Grow revenue"),
        Text(
            "Vendre plus : volume, panier moyen et pipeline de ventes à venir.",
            "Sell more: volume, order value and the pipeline of future sales.",
        ),
    ),
    Objective(
        "win_customers",
        Text("Conquérir de nouveaux clients", "Win new customers"),
        Text(
            "Attirer et signer de nouveaux clients à un coût d'acquisition maîtrisé.",
            "Attract and sign new customers at a controlled acquisition cost.",
        ),
    ),
    Objective(
        "keep_customers",
        Text("Fidéliser les clients", "Keep customers"),
        Text(
            "Faire revenir les clients et réduire l'attrition pour augmenter leur valeur.",
            "Bring customers back and reduce churn to raise their lifetime value.",
        ),
    ),
    Objective(
        "profitability",
        Text("Améliorer la rentabilité", "Improve profitability"),
        Text(
            "Gagner plus sur chaque vente : marge, coût d'acquisition et retour sur dépenses.",
            "Earn more on each sale: margin, acquisition cost and return on spend.",
        ),
    ),
    Objective(
        "team_performance",
        Text("Piloter la performance de l'équipe", "Manage team performance"),
        Text(
            "Suivre l'atteinte des objectifs, l'efficacité commerciale et l'activité des "
            "commerciaux.",
            "Track target attainment, sales effectiveness and the reps' activity.",
        ),
    ),
    Objective(
        "leads_marketing",
        Text("Générer des leads et rentabiliser le marketing", "Generate leads, marketing ROI"),
        Text(
            "Produire des leads de qualité et mesurer ce que rapporte chaque euro investi.",
            "Produce good leads and measure what each unit of spend brings back.",
        ),
    ),
    Objective(
        "satisfaction",
        Text("Satisfaction client", "Customer satisfaction"),
        Text(
            "Mesurer ce que les clients pensent de vous et ce qui les fait réclamer.",
            "Measure what customers think of you and what makes them complain.",
        ),
    ),
    Objective(
        "shorter_cycle",
        Text("Raccourcir le cycle de vente", "Shorten the sales cycle"),
        Text(
            "Signer plus vite : durée du cycle, vitesse du pipeline et conversion par étape.",
            "Close faster: cycle length, pipeline velocity and stage-to-stage conversion.",
        ),
    ),
    Objective(
        "recurring_revenue",
        Text("Croître en revenu récurrent", "Grow recurring revenue"),
        Text(
            "Développer les abonnements (MRR, nouveaux abonnés, hausses de formule) et garder "
            "ce qui est acquis (désabonnements, rétention du revenu).",
            "Grow subscriptions (MRR, new subscribers, upgrades) and keep what is won "
            "(cancellations, revenue retention).",
        ),
    ),
)
OBJECTIVE_IDS: tuple[str, ...] = tuple(o.id for o in OBJECTIVES)


CATALOGUE: tuple[KPI, ...] = (
    # -- Orders -------------------------------------------------------------------------------
    KPI(
        id="revenue",
        family="orders",
        label=Text("Chiffre d'affaires", "Revenue"),
        description=Text(
            "Ventes nettes de la période, avoirs et retours déduits.",
            "Net sales of the period, credit notes and returns deducted.",
        ),
        formula=Text(
            "Σ montant des lignes comptées de la période (montant, sinon quantité × prix "
            "unitaire ; montants négatifs conservés)",
            "Σ amount over counted rows in the period (amount, else quantity × unit price; "
            "negative amounts kept)",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Bouge avec le nombre de commandes et le panier moyen ; "
            "les annulations ne comptent pas, les avoirs le réduisent.",
            "Higher is better. Moves with the number of orders and the average order value; "
            "cancellations do not count, credit notes reduce it.",
        ),
        unit="money",
        headline=1,
        higher_is_better=True,
        needs=(Need("orders", (_AMOUNT,)),),
        serves=(
            Serve(
                "grow_revenue",
                3,
                Text(
                    "C'est la mesure directe de la croissance.",
                    "It is the direct measure of growth.",
                ),
            ),
            Serve(
                "team_performance",
                1,
                Text(
                    "Le résultat que l'équipe doit produire, à comparer à ses objectifs.",
                    "The result the team must deliver, to compare with its targets.",
                ),
            ),
        ),
        accumulates=True,
        measure=Measure("sum", "amount"),
        leaderboard=True,
        target_from_table=True,
    ),
    KPI(
        id="revenue_growth",
        family="orders",
        label=Text("Croissance du CA", "Revenue growth"),
        description=Text(
            "Évolution du chiffre d'affaires par rapport à la période précédente.",
            "Change in revenue compared with the previous period.",
        ),
        formula=Text(
            "(CA − CA de la période de comparaison) / CA de la période de comparaison",
            "(revenue − revenue of comparison period) / revenue of comparison period",
        ),
        reading=Text(
            "Positif = croissance. Comparez aussi à la même période l'an dernier pour écarter la "
            "saisonnalité.",
            "Positive means growth. Compare with the same period last year too, to set "
            "seasonality aside.",
        ),
        unit="percent",
        same_fact_as="revenue",
        partial_period="wait",
        higher_is_better=True,
        needs=(Need("orders", ("date", _AMOUNT)),),
        serves=(
            Serve(
                "grow_revenue",
                3,
                Text(
                    "Dit si les ventes accélèrent ou ralentissent.",
                    "Tells whether sales are speeding up or slowing down.",
                ),
            ),
        ),
        money=True,
    ),
    KPI(
        id="orders",
        family="orders",
        label=Text("Commandes", "Orders"),
        description=Text(
            "Nombre de commandes au montant net positif.",
            "Number of orders with a positive net amount.",
        ),
        formula=Text(
            "Nombre de N° de commande distincts dont le montant net (lignes comptées) est > 0 ; "
            "sans N° de commande, nombre de lignes comptées de montant > 0",
            "Number of distinct order ids whose net amount over counted rows is > 0; with no "
            "order id, number of counted rows with amount > 0",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Un avoir seul ou une commande entièrement remboursée "
            "n'est pas une commande.",
            "Higher is better. A credit note alone or a fully refunded order is not an order.",
        ),
        unit="count",
        headline=2,
        higher_is_better=True,
        needs=(Need("orders", (_AMOUNT,)),),
        serves=(
            Serve(
                "grow_revenue",
                2,
                Text(
                    "Le volume de ventes, premier levier du chiffre d'affaires.",
                    "Sales volume, the first lever of revenue.",
                ),
            ),
        ),
        accumulates=True,
        measure=Measure("orders"),
        leaderboard=True,
    ),
    KPI(
        id="aov",
        family="orders",
        label=Text("Panier moyen", "Average order value"),
        description=Text(
            "Montant moyen d'une commande.",
            "Average amount of an order.",
        ),
        formula=Text("CA / commandes", "revenue / orders"),
        reading=Text(
            "Plus c'est haut, mieux c'est. Monte avec la vente additionnelle, les gammes "
            "supérieures et les hausses de prix ; baisse avec les remises.",
            "Higher is better. Rises with cross-selling, up-selling and price increases; falls "
            "with discounts.",
        ),
        unit="money",
        headline=3,
        higher_is_better=True,
        needs=(Need("orders", (_AMOUNT,)),),
        serves=(
            Serve(
                "grow_revenue",
                2,
                Text(
                    "Vendre plus à chaque commande fait croître le CA sans nouveaux clients.",
                    "Selling more per order grows revenue without new customers.",
                ),
            ),
            Serve(
                "profitability",
                1,
                Text(
                    "Un panier plus gros amortit les coûts fixes de chaque commande.",
                    "A bigger basket spreads the fixed cost of each order.",
                ),
            ),
        ),
        measure=Measure("aov"),
        leaderboard=True,
    ),
    KPI(
        id="customers",
        family="orders",
        label=Text("Clients actifs", "Active customers"),
        description=Text(
            "Clients distincts ayant acheté sur la période.",
            "Distinct customers who bought in the period.",
        ),
        formula=Text(
            "Nombre de clients distincts (non vides) parmi les lignes comptées de la période",
            "Distinct non-empty customer ids among counted rows in the period",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Monte avec les nouveaux clients et les retours de "
            "clients existants.",
            "Higher is better. Rises with new customers and returning ones.",
        ),
        unit="count",
        headline=4,
        partial_period="wait",
        higher_is_better=True,
        needs=(Need("orders", ("customer_id",)),),
        serves=(
            Serve(
                "win_customers",
                2,
                Text(
                    "La taille de la base de clients qui achètent.",
                    "The size of the base of customers who buy.",
                ),
            ),
            Serve(
                "grow_revenue",
                1,
                Text(
                    "Plus de clients actifs, c'est plus de ventes.",
                    "More active customers means more sales.",
                ),
            ),
        ),
        accumulates=True,
        measure=Measure("customers"),
        leaderboard=True,
    ),
    KPI(
        id="new_customers",
        family="orders",
        label=Text("Nouveaux clients", "New customers"),
        description=Text(
            "Clients dont le tout premier achat tombe dans la période.",
            "Customers whose very first purchase falls in the period.",
        ),
        formula=Text(
            "Clients dont le premier achat (sur toutes les données : leur première commande "
            "de montant net positif ; une annulation ou un avoir n'en est pas un) tombe dans la "
            "période",
            "Customers whose first purchase (over all data: their first order with a positive "
            "net amount; a cancellation or a refund is not one) falls in the period",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Suit la prospection, le marketing et le taux de "
            "conversion des leads.",
            "Higher is better. Follows prospecting, marketing and lead conversion.",
        ),
        unit="count",
        partial_period="wait",
        higher_is_better=True,
        needs=(Need("orders", ("customer_id", "date")),),
        serves=(
            Serve(
                "win_customers",
                3,
                Text(
                    "C'est le résultat direct de la conquête.",
                    "It is the direct result of acquisition.",
                ),
            ),
            Serve(
                "leads_marketing",
                1,
                Text(
                    "Ce que le marketing et la prospection finissent par produire.",
                    "What marketing and prospecting end up producing.",
                ),
            ),
        ),
        accumulates=True,
    ),
    KPI(
        id="revenue_per_customer",
        family="orders",
        label=Text("CA par client", "Revenue per customer"),
        description=Text(
            "Chiffre d'affaires moyen par client actif.",
            "Average revenue per active customer.",
        ),
        formula=Text("CA / clients actifs", "revenue / customers"),
        reading=Text(
            "Plus c'est haut, mieux c'est. Monte quand les clients achètent plus souvent ou plus "
            "à chaque fois.",
            "Higher is better. Rises when customers buy more often or more each time.",
        ),
        unit="money",
        partial_period="wait",
        higher_is_better=True,
        needs=(Need("orders", ("customer_id", _AMOUNT)),),
        serves=(
            Serve(
                "grow_revenue",
                2,
                Text(
                    "Mesure combien chaque client rapporte : le levier de la vente additionnelle.",
                    "Measures what each customer brings: the lever of account growth.",
                ),
            ),
            Serve(
                "keep_customers",
                1,
                Text(
                    "Des clients fidèles achètent davantage au fil du temps.",
                    "Loyal customers buy more over time.",
                ),
            ),
        ),
    ),
    KPI(
        id="repeat_rate",
        family="orders",
        label=Text("Taux de réachat", "Repeat purchase rate"),
        description=Text(
            "Part des clients ayant passé au moins deux commandes dans la période.",
            "Share of customers who placed at least two orders in the period.",
        ),
        formula=Text(
            "Clients ayant ≥ 2 commandes dans la période / clients actifs",
            "customers with ≥ 2 orders in the period / customers",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Dépend de la durée de la période : comparez des "
            "périodes de même longueur.",
            "Higher is better. Depends on the length of the period: compare periods of the same "
            "length.",
        ),
        unit="percent",
        partial_period="wait",
        higher_is_better=True,
        needs=(Need("orders", ("customer_id", _AMOUNT)),),
        serves=(
            Serve(
                "keep_customers",
                2,
                Text(
                    "Des clients qui reviennent acheter sont des clients fidèles.",
                    "Customers who come back to buy are loyal customers.",
                ),
            ),
            Serve(
                "satisfaction",
                1,
                Text(
                    "Un client satisfait revient : la preuve par les actes.",
                    "A satisfied customer comes back: proof by behaviour.",
                ),
            ),
        ),
    ),
    KPI(
        id="retention_rate",
        family="orders",
        label=Text("Taux de rétention", "Retention rate"),
        description=Text(
            "Part des clients de la période précédente qui ont de nouveau acheté.",
            "Share of the previous period's customers who bought again.",
        ),
        formula=Text(
            "Clients actifs à la fois sur la période précédente et sur celle-ci / clients actifs "
            "sur la période précédente",
            "customers active in both the previous period and this one / customers active in "
            "the previous period",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Sur un mois, un client qui achète chaque trimestre "
            "paraît perdu : préférez le trimestre ou l'année si les achats sont espacés.",
            "Higher is better. Over a month, a customer who buys every quarter looks lost: use "
            "quarters or years when purchases are spaced out.",
        ),
        unit="percent",
        partial_period="wait",
        higher_is_better=True,
        needs=(Need("orders", ("customer_id", "date")),),
        serves=(
            Serve(
                "keep_customers",
                3,
                Text(
                    "C'est la mesure directe de la fidélité.",
                    "It is the direct measure of loyalty.",
                ),
            ),
            Serve(
                "satisfaction",
                1,
                Text(
                    "Des clients satisfaits restent.",
                    "Satisfied customers stay.",
                ),
            ),
        ),
    ),
    KPI(
        id="churn_rate",
        family="orders",
        label=Text("Taux d'attrition", "Churn rate"),
        description=Text(
            "Part des clients de la période précédente qui n'ont pas racheté.",
            "Share of the previous period's customers who did not buy again.",
        ),
        formula=Text("1 − taux de rétention", "1 − retention_rate"),
        reading=Text(
            "Plus c'est bas, mieux c'est. Même remarque que la rétention sur la longueur de la "
            "période.",
            "Lower is better. Same caveat as retention on the length of the period.",
        ),
        unit="percent",
        same_fact_as="retention_rate",
        partial_period="wait",
        higher_is_better=False,
        needs=(Need("orders", ("customer_id", "date")),),
        serves=(
            Serve(
                "keep_customers",
                3,
                Text(
                    "Montre les clients perdus, à reconquérir ou à comprendre.",
                    "Shows the customers lost, to win back or to understand.",
                ),
            ),
            Serve(
                "satisfaction",
                1,
                Text(
                    "L'insatisfaction finit en départs.",
                    "Dissatisfaction ends in departures.",
                ),
            ),
        ),
    ),
    KPI(
        id="gross_margin",
        family="orders",
        label=Text("Marge brute", "Gross margin"),
        description=Text(
            "Ce qui reste du chiffre d'affaires après le coût des ventes.",
            "What remains of revenue after the cost of sales.",
        ),
        formula=Text(
            "CA − Σ coût (ou Σ marge/profit quand une colonne de marge est associée à la place "
            "du coût)",
            "revenue − Σ cost (or Σ profit when a profit/margin column is mapped instead of cost)",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Monte avec les prix et le mix produits, baisse avec "
            "les remises et les coûts d'achat.",
            "Higher is better. Rises with prices and product mix, falls with discounts and "
            "purchase costs.",
        ),
        unit="money",
        higher_is_better=True,
        needs=(Need("orders", (_AMOUNT, "cost|profit")),),
        serves=(
            Serve(
                "profitability",
                3,
                Text(
                    "C'est ce que les ventes rapportent vraiment.",
                    "It is what sales really earn.",
                ),
            ),
        ),
        accumulates=True,
        measure=Measure("sum", "margin"),
    ),
    KPI(
        id="gross_margin_pct",
        family="orders",
        label=Text("Taux de marge", "Gross margin %"),
        description=Text(
            "Part du chiffre d'affaires conservée en marge.",
            "Share of revenue kept as margin.",
        ),
        formula=Text("Marge brute / CA", "gross_margin / revenue"),
        reading=Text(
            "Plus c'est haut, mieux c'est. Surveillez-le quand le CA monte grâce aux remises.",
            "Higher is better. Watch it when revenue rises thanks to discounts.",
        ),
        unit="percent",
        headline=5,
        higher_is_better=True,
        needs=(Need("orders", (_AMOUNT, "cost|profit")),),
        serves=(
            Serve(
                "profitability",
                3,
                Text(
                    "Dit si chaque vente est rentable, indépendamment du volume.",
                    "Tells whether each sale pays, whatever the volume.",
                ),
            ),
        ),
        leaderboard=True,
        money=True,
    ),
    KPI(
        id="units_sold",
        family="orders",
        label=Text("Unités vendues", "Units sold"),
        description=Text(
            "Quantités vendues nettes des retours.",
            "Quantities sold, net of returns.",
        ),
        formula=Text("Σ quantité des lignes comptées", "Σ quantity over counted rows"),
        reading=Text(
            "Plus c'est haut, mieux c'est. À lire avec le CA : des unités en hausse et un CA "
            "stable signalent une baisse des prix.",
            "Higher is better. Read with revenue: units up and revenue flat means falling prices.",
        ),
        unit="count",
        higher_is_better=True,
        needs=(Need("orders", ("quantity",)),),
        serves=(
            Serve(
                "grow_revenue",
                1,
                Text(
                    "Le volume physique derrière le chiffre d'affaires.",
                    "The physical volume behind revenue.",
                ),
            ),
        ),
        accumulates=True,
        measure=Measure("sum", "quantity"),
    ),
    KPI(
        id="clv",
        family="orders",
        label=Text("Valeur vie client (CLV)", "Customer lifetime value"),
        description=Text(
            "Marge qu'un client rapporte sur toute sa relation avec vous (estimation).",
            "Margin a customer brings over their whole relationship with you (estimate).",
        ),
        formula=Text(
            "(CA par client sur 12 mois × taux de marge) / taux d'attrition annuel ; sur les "
            "12 mois qui finissent avec la période ; sans colonne Coût ou Marge, le taux de "
            "marge que vous indiquez ; non défini quand les 12 mois d'avant couvrent moins de "
            "11 mois de données",
            "(revenue_per_customer per year × gross_margin_pct) / yearly churn_rate; over the "
            "12 months ending with the period; without a cost or profit column, the margin "
            "rate you give; undefined when the 12 months before hold less than 11 months of "
            "data",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Très sensible à l'attrition : la diviser par deux "
            "double la CLV. Montré avec ses composantes.",
            "Higher is better. Very sensitive to churn: halving churn doubles CLV. Shown with "
            "its inputs.",
        ),
        unit="money",
        higher_is_better=True,
        needs=(Need("orders", ("customer_id", "date", _AMOUNT)),),
        serves=(
            Serve(
                "keep_customers",
                2,
                Text(
                    "Chiffre ce que vaut un client fidèle, donc ce que coûte l'attrition.",
                    "Puts a figure on a loyal customer, hence on the cost of churn.",
                ),
            ),
            Serve(
                "profitability",
                1,
                Text(
                    "Dit combien on peut dépenser pour acquérir un client.",
                    "Tells how much you can spend to win a customer.",
                ),
            ),
        ),
    ),
    KPI(
        id="revenue_share",
        family="orders",
        label=Text("Part du CA (principal segment)", "Revenue share (top segment)"),
        description=Text(
            "Part du CA du premier produit, région, canal, commercial ou segment ; le détail "
            "donne chaque part.",
            "Revenue share of the top product, region, channel, rep or segment; the detail "
            "gives every share.",
        ),
        formula=Text(
            "CA d'un segment / CA (par produit, région, canal, commercial ou segment)",
            "revenue of a segment / revenue (product, region, channel, rep, segment)",
        ),
        reading=Text(
            "Ni haut ni bas en soi : une part très élevée signale une dépendance à un produit, "
            "un client ou un commercial.",
            "Neither high nor low is good in itself: a very high share signals dependence on one "
            "product, customer or rep.",
        ),
        unit="percent",
        higher_is_better=None,
        needs=(Need("orders", (_AMOUNT, "product|region|channel|rep|segment")),),
        serves=(
            Serve(
                "grow_revenue",
                1,
                Text(
                    "Montre d'où vient le CA et où chercher la croissance.",
                    "Shows where revenue comes from and where to look for growth.",
                ),
            ),
        ),
        money=True,
    ),
    KPI(
        id="complaint_rate",
        family="orders",
        label=Text("Taux de réclamation", "Complaint rate"),
        description=Text(
            "Part des commandes retournées, remboursées ou en réclamation/litige.",
            "Share of orders returned, refunded or under complaint/dispute.",
        ),
        formula=Text(
            "(Commandes au statut retour, remboursement, réclamation ou litige + avoirs, "
            "c.-à-d. commandes au montant net négatif) / commandes au montant net positif, "
            "tous statuts",
            "(orders with a return, refund, complaint or dispute status + credit notes, i.e. "
            "orders with a negative net amount) / orders with a positive net amount, any status",
        ),
        reading=Text(
            "Plus c'est bas, mieux c'est. Monte avec les défauts de qualité, les erreurs de "
            "livraison ou de facturation.",
            "Lower is better. Rises with quality defects, delivery or billing errors.",
        ),
        unit="percent",
        higher_is_better=False,
        needs=(Need("orders", (_AMOUNT,)),),
        serves=(
            Serve(
                "satisfaction",
                3,
                Text(
                    "Chaque retour ou litige est un client mécontent.",
                    "Every return or dispute is an unhappy customer.",
                ),
            ),
            Serve(
                "keep_customers",
                1,
                Text(
                    "Un client qui réclame est un client à risque.",
                    "A customer who complains is a customer at risk.",
                ),
            ),
        ),
    ),
    KPI(
        id="avg_discount_rate",
        family="orders",
        label=Text("Taux de remise moyen", "Average discount rate"),
        description=Text(
            "Remise moyenne accordée sur les ventes de la période, pondérée par le CA.",
            "Average discount granted on the period's sales, weighted by revenue.",
        ),
        formula=Text(
            "Σ (taux de remise × montant) / Σ montant, sur les lignes comptées de la période au "
            "montant > 0 (taux en fraction, ou en % quand une valeur dépasse 1 ; sans taux : "
            "0 %)",
            "Σ (discount rate × amount) / Σ amount over counted rows in the period with an "
            "amount > 0 (rates as fractions, or percent when any value is above 1; no rate: 0 %)",
        ),
        reading=Text(
            "Plus c'est bas, mieux c'est pour la marge. Monte avec les promotions et les gros "
            "rabais consentis aux grands comptes ; à lire avec le panier moyen et la marge.",
            "Lower is better for the margin. Rises with promotions and large discounts to big "
            "accounts; read it with the average order value and the margin.",
        ),
        unit="percent",
        higher_is_better=False,
        needs=(Need("orders", (_AMOUNT, "discount")),),
        serves=(
            Serve(
                "profitability",
                2,
                Text(
                    "Chaque point de remise est pris sur la marge.",
                    "Every point of discount comes out of the margin.",
                ),
            ),
        ),
        spec=False,
        money=True,
    ),
    # -- Pipeline -----------------------------------------------------------------------------
    KPI(
        id="win_rate",
        family="pipeline",
        label=Text("Taux de transformation", "Win rate"),
        description=Text(
            "Part des affaires conclues qui sont gagnées.",
            "Share of closed deals that are won.",
        ),
        formula=Text(
            "Gagnées / (gagnées + perdues), affaires clôturées dans la période",
            "won / (won + lost), deals closed in the period",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Monte avec une meilleure qualification ; un taux très "
            "haut peut aussi dire qu'on ne tente pas assez d'affaires.",
            "Higher is better. Rises with better qualification; a very high rate can also mean "
            "too few deals are attempted.",
        ),
        unit="percent",
        headline=6,
        higher_is_better=True,
        needs=(Need("deals", ("stage|won",)),),
        serves=(
            Serve(
                "team_performance",
                2,
                Text(
                    "L'efficacité commerciale : combien d'affaires l'équipe sait conclure.",
                    "Sales effectiveness: how many deals the team can close.",
                ),
            ),
            Serve(
                "win_customers",
                2,
                Text(
                    "Plus d'affaires gagnées, c'est plus de nouveaux clients.",
                    "More deals won means more new customers.",
                ),
            ),
            Serve(
                "shorter_cycle",
                2,
                Text(
                    "Moins d'affaires perdues, c'est moins de temps gaspillé.",
                    "Fewer lost deals means less time wasted.",
                ),
            ),
            Serve(
                "grow_revenue",
                1,
                Text(
                    "Transformer plus d'affaires fait croître les ventes à pipeline égal.",
                    "Converting more deals grows sales from the same pipeline.",
                ),
            ),
        ),
        measure=Measure("ratio", "won", "won_or_lost", date="closed"),
        leaderboard=True,
    ),
    KPI(
        id="avg_deal_size",
        family="pipeline",
        label=Text("Montant moyen des affaires gagnées", "Average deal size"),
        description=Text(
            "Montant moyen d'une affaire gagnée.",
            "Average amount of a won deal.",
        ),
        formula=Text(
            "Moyenne du montant des affaires gagnées (clôturées dans la période)",
            "mean amount of won deals (closed in the period)",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Monte avec des offres plus larges ou des comptes plus "
            "gros.",
            "Higher is better. Rises with broader offers or bigger accounts.",
        ),
        unit="money",
        headline=8,
        higher_is_better=True,
        needs=(Need("deals", ("stage|won", "amount")),),
        serves=(
            Serve(
                "grow_revenue",
                1,
                Text(
                    "Des affaires plus grosses font croître le CA signé.",
                    "Bigger deals grow the revenue signed.",
                ),
            ),
            Serve(
                "team_performance",
                2,
                Text(
                    "Compare la capacité des commerciaux à vendre large.",
                    "Compares the reps' ability to sell big.",
                ),
            ),
        ),
        leaderboard=True,
    ),
    KPI(
        id="sales_cycle_days",
        family="pipeline",
        label=Text("Durée du cycle de vente", "Sales cycle length"),
        description=Text(
            "Nombre moyen de jours entre la création et la signature d'une affaire gagnée.",
            "Average number of days from creation to signature of a won deal.",
        ),
        formula=Text(
            "Moyenne de (date de clôture − date de création) en jours, affaires gagnées",
            "mean (close date − creation date) in days, won deals",
        ),
        reading=Text(
            "Plus c'est bas, mieux c'est. S'allonge avec les gros comptes et les décisions à "
            "plusieurs.",
            "Lower is better. Lengthens with large accounts and decisions by committee.",
        ),
        unit="days",
        headline=9,
        higher_is_better=False,
        needs=(Need("deals", ("stage|won", "created_date", "close_date|date")),),
        serves=(
            Serve(
                "shorter_cycle",
                3,
                Text(
                    "C'est la mesure directe du cycle de vente.",
                    "It is the direct measure of the sales cycle.",
                ),
            ),
            Serve(
                "team_performance",
                1,
                Text(
                    "Révèle les commerciaux dont les affaires traînent.",
                    "Reveals the reps whose deals drag on.",
                ),
            ),
        ),
        leaderboard=True,
    ),
    KPI(
        id="pipeline_value",
        family="pipeline",
        label=Text("Pipeline ouvert", "Open pipeline"),
        description=Text(
            "Montant total des affaires encore ouvertes (état à la fin des données).",
            "Total amount of the deals still open (as at the end of the data).",
        ),
        formula=Text(
            "Σ montant des affaires ouvertes (à la fin des données)",
            "Σ amount of open deals (at the end of the data)",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est, si les affaires sont réelles. Une photo : ne dépend "
            "pas de la période choisie.",
            "Higher is better, if the deals are real. A snapshot: it does not depend on the "
            "period chosen.",
        ),
        unit="money",
        headline=7,
        higher_is_better=True,
        needs=(Need("deals", ("stage|won", "amount")),),
        serves=(
            Serve(
                "grow_revenue",
                2,
                Text(
                    "Les ventes de demain sont dans le pipeline d'aujourd'hui.",
                    "Tomorrow's sales are in today's pipeline.",
                ),
            ),
        ),
        snapshot=True,
    ),
    KPI(
        id="weighted_pipeline",
        family="pipeline",
        label=Text("Pipeline pondéré", "Weighted pipeline"),
        description=Text(
            "Pipeline ouvert pondéré par la probabilité de gain de chaque affaire.",
            "Open pipeline weighted by each deal's chance of winning.",
        ),
        formula=Text(
            "Σ montant × probabilité des affaires ouvertes (colonne de probabilité, sinon taux "
            "historique de gain depuis l'étape)",
            "Σ amount × stage probability of open deals (probability column, else historical "
            "stage-to-win rate)",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Une prévision de ventes plus réaliste que le pipeline "
            "brut.",
            "Higher is better. A more realistic sales forecast than the raw pipeline.",
        ),
        unit="money",
        higher_is_better=True,
        needs=(Need("deals", ("stage|won", "amount")),),
        serves=(
            Serve(
                "grow_revenue",
                2,
                Text(
                    "Prévoit le CA que le pipeline devrait produire.",
                    "Forecasts the revenue the pipeline should produce.",
                ),
            ),
        ),
        snapshot=True,
    ),
    KPI(
        id="sales_velocity",
        family="pipeline",
        label=Text("Vélocité commerciale", "Sales velocity"),
        description=Text(
            "CA que le pipeline produit par jour.",
            "Revenue the pipeline produces per day.",
        ),
        formula=Text(
            "Affaires ouvertes × taux de transformation × montant moyen gagné / durée du cycle "
            "(par jour)",
            "open deals × win_rate × avg_deal_size / sales_cycle_days (per day)",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Quatre leviers : plus d'affaires, mieux transformées, "
            "plus grosses, plus vite.",
            "Higher is better. Four levers: more deals, better converted, bigger, faster.",
        ),
        unit="money",
        higher_is_better=True,
        needs=(Need("deals", ("stage|won", "amount", "created_date", "close_date|date")),),
        serves=(
            Serve(
                "shorter_cycle",
                3,
                Text(
                    "Combine vitesse et efficacité en un seul chiffre.",
                    "Combines speed and effectiveness in one figure.",
                ),
            ),
            Serve(
                "grow_revenue",
                2,
                Text(
                    "Dit combien le pipeline rapporte chaque jour.",
                    "Tells how much the pipeline earns each day.",
                ),
            ),
            Serve(
                "team_performance",
                2,
                Text(
                    "Compare le rythme de production des commerciaux.",
                    "Compares the reps' output pace.",
                ),
            ),
        ),
        suffix=Text("/ jour", "/ day"),
    ),
    KPI(
        id="stage_conversion",
        family="pipeline",
        label=Text("Conversion du pipeline", "Stage conversion"),
        description=Text(
            "Part des affaires qui passent d'une étape à la suivante ; la valeur est la "
            "conversion de la première étape jusqu'au gain, le détail donne chaque étape.",
            "Share of deals that move from one stage to the next; the value is the conversion "
            "from the first stage to won, the detail gives each step.",
        ),
        formula=Text(
            "Pour les étapes dans l'ordre : affaires ayant atteint l'étape k+1 / affaires ayant "
            "atteint l'étape k ; une affaire a atteint toutes les étapes jusqu'à la sienne, une "
            "affaire gagnée les a toutes atteintes, une affaire perdue toutes celles jusqu'à la "
            "dernière qu'on sait atteinte (d'après ses dates d'étape, sinon l'étape enregistrée "
            "avec la perte)",
            "for stages in order, deals that reached stage k+1 / deals that reached stage k, "
            "where a deal reached every stage up to its current one, won deals reached all "
            "stages, and a lost deal every stage up to the last one it is known to have reached "
            "(from its stage dates, else the stage recorded with the loss)",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. L'étape où la conversion chute est le goulot "
            "d'étranglement à traiter.",
            "Higher is better. The stage where conversion drops is the bottleneck to work on.",
        ),
        unit="percent",
        higher_is_better=True,
        needs=(Need("deals", ("stage",)),),
        serves=(
            Serve(
                "shorter_cycle",
                2,
                Text(
                    "Montre l'étape où les affaires bloquent.",
                    "Shows the stage where deals get stuck.",
                ),
            ),
            Serve(
                "win_customers",
                1,
                Text(
                    "Dit où l'on perd les futurs clients.",
                    "Tells where future customers are lost.",
                ),
            ),
        ),
    ),
    KPI(
        id="deals_created",
        family="pipeline",
        label=Text("Affaires créées", "Deals created"),
        description=Text(
            "Nouvelles affaires ouvertes dans la période.",
            "New deals opened in the period.",
        ),
        formula=Text("Affaires créées dans la période", "deals created in the period"),
        reading=Text(
            "Plus c'est haut, mieux c'est. L'alimentation du pipeline : sans nouvelles affaires, "
            "les ventes baisseront dans un cycle.",
            "Higher is better. What feeds the pipeline: without new deals, sales fall one cycle "
            "later.",
        ),
        unit="count",
        partial_period="project",
        higher_is_better=True,
        needs=(Need("deals"),),
        serves=(
            Serve(
                "win_customers",
                2,
                Text(
                    "Chaque affaire créée est un client potentiel.",
                    "Every deal created is a potential customer.",
                ),
            ),
            Serve(
                "team_performance",
                1,
                Text(
                    "Mesure l'activité de prospection de chaque commercial.",
                    "Measures each rep's prospecting activity.",
                ),
            ),
        ),
        accumulates=True,
        leaderboard=True,
    ),
    # -- Leads --------------------------------------------------------------------------------
    KPI(
        id="leads",
        family="leads",
        label=Text("Leads", "Leads"),
        description=Text(
            "Leads créés dans la période (par source dans le détail).",
            "Leads created in the period (by source in the detail).",
        ),
        formula=Text(
            "Leads créés dans la période (par source)",
            "leads created in the period (by source)",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est, à qualité égale : lisez-le avec le taux de conversion.",
            "Higher is better, at equal quality: read it with the conversion rate.",
        ),
        unit="count",
        partial_period="project",
        higher_is_better=True,
        needs=(Need("leads"),),
        serves=(
            Serve(
                "leads_marketing",
                3,
                Text(
                    "C'est la production directe du marketing.",
                    "It is marketing's direct output.",
                ),
            ),
            Serve(
                "win_customers",
                1,
                Text(
                    "Le haut de l'entonnoir des futurs clients.",
                    "The top of the funnel of future customers.",
                ),
            ),
        ),
        accumulates=True,
    ),
    KPI(
        id="lead_conversion_rate",
        family="leads",
        label=Text("Taux de conversion des leads", "Lead conversion rate"),
        description=Text(
            "Part des leads créés dans la période qui sont devenus clients ou opportunités.",
            "Share of the leads created in the period that converted.",
        ),
        formula=Text(
            "Leads convertis / leads, par période de création",
            "converted leads / leads, by creation period",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Baisse pour les leads récents qui n'ont pas encore eu "
            "le temps de convertir.",
            "Higher is better. Lower for recent leads that have not had time to convert yet.",
        ),
        unit="percent",
        headline=10,
        higher_is_better=True,
        needs=(Need("leads", ("converted",)),),
        serves=(
            Serve(
                "leads_marketing",
                3,
                Text(
                    "Mesure la qualité des leads, pas seulement leur nombre.",
                    "Measures lead quality, not just quantity.",
                ),
            ),
            Serve(
                "win_customers",
                2,
                Text(
                    "Transformer plus de leads, c'est plus de clients sans plus de dépenses.",
                    "Converting more leads means more customers without more spend.",
                ),
            ),
        ),
        measure=Measure("ratio", "converted", "decided", date="created"),
        leaderboard=True,
    ),
    KPI(
        id="cost_per_lead",
        family="marketing",
        label=Text("Coût par lead", "Cost per lead"),
        description=Text(
            "Dépense marketing par lead obtenu (par canal dans le détail).",
            "Marketing spend per lead obtained (by channel in the detail).",
        ),
        formula=Text(
            "Dépenses / leads, par canal quand les deux ont un canal",
            "spend / leads, per channel when both are mapped",
        ),
        reading=Text(
            "Plus c'est bas, mieux c'est, à qualité égale. Comparez les canaux entre eux.",
            "Lower is better, at equal quality. Compare channels with one another.",
        ),
        unit="money",
        partial_period="wait",
        higher_is_better=False,
        needs=(Need("spend", ("spend",)), Need("leads")),
        serves=(
            Serve(
                "leads_marketing",
                3,
                Text(
                    "Dit quels canaux produisent des leads à bon prix.",
                    "Tells which channels produce leads at a good price.",
                ),
            ),
            Serve(
                "profitability",
                1,
                Text(
                    "Réduit les dépenses inutiles en haut de l'entonnoir.",
                    "Cuts wasted spend at the top of the funnel.",
                ),
            ),
        ),
    ),
    # -- Marketing spend ------------------------------------------------------------------------
    KPI(
        id="cac",
        family="marketing",
        label=Text("Coût d'acquisition client (CAC)", "Customer acquisition cost"),
        description=Text(
            "Dépense commerciale et marketing par nouveau client.",
            "Sales and marketing spend per new customer.",
        ),
        formula=Text(
            "Σ dépenses commerciales et marketing de la période / nouveaux clients de la période",
            "Σ sales and marketing spend in the period / new_customers in the period",
        ),
        reading=Text(
            "Plus c'est bas, mieux c'est. À comparer à la valeur vie client (ratio CLV/CAC).",
            "Lower is better. Compare it with customer lifetime value (LTV/CAC ratio).",
        ),
        unit="money",
        partial_period="wait",
        higher_is_better=False,
        needs=(Need("spend", ("spend",)), Need("orders", ("customer_id", "date"))),
        serves=(
            Serve(
                "win_customers",
                3,
                Text(
                    "Dit ce que coûte chaque nouveau client.",
                    "Tells what each new customer costs.",
                ),
            ),
            Serve(
                "profitability",
                2,
                Text(
                    "Un client trop cher à acquérir détruit la marge.",
                    "A customer too costly to win destroys margin.",
                ),
            ),
            Serve(
                "leads_marketing",
                2,
                Text(
                    "Juge le marketing sur les clients, pas seulement sur les leads.",
                    "Judges marketing on customers, not just leads.",
                ),
            ),
        ),
    ),
    KPI(
        id="ltv_cac",
        family="marketing",
        label=Text("Ratio CLV / CAC", "LTV / CAC"),
        description=Text(
            "Combien de fois un client rapporte ce qu'il a coûté à acquérir.",
            "How many times a customer pays back what it cost to win.",
        ),
        formula=Text("CLV / CAC", "clv / cac"),
        reading=Text(
            "Plus c'est haut, mieux c'est ; sous 1, chaque client fait perdre de l'argent, "
            "autour de 3 est une référence courante.",
            "Higher is better; below 1 each customer loses money, around 3 is a common benchmark.",
        ),
        unit="ratio",
        partial_period="wait",
        higher_is_better=True,
        needs=(
            Need("spend", ("spend",)),
            Need("orders", ("customer_id", "date", _AMOUNT)),
        ),
        serves=(
            Serve(
                "profitability",
                2,
                Text(
                    "Dit si l'acquisition de clients est rentable.",
                    "Tells whether winning customers pays.",
                ),
            ),
            Serve(
                "leads_marketing",
                2,
                Text(
                    "Le retour sur investissement marketing à l'échelle d'un client.",
                    "Marketing return on investment at the scale of one customer.",
                ),
            ),
            Serve(
                "keep_customers",
                1,
                Text(
                    "La fidélité augmente la CLV, donc le ratio.",
                    "Loyalty raises CLV, hence the ratio.",
                ),
            ),
        ),
        money=True,
    ),
    KPI(
        id="roi",
        family="marketing",
        label=Text("ROI marketing", "Marketing ROI"),
        description=Text(
            "Ce que rapportent les dépenses marketing, par canal dans le détail.",
            "What marketing spend returns, by channel in the detail.",
        ),
        formula=Text(
            "(CA attribué au canal − dépenses du canal) / dépenses du canal ; au total, sur les "
            "canaux qui ont des dépenses",
            "(revenue attributed to the channel − spend on the channel) / spend on the channel; "
            "in total, over channels with spend",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est ; négatif, le canal coûte plus qu'il ne rapporte (en "
            "CA, avant marge).",
            "Higher is better; negative, the channel costs more than it brings (in revenue, "
            "before margin).",
        ),
        unit="percent",
        partial_period="wait",
        higher_is_better=True,
        needs=(Need("spend", ("spend", _CHANNEL)), Need("orders", (_AMOUNT, _CHANNEL))),
        serves=(
            Serve(
                "leads_marketing",
                3,
                Text(
                    "Dit quels canaux rapportent plus qu'ils ne coûtent.",
                    "Tells which channels bring in more than they cost.",
                ),
            ),
            Serve(
                "profitability",
                2,
                Text(
                    "Réoriente le budget vers les canaux rentables.",
                    "Moves budget towards profitable channels.",
                ),
            ),
        ),
        money=True,
    ),
    # -- Activities ---------------------------------------------------------------------------
    KPI(
        id="response_rate",
        family="activities",
        label=Text("Taux de réponse", "Response rate"),
        description=Text(
            "Part des messages envoyés (e-mails…) qui ont reçu une réponse.",
            "Share of the messages sent (e-mails…) that got a reply.",
        ),
        formula=Text("Réponses / messages envoyés", "replies / messages sent"),
        reading=Text(
            "Plus c'est haut, mieux c'est. Monte avec le ciblage et la personnalisation des "
            "messages.",
            "Higher is better. Rises with better targeting and personalised messages.",
        ),
        unit="percent",
        higher_is_better=True,
        needs=(Need("activities", ("replied",)),),
        serves=(
            Serve(
                "team_performance",
                2,
                Text(
                    "Mesure la qualité de la prospection de chaque commercial.",
                    "Measures the quality of each rep's prospecting.",
                ),
            ),
            Serve(
                "leads_marketing",
                1,
                Text(
                    "Dit si les contacts ciblés sont réceptifs.",
                    "Tells whether the targeted contacts are receptive.",
                ),
            ),
            Serve(
                "shorter_cycle",
                1,
                Text(
                    "Des réponses rapides font avancer les affaires.",
                    "Quick replies move deals forward.",
                ),
            ),
        ),
        leaderboard=True,
    ),
    KPI(
        id="meeting_rate",
        family="activities",
        label=Text("Taux de prise de rendez-vous", "Meeting rate"),
        description=Text(
            "Part des appels ou contacts qui débouchent sur un rendez-vous.",
            "Share of calls or contacts that lead to a meeting.",
        ),
        formula=Text(
            "Rendez-vous obtenus / appels ou contacts effectués",
            "meetings booked / calls or contacts made",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Monte avec un meilleur ciblage et un meilleur "
            "argumentaire.",
            "Higher is better. Rises with better targeting and a better pitch.",
        ),
        unit="percent",
        higher_is_better=True,
        needs=(Need("activities", ("meeting|activity_type",)),),
        serves=(
            Serve(
                "team_performance",
                2,
                Text(
                    "L'efficacité des appels de chaque commercial.",
                    "The effectiveness of each rep's calls.",
                ),
            ),
            Serve(
                "shorter_cycle",
                1,
                Text(
                    "Obtenir vite un rendez-vous raccourcit le début du cycle.",
                    "Getting a meeting quickly shortens the start of the cycle.",
                ),
            ),
        ),
        leaderboard=True,
    ),
    KPI(
        id="avg_call_minutes",
        family="activities",
        label=Text("Durée moyenne des appels", "Average call duration"),
        description=Text(
            "Durée moyenne d'un appel, en minutes.",
            "Average length of a call, in minutes.",
        ),
        formula=Text("Moyenne de la durée des appels", "mean duration of calls"),
        reading=Text(
            "Ni haut ni bas en soi : des appels très courts peuvent signaler des échanges qui "
            "n'aboutissent pas, des appels très longs un manque de préparation.",
            "Neither high nor low is good in itself: very short calls can mean conversations "
            "that go nowhere, very long ones a lack of preparation.",
        ),
        unit="minutes",
        higher_is_better=None,
        needs=(Need("activities", ("duration",)),),
        serves=(
            Serve(
                "team_performance",
                1,
                Text(
                    "Décrit la façon de travailler de chaque commercial.",
                    "Describes how each rep works.",
                ),
            ),
        ),
        leaderboard=True,
    ),
    # -- Satisfaction -------------------------------------------------------------------------
    KPI(
        id="nps",
        family="satisfaction",
        label=Text("NPS", "Net Promoter Score"),
        description=Text(
            "Promoteurs moins détracteurs, sur une échelle de −100 à 100.",
            "Promoters minus detractors, on a scale from −100 to 100.",
        ),
        formula=Text(
            "% de réponses 9–10 − % de réponses 0–6, sur une échelle de 0 à 10 (de −100 à 100)",
            "% of 9–10 answers − % of 0–6 answers on a 0–10 scale, from −100 to 100",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est ; au-dessus de 0, plus de promoteurs que de "
            "détracteurs. Peu de réponses = chiffre instable.",
            "Higher is better; above 0, more promoters than detractors. Few answers make it "
            "unstable.",
        ),
        unit="score",
        higher_is_better=True,
        needs=(Need("any", ("nps",)),),
        serves=(
            Serve(
                "satisfaction",
                3,
                Text(
                    "La mesure de référence de la recommandation client.",
                    "The standard measure of customer advocacy.",
                ),
            ),
            Serve(
                "keep_customers",
                1,
                Text(
                    "Les détracteurs d'aujourd'hui sont l'attrition de demain.",
                    "Today's detractors are tomorrow's churn.",
                ),
            ),
        ),
    ),
    KPI(
        id="csat",
        family="satisfaction",
        label=Text("Satisfaction (CSAT)", "Customer satisfaction (CSAT)"),
        description=Text(
            "Part des réponses satisfaites (4 ou 5 sur 5).",
            "Share of satisfied answers (4 or 5 out of 5).",
        ),
        formula=Text(
            "% de réponses à 4 ou 5 sur une échelle de 1 à 5",
            "% of answers at 4 or 5 on a 1–5 scale",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Suit la qualité de service au plus près de "
            "l'expérience.",
            "Higher is better. Follows service quality closest to the experience.",
        ),
        unit="percent",
        higher_is_better=True,
        needs=(Need("any", ("csat",)),),
        serves=(
            Serve(
                "satisfaction",
                3,
                Text(
                    "Mesure directement la satisfaction des clients.",
                    "Measures customer satisfaction directly.",
                ),
            ),
            Serve(
                "keep_customers",
                1,
                Text(
                    "Des clients satisfaits restent plus longtemps.",
                    "Satisfied customers stay longer.",
                ),
            ),
        ),
    ),
    # -- Targets ------------------------------------------------------------------------------
    KPI(
        id="attainment",
        family="targets",
        label=Text("Atteinte de l'objectif de CA", "Revenue target attainment"),
        description=Text(
            "CA réalisé rapporté à l'objectif de la table d'objectifs (par commercial, équipe et "
            "mois dans le détail).",
            "Revenue achieved against the targets table (per rep, team and month in the detail).",
        ),
        formula=Text(
            "Réalisé / objectif, pour un KPI, un commercial, une équipe et une période",
            "actual / target for a KPI, rep, team and period",
        ),
        reading=Text(
            "100 % = objectif atteint. En cours de période, lisez plutôt le rythme.",
            "100% means the target is met. During the period, read pacing instead.",
        ),
        unit="percent",
        partial_period="wait",
        higher_is_better=True,
        needs=(Need("targets", ("target",)), Need("orders", (_AMOUNT,))),
        serves=(
            Serve(
                "team_performance",
                3,
                Text(
                    "Dit qui atteint ses objectifs.",
                    "Tells who meets their targets.",
                ),
            ),
            Serve(
                "grow_revenue",
                2,
                Text(
                    "Rapporte la croissance au plan fixé.",
                    "Measures growth against the plan.",
                ),
            ),
        ),
        money=True,
    ),
    KPI(
        id="pacing",
        family="targets",
        label=Text("Rythme vers l'objectif", "Pacing to target"),
        description=Text(
            "Atteinte rapportée à la part de la période écoulée : au-dessus de 100 %, "
            "l'objectif sera dépassé si le rythme se maintient.",
            "Attainment relative to the share of the period elapsed: above 100%, the target "
            "will be beaten if the pace holds.",
        ),
        formula=Text(
            "Atteinte / part de la période écoulée (période en cours, non terminée)",
            "attainment / share of the period elapsed (for the current, unfinished period)",
        ),
        reading=Text(
            "100 % = dans les temps. Sur une période terminée, égal à l'atteinte.",
            "100% means on track. On a finished period, equal to attainment.",
        ),
        unit="percent",
        same_fact_as="attainment",
        higher_is_better=True,
        needs=(Need("targets", ("target", "date")), Need("orders", ("date", _AMOUNT))),
        serves=(
            Serve(
                "team_performance",
                3,
                Text(
                    "Permet d'agir avant la fin du mois, pas après.",
                    "Lets you act before the month ends, not after.",
                ),
            ),
            Serve(
                "grow_revenue",
                2,
                Text(
                    "Dit tôt si la période sera bonne.",
                    "Tells early whether the period will be good.",
                ),
            ),
        ),
        money=True,
    ),
    # -- Subscriptions (KPI_SPEC "Subscription"; kpi.metrics.subscriptions) -------------------
    # MRR, ARR, ARPA, NRR and GRR are levels at the period's end (a month-end snapshot, with a
    # previous period and last year like every KPI); the movements and the logo churn rate add
    # up over the period's months (``accumulates``).
    KPI(
        id="mrr",
        family="subscriptions",
        label=Text("MRR (revenu mensuel récurrent)", "MRR (monthly recurring revenue)"),
        description=Text(
            "Revenu mensuel récurrent des abonnements actifs à la fin de la période.",
            "Monthly recurring revenue of the subscriptions active at the end of the period.",
        ),
        formula=Text(
            "Σ des montants mensuels des abonnements actifs le dernier jour de la période à "
            "23:59:59 (prix × quantité ramené au mois : annuel ÷ 12, hebdomadaire × 52 ÷ 12 ; "
            "essais, impayés et jamais payés exclus)",
            "Σ monthly amounts of the subscriptions active at 23:59:59 on the period's last day "
            "(price × quantity normalised to a month: yearly ÷ 12, weekly × 52 ÷ 12; trials, "
            "unpaid and never paid excluded)",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Une photo de fin de période : il monte avec les "
            "nouveaux clients, les retours et les hausses, baisse avec les réductions et les "
            "départs (voir le MRR net nouveau).",
            "Higher is better. A photo at the period's end: it rises with new customers, "
            "returns and upgrades, and falls with downgrades and cancellations (see net new MRR).",
        ),
        unit="money",
        higher_is_better=True,
        needs=_SUBSCRIPTIONS,
        serves=(
            Serve(
                "recurring_revenue",
                3,
                Text(
                    "C'est le niveau du revenu récurrent.",
                    "It is the level of recurring revenue.",
                ),
            ),
            Serve(
                "grow_revenue",
                1,
                Text(
                    "Le revenu des abonnements, qui s'ajoute aux ventes.",
                    "Subscription revenue, on top of sales.",
                ),
            ),
        ),
    ),
    KPI(
        id="arr",
        family="subscriptions",
        label=Text("ARR (revenu annuel récurrent)", "ARR (annual recurring revenue)"),
        description=Text("Le MRR en rythme annuel.", "MRR at a yearly rate."),
        formula=Text("12 × MRR de fin de période", "12 × MRR at the period's end"),
        reading=Text(
            "Plus c'est haut, mieux c'est. Ce n'est pas le chiffre d'affaires de l'année : c'est "
            "ce que rapporteraient les abonnements d'aujourd'hui sur douze mois.",
            "Higher is better. It is not the year's revenue: it is what today's subscriptions "
            "would bring in over twelve months.",
        ),
        unit="money",
        higher_is_better=True,
        needs=_SUBSCRIPTIONS,
        serves=(
            Serve(
                "recurring_revenue",
                2,
                Text(
                    "Le MRR à l'échelle d'une année, comme le lisent les investisseurs.",
                    "MRR on a yearly scale, as investors read it.",
                ),
            ),
        ),
    ),
    KPI(
        id="new_mrr",
        family="subscriptions",
        label=Text("MRR nouveau", "New MRR"),
        description=Text(
            "MRR apporté par les clients qui s'abonnent pour la première fois.",
            "MRR brought by customers subscribing for the first time.",
        ),
        formula=Text(
            "Σ MRR de fin de mois des clients sans MRR à la fin du mois précédent et qui n'en "
            "avaient jamais eu, additionné sur les mois de la période",
            "Σ month-end MRR of customers with no MRR at the previous month's end who never had "
            "any before, added over the period's months",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Mesure la conquête ; un essai ne compte qu'une fois "
            "converti.",
            "Higher is better. Measures acquisition; a trial counts only once converted.",
        ),
        unit="money",
        higher_is_better=True,
        needs=_SUBSCRIPTIONS,
        serves=(
            Serve(
                "recurring_revenue",
                2,
                Text("Ce que la conquête ajoute.", "What acquisition adds."),
            ),
            Serve(
                "win_customers",
                1,
                Text("La conquête en revenu récurrent.", "Acquisition in recurring revenue."),
            ),
        ),
        accumulates=True,
    ),
    KPI(
        id="reactivation_mrr",
        family="subscriptions",
        label=Text("MRR réactivé", "Reactivation MRR"),
        description=Text(
            "MRR des anciens clients qui reviennent après avoir tout résilié.",
            "MRR of former customers coming back after cancelling everything.",
        ),
        formula=Text(
            "Σ MRR de fin de mois des clients sans MRR à la fin du mois précédent qui en avaient "
            "eu avant, additionné sur les mois de la période",
            "Σ month-end MRR of customers with no MRR at the previous month's end who had some "
            "before, added over the period's months",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Des clients perdus reviennent : regardez ce qui les a "
            "fait revenir.",
            "Higher is better. Lost customers come back: look at what brought them back.",
        ),
        unit="money",
        higher_is_better=True,
        needs=_SUBSCRIPTIONS,
        serves=(
            Serve(
                "recurring_revenue",
                1,
                Text("Les clients perdus qui reviennent.", "Lost customers coming back."),
            ),
        ),
        accumulates=True,
    ),
    KPI(
        id="expansion_mrr",
        family="subscriptions",
        label=Text("MRR d'expansion", "Expansion MRR"),
        description=Text(
            "Hausse du MRR des clients déjà abonnés (postes ajoutés, formule supérieure).",
            "MRR added by existing customers (seats added, higher plan).",
        ),
        formula=Text(
            "Σ (c − p) des clients avec p > 0 et c > p (p, c : MRR à la fin du mois précédent et "
            "du mois), additionné sur les mois de la période",
            "Σ (c − p) over customers with p > 0 and c > p (p, c: MRR at the previous and this "
            "month's end), added over the period's months",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. La croissance la moins chère : elle vient de clients "
            "qui restent.",
            "Higher is better. The cheapest growth: it comes from customers who stay.",
        ),
        unit="money",
        higher_is_better=True,
        needs=_SUBSCRIPTIONS,
        serves=(
            Serve(
                "recurring_revenue",
                2,
                Text(
                    "La croissance venue des clients existants.",
                    "Growth from existing customers.",
                ),
            ),
        ),
        accumulates=True,
    ),
    KPI(
        id="contraction_mrr",
        family="subscriptions",
        label=Text("MRR de contraction", "Contraction MRR"),
        description=Text(
            "Baisse du MRR des clients qui restent abonnés (postes retirés, formule inférieure).",
            "MRR lost from customers who stay subscribed (seats removed, lower plan).",
        ),
        formula=Text(
            "Σ (p − c) des clients avec c > 0 et c < p, additionné sur les mois de la période",
            "Σ (p − c) over customers with c > 0 and c < p, added over the period's months",
        ),
        reading=Text(
            "Plus c'est bas, mieux c'est. Souvent le signe avant-coureur d'une résiliation.",
            "Lower is better. Often the early sign of a cancellation.",
        ),
        unit="money",
        higher_is_better=False,
        needs=_SUBSCRIPTIONS,
        serves=(
            Serve(
                "recurring_revenue",
                1,
                Text(
                    "Ce que les clients existants retirent.",
                    "What existing customers take away.",
                ),
            ),
        ),
        accumulates=True,
    ),
    KPI(
        id="churned_mrr",
        family="subscriptions",
        label=Text("MRR perdu (churn)", "Churned MRR"),
        description=Text(
            "MRR des clients qui ont tout résilié.",
            "MRR of the customers who cancelled everything.",
        ),
        formula=Text(
            "Σ p des clients avec p > 0 et c = 0, additionné sur les mois de la période",
            "Σ p over customers with p > 0 and c = 0, added over the period's months",
        ),
        reading=Text(
            "Plus c'est bas, mieux c'est. À comparer au MRR nouveau : tant qu'il le dépasse, la "
            "base se vide.",
            "Lower is better. Compare with new MRR: as long as it is larger, the base shrinks.",
        ),
        unit="money",
        higher_is_better=False,
        needs=_SUBSCRIPTIONS,
        serves=(
            Serve(
                "recurring_revenue",
                2,
                Text("Ce que coûtent les départs.", "What cancellations cost."),
            ),
            Serve(
                "keep_customers",
                1,
                Text(
                    "Le revenu parti avec les clients perdus.",
                    "The revenue lost with the customers who left.",
                ),
            ),
        ),
        accumulates=True,
    ),
    KPI(
        id="net_new_mrr",
        family="subscriptions",
        label=Text("MRR net nouveau", "Net new MRR"),
        description=Text(
            "Variation du MRR sur la période, mouvement par mouvement.",
            "Change in MRR over the period, movement by movement.",
        ),
        formula=Text(
            "nouveau + réactivé + expansion − contraction − perdu (= MRR de fin − MRR de début)",
            "new + reactivation + expansion − contraction − churned (= MRR at the end − MRR at "
            "the start)",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Positif : la base d'abonnements grandit ; la cascade "
            "du MRR (page Abonnements) montre d'où vient la variation.",
            "Higher is better. Positive: the subscription base grows; the MRR waterfall "
            "(Subscriptions page) shows where the change comes from.",
        ),
        unit="money",
        higher_is_better=True,
        needs=_SUBSCRIPTIONS,
        serves=(
            Serve(
                "recurring_revenue",
                3,
                Text(
                    "Dit si la base d'abonnements grandit ou rétrécit.",
                    "Tells whether the subscription base grows or shrinks.",
                ),
            ),
        ),
        accumulates=True,
    ),
    KPI(
        id="logo_churn_rate",
        family="subscriptions",
        label=Text("Taux de désabonnement", "Logo churn rate"),
        description=Text(
            "Part des clients abonnés en début de période qui ont tout résilié.",
            "Share of the customers subscribed at the period's start who cancelled everything.",
        ),
        formula=Text(
            "clients avec p > 0 et c = 0 (additionnés sur les mois) / clients avec un MRR > 0 "
            "au début de la période",
            "customers with p > 0 and c = 0 (added over the months) / customers with MRR > 0 at "
            "the period's start",
        ),
        reading=Text(
            "Plus c'est bas, mieux c'est. Compte les clients, pas les montants : un petit client "
            "perdu pèse autant qu'un gros (voir le MRR perdu).",
            "Lower is better. Counts customers, not amounts: a small customer lost weighs as "
            "much as a large one (see churned MRR).",
        ),
        unit="percent",
        higher_is_better=False,
        needs=_SUBSCRIPTIONS,
        serves=(
            Serve(
                "recurring_revenue",
                2,
                Text(
                    "Combien de clients abonnés s'en vont.",
                    "How many subscribed customers leave.",
                ),
            ),
            Serve(
                "keep_customers",
                2,
                Text("L'attrition des clients abonnés.", "Churn of subscribed customers."),
            ),
        ),
        accumulates=True,
    ),
    KPI(
        id="arpa",
        family="subscriptions",
        label=Text("Revenu moyen par abonné (ARPA)", "Average revenue per account (ARPA)"),
        description=Text(
            "MRR moyen par client abonné à la fin de la période.",
            "Average MRR per subscribed customer at the period's end.",
        ),
        formula=Text(
            "MRR / clients avec un MRR > 0 à la fin de la période",
            "MRR / customers with MRR > 0 at the period's end",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Monte avec les hausses de formule et les gros "
            "clients, baisse quand les petits comptes affluent.",
            "Higher is better. Rises with upgrades and large customers, falls when small "
            "accounts pour in.",
        ),
        unit="money",
        higher_is_better=True,
        needs=_SUBSCRIPTIONS,
        serves=(
            Serve(
                "recurring_revenue",
                1,
                Text("La valeur moyenne d'un abonné.", "The average value of a subscriber."),
            ),
        ),
    ),
    KPI(
        id="nrr",
        money=True,  # a ratio of two MRRs: one currency at a time
        family="subscriptions",
        label=Text("Rétention nette du revenu (NRR)", "Net revenue retention (NRR)"),
        description=Text(
            "Ce que rapportent aujourd'hui les clients d'il y a douze mois, hausses et baisses "
            "comprises.",
            "What the customers of twelve months ago bring in today, upgrades and downgrades "
            "included.",
        ),
        formula=Text(
            "MRR en fin de période des clients qui avaient un MRR > 0 douze mois plus tôt / "
            "leur MRR d'alors",
            "MRR at the period's end of the customers who had MRR > 0 twelve months before / "
            "their MRR then",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est. Au-dessus de 100 %, la base existante grandit d'elle-"
            "même, sans nouveaux clients.",
            "Higher is better. Above 100%, the existing base grows on its own, without new "
            "customers.",
        ),
        unit="percent",
        higher_is_better=True,
        needs=_SUBSCRIPTIONS,
        serves=(
            Serve(
                "recurring_revenue",
                3,
                Text(
                    "Dit si les clients existants rapportent plus ou moins qu'il y a un an.",
                    "Tells whether existing customers bring in more or less than a year ago.",
                ),
            ),
            Serve(
                "keep_customers",
                1,
                Text("La fidélité mesurée en revenu.", "Loyalty measured in revenue."),
            ),
        ),
    ),
    KPI(
        id="grr",
        money=True,  # a ratio of two MRRs: one currency at a time
        family="subscriptions",
        label=Text("Rétention brute du revenu (GRR)", "Gross revenue retention (GRR)"),
        description=Text(
            "Comme la NRR, sans les hausses : ce qui reste du revenu d'il y a douze mois.",
            "Like NRR without upgrades: what is left of the revenue of twelve months ago.",
        ),
        formula=Text(
            "Comme la NRR, le MRR de chaque client plafonné à son niveau d'il y a douze mois",
            "As NRR, each customer's MRR capped at its level twelve months before",
        ),
        reading=Text(
            "Plus c'est haut, mieux c'est ; 100 % au plus. Mesure les pertes seules (baisses et "
            "départs).",
            "Higher is better; 100% at most. Measures losses alone (downgrades and cancellations).",
        ),
        unit="percent",
        higher_is_better=True,
        needs=_SUBSCRIPTIONS,
        serves=(
            Serve(
                "recurring_revenue",
                2,
                Text(
                    "Ce qui reste du revenu existant, hausses exclues.",
                    "What remains of existing revenue, upgrades aside.",
                ),
            ),
            Serve(
                "keep_customers",
                1,
                Text("Les pertes sur la base existante.", "Losses on the existing base."),
            ),
        ),
    ),
)

KPI_IDS: tuple[str, ...] = tuple(k.id for k in CATALOGUE)
_KPIS_BY_ID: dict[str, KPI] = {k.id: k for k in CATALOGUE}
_OBJECTIVES_BY_ID: dict[str, Objective] = {o.id: o for o in OBJECTIVES}


def get_kpi(kpi_id: str) -> KPI:
    """The KPI with this id.

    Raises
    ------
    PiloteError
        ``catalogue.unknown_kpi``, listing the valid ids.
    """
    try:
        return _KPIS_BY_ID[kpi_id]
    except KeyError:
        raise PiloteError("catalogue.unknown_kpi", value=kpi_id, valid=", ".join(KPI_IDS)) from None


def get_objective(objective_id: str) -> Objective:
    """The objective with this id.

    Raises
    ------
    PiloteError
        ``catalogue.unknown_objective``, listing the valid ids.
    """
    try:
        return _OBJECTIVES_BY_ID[objective_id]
    except KeyError:
        raise PiloteError(
            "catalogue.unknown_objective", value=objective_id, valid=", ".join(OBJECTIVE_IDS)
        ) from None


def check_objectives(objectives: Iterable[str] | None) -> tuple[str, ...]:
    """Validate objective ids (duplicates removed, order kept).

    Raises
    ------
    PiloteError
        At the first unknown id, listing the valid ones.
    """
    out: list[str] = []
    for obj in objectives or ():
        get_objective(obj)
        if obj not in out:
            out.append(obj)
    return tuple(out)


def kpis_for(objectives: Iterable[str] | None) -> list[KPI]:
    """KPIs serving any of ``objectives``, strongest first; every KPI when none is given."""
    chosen = check_objectives(objectives)
    if not chosen:
        return list(CATALOGUE)
    scored = [(sum(k.weight(o) for o in chosen), i, k) for i, k in enumerate(CATALOGUE)]
    return [k for score, _, k in sorted(scored, key=lambda x: (-x[0], x[1])) if score > 0]


i18n.add_messages(
    {
        "catalogue.points": {"fr": "{value} pts", "en": "{value} pts"},
        "catalogue.unknown_kpi": {
            "fr": "KPI « {value} » inconnu. KPI disponibles : {valid}.",
            "en": "Unknown KPI “{value}”. Valid KPIs: {valid}.",
        },
        "catalogue.unknown_objective": {
            "fr": "Objectif « {value} » inconnu. Objectifs possibles : {valid}.",
            "en": "Unknown objective “{value}”. Valid objectives: {valid}.",
        },
    }
)
