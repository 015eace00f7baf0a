"""Registrations, the waiting list, tickets, check-in and attendance."""
