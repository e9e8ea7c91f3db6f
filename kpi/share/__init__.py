"""Share: reports, table exports and saved workspaces."""
