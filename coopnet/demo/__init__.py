"""Demo data: 90 invented member co-ops, their contacts, accounts and the plan's events."""
