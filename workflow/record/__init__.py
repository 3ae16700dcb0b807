"""The record: every answer a referral keeps, declared once, and how it is read and corrected.

What flows in: the extraction record of docs/contract.md (from mailbox/ or the web forms) and
coordinators' corrections. What flows out: referral fields and checklist answers (`translate`,
both ways), every answer grouped as the form asked it (`answers`), values cut to fit a column
with their whole text kept (`fitting`). `catalogue` declares every answer once (where it is
stored, its label, group and kind); `options` words the choices the forms offer;
`lawful_bases` lists the bases for sharing without consent. `review` holds coordinators'
review of what was read (confirm, correct with a reason) and `corrections` corrects any answer the
referral page shows by its catalogue path. Edit `catalogue` (and the form in forms/) for a new
MARAC form field, `options` for a new choice.
"""
