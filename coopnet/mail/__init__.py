"""The outbox: every e-mail is written in the transaction that caused it, delivered after."""
