"""Micro-meetings: members paired into duos and trios to meet."""
