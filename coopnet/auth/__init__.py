"""Users, roles, sign-in and the access rule every endpoint declares."""
