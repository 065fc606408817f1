"""The periods module moved to `scheduling.periods` (below every app that counts periods);
these names stay importable from here."""

from scheduling.periods import (  # noqa: F401
    Period,
    add_months,
    default_period,
    due_date,
    is_quarter_end,
    iter_months,
    last_due_period,
    month_end,
    month_start,
    next_month,
    parse_period,
    period_choices,
    previous_month,
    quarter_months,
    quarter_of,
    report_due_day,
    today,
    xun_bounds,
    xun_label,
    xun_of,
)
