"""The REST API under /api/v1/: the same querysets, rules, services and figures as the pages, personal API tokens and their page."""
