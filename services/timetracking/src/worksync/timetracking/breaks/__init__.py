"""Breaks of a finished timed entry, through the API: paid or unpaid."""
