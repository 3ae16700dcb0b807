"""Fetching and understanding referral mail: bytes in, the contract's extraction record out.

The map: `poller` fetches each message over IMAP (or `ingest` takes a saved file or an upload),
stores it whole and commits (workflow/inbound/arrival.py); then, in a child process (`worker`),
`parse` walks the MIME tree (`mime`, `outlook`, `parts`, guarded by `safety`, scanned by `clamav`),
tells auto-replies, bounces and victims apart (`classify`), recognises each attachment's real
format (`documents`, converting legacy ones with `legacy`) and hands it to one reader per format in
`readers/`, each returning the same grid `Document` of positioned cells (`grid`). `form_reading`
reads a document's referral-form fields (`labels` names them, `fields` and `values` turn what
was typed into values, `runon` splits run-on labels) and its checklists (`checklist`,
`questions`, `rows`); `extract` assembles the extraction record of docs/contract.md, which
workflow/inbound/settling.py settles. Where to edit: a new label in `labels`; a new question
wording in `questions` (and its published wording in workflow/assessment/checklists.py); a new
column layout of a checklist in `rows` (or `readers/layout.py` for laid-out text); a new file
format as a new module in `readers/` plus its detection in `documents`. `outbound` is the other
direction: it delivers the outbox over SMTP.

This package shadows the standard library's `mailbox` module on purpose (the layout the user asked
for). Run from the repository root and never install the project as a distribution; see
tests/test_mailbox_is_ours.py.
"""
