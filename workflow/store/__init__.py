"""The store: what every sub-domain writes through, and nothing about referrals themselves.

What flows in: a unit of work (`db.UnitOfWork`) from a view, a command or a scheduled job. What
flows out: committed rows, the audit trail (`audit.record`, never changed or deleted once
written), outgoing mail queued in the same transaction (`outbox.enqueue`, sent later by
mailbox/outbound.py), fixed-window rate limits (`throttle`), the scheduler's single lease and job
heartbeats (`lease`), the readiness facts a load balancer reads (`readiness`) and the
application's own PostgreSQL role (`db_roles`). Edit here for a new audited action's storage, a
new rate limit or a new readiness fact; a new column layout or file format never lands here.
"""
