"""Test infrastructure: real Dovecot, SMTP, Chromium and PostgreSQL helpers."""
