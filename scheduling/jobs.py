"""What a dispatch job gets and how it reports back.

A job is a Celery task in the app whose data it reads (`reporting.report_due_reminder`, …), called
by name with the id of a `ScheduleRun`. It wraps its content function with `run_job`:

    @shared_task(name="reporting.report_due_reminder")
    def report_due_reminder(run_id):
        return run_job(run_id, dispatch.report_due_reminder)

and the content function receives a `JobContext`: the period the run is about, the schedule's
templates, and `notify()` bound to the schedule's kind and the run's key.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone, translation

from . import recipients, services
from .calendar import WorkCalendar
from .models import ScheduleRun

logger = logging.getLogger(__name__)


@dataclass
class JobContext:
    run: ScheduleRun
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    sent: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def schedule(self):
        return self.run.schedule

    @property
    def kind(self) -> str:
        return self.schedule.code

    @property
    def key(self) -> str:
        return self.run.key

    @property
    def nominal_date(self) -> dt.date:
        return self.run.nominal_date

    @property
    def fire_date(self) -> dt.date:
        """The day the run's content is computed for, in Asia/Shanghai: its scheduled day, or the day
        it actually ran when it was caught up late or run by hand."""
        return timezone.localtime(self.run.as_of).date()

    @property
    def period(self) -> tuple[int, int]:
        """(year, month) the run is about: the report month for monthly keys "YYYY-MM", else the
        nominal date's month."""
        head = self.key[:7]
        if len(self.key) == 7 and head[4] == "-":
            return int(head[:4]), int(head[5:7])
        return self.nominal_date.year, self.nominal_date.month

    def title(self, **context) -> str:
        return services.render_message(self.schedule.title_template, context)

    def body(self, details: str = "", **context) -> str:
        text = services.render_message(self.schedule.body_template, context).strip()
        return "\n\n".join(part for part in (text, details.strip()) if part)

    def notify(
        self, recipient_ids, *, title: str, body: str, url: str = "", key_suffix: str = "", obj=None
    ) -> int:
        key = f"{self.key}:{key_suffix}" if key_suffix else self.key
        n = services.notify(
            recipients=recipient_ids, kind=self.kind, key=key, title=title, body=body, url=url, obj=obj
        )
        self.sent += n
        return n

    def office_ids(self) -> list[int]:
        """The office's users and whoever the admin added to the schedule."""
        extra = list(self.schedule.also_notify.filter(is_active=True).values_list("pk", flat=True))
        return sorted(set(recipients.office_user_ids()) | set(extra))

    def note(self, line: str) -> None:
        self.lines.append(line)


def run_job(run_id: int, content: Callable[[JobContext], None]) -> int:
    """Run `content` for the run once: mark it running, record what it sent, or the error. A run that
    is already done does nothing (a task redelivered after a worker died)."""
    run = services.run_started(run_id)
    if run is None:
        return 0
    context = JobContext(run=run)
    try:
        # Messages are written in the portal's language, whoever's request happened to run the job.
        with translation.override(settings.LANGUAGE_CODE):
            content(context)
    except Exception:
        logger.exception("Dispatch run %s (%s %s) failed", run.pk, run.schedule.task_name, run.key)
        services.run_failed(run, sent=context.sent)
        return context.sent
    summary = "；".join(context.lines) or f"新发通知 {context.sent} 条"
    services.run_finished(run, sent=context.sent, summary=summary)
    return context.sent
