"""Numbers as the figures show them."""


def percent(part: float, whole: float) -> float:
    """``part`` of ``whole`` in %, rounded to one decimal; 0 when there is no whole."""
    return round(100.0 * part / whole, 1) if whole else 0.0
