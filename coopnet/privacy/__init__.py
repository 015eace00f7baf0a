"""Personal data across every area (GDPR): export, erase, retention periods.

It sits above all areas: it reads and erases what each of them stores about a person.
"""
