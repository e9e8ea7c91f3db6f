"""Explore: trends, funnels, customers, the team, and their charts."""
