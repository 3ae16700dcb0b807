"""The coordinator's queue: which referrals wait, most urgent first, a page at a time.

What flows in: the queue's filter and search words, and what each referral's row keeps (due
time, flags, phonetic name keys kept by `keys`). What flows out: a page of rows (`listing`), the
CSV download (`download`, with `answer_columns` for 'with every answer'), each row's words about
risk and timing (`triage`), how late it is (`timing`), and the desk's own jobs as the page shows
them (`status`: mail waiting or refused, reminders last run). Edit `listing.QUEUE_COLUMNS` for a
new queue column, `download.CSV_COLUMNS` for a new CSV column, `keys` for a new filter flag; the
deadlines themselves are workflow/deadlines/.
"""
