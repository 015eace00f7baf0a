"""Event kinds, events, series and calendar files."""
