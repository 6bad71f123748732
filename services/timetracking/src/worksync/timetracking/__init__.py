"""WorkSync time tracking: time entries, timers, breaks, worklogs, summaries."""
