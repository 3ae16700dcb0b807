"""WTForms classes, one module per page group, with GOV.UK wording for errors.

The two public referral forms are `marac` and `stalking`; what they share is cut by what it
holds: `fields` (one builder a kind of question) and `validators` (dates, telephone numbers,
postcodes, "I do not know" boxes), `page` (one page's layout and summary card), `shared_pages`
(the referrer, the victim, contact and diversity pages every referral asks), `checklist_pages`
(DASH and the stalking screen, built from workflow/assessment/checklists.py), `stepper` (pages
in order over a draft), `shared_checks` (early stops and the coordinator's notes) and
`check_answers` (a field's question and answer in words). Staff pages: `casework`, `contact`,
`meetings`, `admin`, `auth`.
"""
