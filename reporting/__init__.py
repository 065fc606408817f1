"""Monthly progress (月度进展): reports, revisions, photos, the unit's grid, review and the Excel round trip."""
