"""Staff accounts and signing in: who may use the desk, and how they prove it.

What flows in: an email and password, a second-factor code, an administrator's account change.
What flows out: a `User`, a server-side `StaffSession` checked on every request, and audit
events. `sign_in` creates accounts and checks passwords (argon2id), `sign_in_limits` holds how
many wrong tries are let through, `passwords` the rules a password must meet, `two_factor` the
TOTP app and recovery codes, `sessions` the rows behind a signed-in browser, `accounts` disable,
enable, unlock and role changes that need a second person. Edit here for a new password rule or
a change to who approves a role; the roles themselves are `workflow.models.staff.Role`.
"""
