"""Member co-ops, their contact persons and membership history."""
