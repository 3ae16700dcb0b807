"""The coordinator's queue: which referrals wait, most urgent first, a page at a time.

What flows in: the queue's filter and search words, and what each referral's row keeps (due
time, flags, phonetic name keys kept by `keys`). What flows out: a page of rows (`listing`), the
CSV download (`listing.export_csv`, `answer_columns` for 'with every answer'), each row's words
about risk and timing (`triage`) and how late it is (`timing`). Edit `listing.QUEUE_COLUMNS` for a
new queue column, `keys` for a new filter flag; the deadlines themselves are workflow/deadlines/.
"""
