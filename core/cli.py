"""What the management commands share: a date typed on the command line."""

import argparse
import datetime

from django.utils.translation import gettext as _


def parse_day(text: str) -> datetime.date:
    """A date typed dd/mm/yyyy (or yyyy-mm-dd) on the command line."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(_("“%(text)s” is not a date dd/mm/yyyy.") % {"text": text})
