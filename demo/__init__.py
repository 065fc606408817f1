"""Deterministic demo data for a realistic Jincheng (`python manage.py seed_demo`)."""
