"""Home page and site-wide pages (language choice)."""
