"""Fetching and understanding referral mail: IMAP polling, MIME walking and one reader per format.

This package shadows the standard library's `mailbox` module on purpose (the layout the user asked
for). Run from the repository root and never install the project as a distribution; see
tests/test_mailbox_is_ours.py.
"""
