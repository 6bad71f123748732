"""WorkSync resources: capacity profiles, allocations, conflicts, utilization."""
