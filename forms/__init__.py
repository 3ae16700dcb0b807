"""WTForms classes, one module per page group, with GOV.UK wording for errors.

The public referral forms and what they share are `referral/` (its own map there). Staff pages:
`casework`, `contact`, `meetings`, `admin`, `auth`, `referrer_confirmation`.
"""
