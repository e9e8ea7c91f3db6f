"""KPIs: the catalogue of records, periods, the engine that computes them, the scorecard."""
