"""Timesheets: a user's time for one period and its approval."""
