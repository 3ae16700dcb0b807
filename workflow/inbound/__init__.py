"""Inbound: every message that arrives, kept whole and recorded once, and what it becomes.

What flows in: an `arrival.Arrival` (the mailbox poller, a saved message or a coordinator's
upload) and then the reader's `arrival.Reading` of it from mailbox/parse.py. What flows out, in
order: the stored message, pending (`arrival`); then, settled once in one transaction
(`settling`): a new referral, a duplicate (`duplicates`), an update in a referral's thread
proposed for a coordinator to accept (`threads`, `proposals`), a victim writing in kept for a
person (`needs_person`), or quarantine with the reason. Around it: whether the receiving server
vouched for the sender (`sender_authentication`), professional domains (`referrer_domains`,
`personal_mail`), the mailbox's health as the coordinator sees it (`mailbox_health`), one
message's page and reading it again (`review`) and the one file-name cleaner (`filenames`).
A new label, question, column layout or file format is read in mailbox/, not here.
"""
