"""Project budgets: consumed rounded hours and billable amount against the project's
budget, and the event when 80 % and 100 % are crossed."""
