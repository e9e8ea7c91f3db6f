"""File → table: loading, parsing, column roles, the loaded table, data quality."""
