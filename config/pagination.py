from rest_framework.pagination import PageNumberPagination as _Base


class PageNumberPagination(_Base):
    """`{count, next, previous, results}` with a client-chosen `page_size` (capped)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 500
