"""Lists page by ``limit`` and ``offset`` over an order that ends with the primary key, so a
page is the same page from one request to the next (while nothing is added in between)."""

from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500
