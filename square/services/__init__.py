"""Writes. Every function here is keyword-only, atomic and validating; views, admin
actions and commands call these and nothing else to change data."""
