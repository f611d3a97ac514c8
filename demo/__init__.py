"""The demo data and ``load_demo``: the 2017 Bến Tre wave, built through every app's models."""
