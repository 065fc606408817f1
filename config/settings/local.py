"""Developer / newcomer settings: SQLite file, in-process tasks, debug on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
