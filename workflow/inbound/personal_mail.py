"""Personal mail providers: a referral from one is more likely a victim than a professional."""

import re

# Personal mail providers, by name: "gmail" in gmail.com, "yahoo" in yahoo.co.uk. A victim often
# writes from one; putting one on the list would verify anyone. mailbox/classify reads this
# too; this module imports nothing heavy, as the sandboxed reader loads it.
PERSONAL_MAIL_PROVIDERS = (
    "gmail", "googlemail", "hotmail", "outlook", "live", "msn", "yahoo", "ymail", "icloud",
    "me", "mac", "aol", "btinternet", "sky", "talktalk", "virginmedia", "protonmail", "proton",
    "gmx", "mail", "yandex", "zoho",
)  # fmt: skip
_NAMES = "|".join(PERSONAL_MAIL_PROVIDERS)
# In a sender's address: the provider's name right after the "@" (gmail.com, yahoo.co.uk).
PERSONAL_MAIL = re.compile(rf"@({_NAMES})\.", re.I)
# A whole domain: the provider's name and a public suffix, so mail.agency.org.uk is not one.
_PERSONAL_DOMAIN = re.compile(rf"({_NAMES})\.[a-z]{{2,3}}(\.[a-z]{{2}})?", re.I)


def is_personal_mail(domain: str) -> bool:
    """Tell whether a domain is a personal mail provider's (gmail.com, hotmail.co.uk, ...)."""
    return bool(_PERSONAL_DOMAIN.fullmatch(domain))
