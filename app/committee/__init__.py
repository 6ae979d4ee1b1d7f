"""The multi-agency committee: proposals of typed acts, approvals, schedule, execution, vetoes."""
