"""The local policy: thresholds and lists each area sets for itself, with Cambs defaults."""

from dataclasses import dataclass
from datetime import time

# Postcode districts (docs/domain.md). Districts do not follow county lines, so some are only
# "check".
CAMBS_IN = frozenset(f"CB{n}" for n in (1, 2, 3, 4, 5, 7, 21, 22, 23, 24, 25)) | frozenset(
    f"PE{n}" for n in (1, 2, 3, 4, 5, 7, 15, 16, 26, 27, 29)
)
CAMBS_CHECK = frozenset(
    {"CB6", "CB8", "CB9", "PE6", "PE8", "PE9", "PE13", "PE14", "PE19", "PE28"}
    | {"SG8", "SG19", "MK44", "IP28"}
)
# Named as out in docs/domain.md; everything else is out too, except that a district in one of the
# postcode areas below that is on none of the lists (PE17, CB30, a typo) is a check, not out:
# it is more likely mistyped than elsewhere.
CAMBS_OUT = frozenset({"CB10", "CB11"}) | frozenset(
    f"PE{n}" for n in (10, 11, 12, *range(20, 26), *range(30, 39))
)
CAMBS_POSTCODE_AREAS = frozenset({"CB", "PE"})


@dataclass(frozen=True)
class DeadlineRule:
    """How many working days a step may take; the first rule that matches a referral applies."""

    kind: str  # consent_check, allocation, first_contact, review
    working_days: int
    pathway: str | None = None  # None: any pathway
    high_risk: bool | None = None  # None: any risk; True: MARAC criteria met or DASH band high


# Cambs-flavoured defaults (issue 6): consent checked within 1 working day; allocated within 1 for
# MARAC and high risk, 2 otherwise; a review after 20 quiet. First contact within 2 working days
# *of receipt of the referral* (docs/domain.md's local IDVA protocols; issue 15): the consent
# check and allocation count against the same 2 days, so the first_contact rule's days run
# from received_at.
# MARAC minutes (3 working days) and "heard at the next sitting" have no deadline here yet.
DEADLINE_RULES = (
    DeadlineRule("consent_check", 1),
    DeadlineRule("allocation", 1, pathway="marac"),
    DeadlineRule("allocation", 1, high_risk=True),
    DeadlineRule("allocation", 2),
    DeadlineRule("first_contact", 2),
    DeadlineRule("review", 20),
)


@dataclass(frozen=True)
class Policy:
    """Thresholds and lists the rules read; defaults are Cambridgeshire & Peterborough's."""

    # SafeLives bands: 1-9 standard, 10-13 medium, 14+ high.
    dash_medium_from: int = 10
    dash_high_from: int = 14
    # Cambs routing: 14-16 to the IDVA service with consent, 17+ to MARAC.
    idva_from: int = 14
    marac_from: int = 17
    escalation_incidents: int = 3
    # A repeat is a further incident within 12 calendar months of the victim's last MARAC
    # referral (SafeLives), counted in London dates, the boundary day included.
    repeat_window_months: int = 12
    minimum_age: int = 16
    # A victim under this age (16 or 17 with the defaults) prompts a safeguarding-referral check.
    adult_age: int = 18
    # MARAC perpetrators are partners, ex-partners or family aged 16+; younger ones are flagged.
    perpetrator_minimum_age: int = 16
    # "Current abuse": the last incident within 3 calendar months of the referral date.
    abuse_recency_months: int = 3
    area_in: frozenset[str] = CAMBS_IN
    area_check: frozenset[str] = CAMBS_CHECK
    area_out: frozenset[str] = CAMBS_OUT
    # Postcode areas whose unlisted districts are checked by a person rather than ruled out.
    area_postcode_areas: frozenset[str] = CAMBS_POSTCODE_AREAS
    # Sender domains of referring agencies beyond the list an administrator keeps in the app
    # (workflow.inbound.referrer_domains); none by default.
    professional_domains: tuple[str, ...] = ()
    # Deadlines count office time on working days (England and Wales bank holidays, London time).
    deadline_rules: tuple[DeadlineRule, ...] = DEADLINE_RULES
    office_opens: time = time(9, 0)
    office_closes: time = time(17, 0)
    # Managers are told when a step is still overdue this many working days after the reminder.
    escalate_after_working_days: int = 1


CAMBS = Policy()
