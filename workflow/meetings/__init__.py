"""MARAC meetings (issue 18): sittings, listings of referrals on them, agency research, the
action plan, and the meeting lifecycle's own transition table. No Flask imports here.

In: a consent-checked MARAC referral (`listing`), the coordinator's and agencies' entries
(`sittings`, `actions`, `access`). Out: the agenda (`agenda`), after the meeting the minutes for
the invited agencies, the referrer's "heard on" mail and the close of a "MARAC only" referral
(`follow_up`), and the reminder job's chase of overdue actions and late minutes (`chasing`).
Edit `calendar` for the sitting pattern and the MARAC settings, `lifecycle` for a state or event.
"""
