"""Deadlines: when each referral's current step is due, and reminding people when it is late.

What flows in: a referral's state, the time it entered it and the local policy's working-day
allowances. What flows out: the referral's `due_at` and `due_kind` (`steps`, kept on every change
so the queue can sort in SQL), reminders and escalations per deadline and a daily digest
(`reminders`, queued on the outbox). Edit `workflow.policy` for how many working days a step
gets and `steps` for a new kind of deadline.
"""
