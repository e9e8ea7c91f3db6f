"""Deterministic demo data for Pilote (fictional company "Démo Équipements SAS").

``make_samples.generate()`` returns the tables as DataFrames; ``make_samples.write_all()`` writes
the CSV and XLSX files committed beside this file.
"""
