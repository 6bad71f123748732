"""WorkSync work-items: states, issues, labels."""
