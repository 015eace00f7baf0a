"""One pager for every paged list: the page asked for, the page count, a bounded row of links.

A view reads the page number with `page_number()`, asks its query for that page (`pager.offset`,
`pager.per_page`), and hands the `Pager` to the macro `page_links` in
`templates/_macros/pagination.html`, which links Previous, the first and last pages, a few
pages around the current one (gaps shown as …) and Next: never one link per page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request

# no list has this many pages; a larger number in the address is a typo or a probe
MAX_PAGE = 10_000


def page_number(name: str = "page") -> int:
    """The page asked for in the query string: 1 when missing or not a number, at most MAX_PAGE."""
    value = request.args.get(name, 1, type=int) or 1
    return min(max(value, 1), MAX_PAGE)


@dataclass(frozen=True)
class Pager:
    """Page `page` of `total` rows, `per_page` a page."""

    page: int
    per_page: int
    total: int

    @classmethod
    def of(cls, pagination: Any) -> Pager:
        """A Pager for a Flask-SQLAlchemy `Pagination` (from `db.paginate`)."""
        return cls(page=pagination.page, per_page=pagination.per_page,
                   total=pagination.total or 0)

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, even for no rows)."""
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def offset(self) -> int:
        """How many rows come before this page."""
        return (self.page - 1) * self.per_page

    @property
    def has_prev(self) -> bool:
        """Whether there is a page before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.page < self.pages

    def window(self, around: int = 2) -> list[int | None]:
        """The page numbers to link: the first, the last, `around` on either side of the
        current page; None stands for a gap. 1 … 4 5 [6] 7 8 … 20."""
        keep = {1, self.pages, *range(self.page - around, self.page + around + 1)}
        numbers = sorted(n for n in keep if 1 <= n <= self.pages)
        shown: list[int | None] = []
        for number in numbers:
            if shown and number - (shown[-1] or 0) == 2:
                shown.append(number - 1)  # a gap of one page: show the page, not "…"
            elif shown and number - (shown[-1] or 0) > 2:
                shown.append(None)
            shown.append(number)
        return shown
