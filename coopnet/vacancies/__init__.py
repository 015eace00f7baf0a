"""Vacancy database: jobs, internships and volunteer work at member co-ops."""
