"""Reads of the dashboards app: start pages, dashboards, the 赛马, bulletins, the map, targets."""

from .home import home_by_county

__all__ = ["home_by_county"]
