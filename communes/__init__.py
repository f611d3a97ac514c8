"""Provinces, districts and communes keyed by their GSO codes, with their history (mergers)."""
