"""Tests of the tables written in Python (``core.rows``): what the template loop a table's rows
replaced writes, to compare with them."""

from django.template import Context, Template


def loop_html(source: str, **context) -> str:
    """The template ``source`` (a table's former row loop) rendered with ``context``, its line
    breaks left out (the rows written in Python have none; the loops in the tests are written
    one tag a line for reading)."""
    return "".join(Template(source).render(Context(context)).split("\n"))
