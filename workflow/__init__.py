"""The referral desk's business rules, free of Flask: one sub-package per sub-domain.

- `referrals/`: the case from receipt to closure: states, casework, what staff read, contact.
- `inbound/`: every message that arrives: stored, settled once, duplicates, threads, proposals.
- `record/`: every answer a referral keeps (the catalogue), the extraction record, corrections.
- `assessment/`: the checklists' wording and counts, and running the rules on a referral.
- `rules/`: the rules as pure functions; `policy`: the thresholds each area sets.
- `permissions`: who may do what (role groups; an IDVA acts only on their own referral).
- `deadlines/`: working-day deadlines per step, reminders and escalations.
- `queue/`: the coordinator's queue, its CSV download and how each row is worded.
- `meetings/`: MARAC sittings, listings, hearings, action plans and the agenda.
- `web_referrals/`: the public forms' drafts, early checks and the referrer's confirmation.
- `staff/`: accounts, passwords, sessions, two-factor sign-in.
- `store/`: the database, the audit trail, the outbox, rate limits and the scheduler's lease.
- `models/`: the tables. `errors`, `actors`: shared by all of the above.

Views (views/) and commands (commands/) call these; mail is read in mailbox/. docs/architecture.md
draws the same map with the layers between them.
"""
