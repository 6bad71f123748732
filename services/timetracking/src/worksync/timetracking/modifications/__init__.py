"""Modification requests: changes to the entries of approved timesheets."""
