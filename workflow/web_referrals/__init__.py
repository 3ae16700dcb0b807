"""Web referrals: the public forms a professional fills in, page by page, before they count.

What flows in: each page's answers as the referrer saves them. What flows out: a server-side
draft that expires and is submitted exactly once (`drafts`; `lifecycle` runs each step, start,
save a page, send, discard, as one short transaction and says how long a draft lasts), early
checks that stop a referrer before they finish a referral that cannot go on (`screening`), and
the referrer's email address confirmed before it counts as verified (`referrer_confirmation`).
A submitted draft becomes a referral through `workflow.referrals.receiving`. Edit forms/ for a
new question on a page.
"""
