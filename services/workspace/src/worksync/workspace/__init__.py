"""WorkSync workspace: organisations, people, projects."""
