"""Money is Decimal in 万元 with two places. Database sums pass through `as_money` on their way out.

(SQLite hands aggregates back as 15-digit decimals made from floats, e.g. 2146.21000000000.)
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def as_money(value) -> Decimal:
    if value is None:
        return ZERO
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
