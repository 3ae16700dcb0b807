"""Referrals: the case, from the moment it is received until it is closed or reopened.

What flows in: a new referral from any channel (`receiving.receive_referral`, called by the web
form, settled mail and uploads) and what coordinators and IDVAs do to it. What flows out: the
referral's state and history (`states` holds the transition table, `transitions` the one path
that applies it), its human reference (`reference`), what staff read (`viewing`, every look
audited, IDVAs see only their own), consent checks, allocation, closure and reopening
(`casework`), notes and duplicate links (`notes`), first contact with the victim (`contact`),
the safety banner (`safety`), the referrer's acknowledgement (`acknowledgement`), earlier
referrals of the same victim (`matching`), IDVA caseloads (`allocation`) and the
`export-referrals` dump (`export`). Edit `states` for a new state or transition; a new closing
outcome is `workflow.models.referral.Outcome`, its words in forms/casework.py `OUTCOME_LABELS`,
and `workflow.rules.closure` when only one pathway may close with it.
"""
