"""The two public referral forms, `marac` and `stalking`, page by page, and what they share.

What flows in: a referrer's answers, one page at a time. What flows out: validated pages the
draft keeps (workflow/web_referrals/) and, at the send, a `NewReferral` (`to_new_referral`).
What they share is cut by what it holds: `fields` (one builder a kind of question) and
`validators` (dates, telephone numbers, postcodes, "I do not know" boxes), `page` (one page's
layout and summary card), `shared_pages` (the referrer, the victim, contact and diversity pages
every referral asks), `checklist_pages` (DASH and the stalking screen, worded in
workflow/assessment/checklists.py), `stepper` (pages in order over a draft), `shared_checks`
(early stops and the coordinator's notes) and `check_answers` (a field's question and answer in
words). A new question goes on its page in `marac` or `stalking` (or `shared_pages`).
"""
