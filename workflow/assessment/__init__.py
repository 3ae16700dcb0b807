"""Assessment: the risk checklists and running the rules over a referral's answers.

What flows in: a referral with its checklist answers (DASH 24, ACPO DASH 27, S-DASH 11) and the
local policy (`workflow.policy`). What flows out: the referral's risk level, rule outcomes and the
reasons, kept on the referral (`assessing`), and the same again for open referrals after a rule
changes (`reapplying`). `checklists` holds the one published wording of every question and the
question counts; the pure rules are in `workflow.rules` and the thresholds in `workflow.policy`.
Edit `checklists` for a question's wording, `workflow.policy` for a DASH threshold.
"""
