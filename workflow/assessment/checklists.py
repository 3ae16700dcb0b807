"""The risk checklists' questions, worded once: the SafeLives DASH (24) and the S-DASH (11).

The web forms ask them in this wording; the mailbox readers recognise looser wordings of the same
questions by meaning (mailbox.questions), keyed by the same numbers.
"""

from dataclasses import dataclass

from workflow.policy import Policy
from workflow.rules.risk import Band, dash_band

ANSWER_LABELS = {"yes": "Yes", "no": "No", "dont_know": "Don't know"}


@dataclass(frozen=True)
class Question:
    """One checklist question: its number, its words, a hint, and any tick-box sub-options."""

    number: int
    text: str
    hint: str = ""
    sub_options: tuple[tuple[str, str], ...] = ()
    sub_legend: str = ""


_WHO = (("self", "The victim"), ("children", "Children"), ("other", "Someone else"))

DASH: tuple[Question, ...] = (
    Question(
        1,
        "Has the current incident resulted in injury?",
        "Say what and whether it is the first injury.",
    ),
    Question(2, "Is the victim very frightened?"),
    Question(
        3,
        "What is the victim afraid of? Is it further injury or violence?",
        "Say what they think the abuser might do and to whom, including children.",
        (
            ("kill_self", "Being killed: the victim"),
            ("kill_children", "Being killed: children"),
            ("kill_other", "Being killed: someone else"),
            ("injury_self", "Further injury or violence: the victim"),
            ("injury_children", "Further injury or violence: children"),
            ("injury_other", "Further injury or violence: someone else"),
            ("other", "Other (please clarify in the comment)"),
        ),
        "What and who the victim is afraid for",
    ),
    Question(
        4,
        "Does the victim feel isolated from family or friends?",
        "For example, does the abuser try to stop them seeing friends, family, a doctor or others?",
    ),
    Question(5, "Is the victim feeling depressed or having suicidal thoughts?"),
    Question(
        6, "Has the victim separated or tried to separate from the abuser within the past year?"
    ),
    Question(7, "Is there conflict over child contact?"),
    Question(
        8,
        "Does the abuser constantly text, call, contact, follow, stalk or harass the victim?",
        "Say what, and whether the victim believes it is done deliberately to intimidate them.",
    ),
    Question(9, "Is the victim pregnant or have they had a baby in the past 18 months?"),
    Question(10, "Is the abuse happening more often?"),
    Question(11, "Is the abuse getting worse?"),
    Question(
        12,
        "Does the abuser try to control everything the victim does, or are "
        "they excessively jealous?",
        "For example who they see, being 'policed' at home, what they wear. "
        "Consider honour-based abuse.",
    ),
    Question(13, "Has the abuser ever used weapons or objects to hurt the victim?"),
    Question(
        14,
        "Has the abuser ever threatened to kill the victim or someone else, "
        "and the victim believed them?",
        sub_options=_WHO,
        sub_legend="Who was threatened",
    ),
    Question(
        15, "Has the abuser ever attempted to strangle, choke, suffocate or drown the victim?"
    ),
    Question(
        16,
        "Does the abuser do or say things of a sexual nature that make the victim feel bad "
        "or that physically hurt them or someone else?",
    ),
    Question(
        17,
        "Is there any other person who has threatened the victim or who they are afraid of?",
        "Say who and why. Consider extended family if honour-based abuse.",
    ),
    Question(
        18,
        "Does the victim know if the abuser has hurt anyone else?",
        sub_options=(
            ("children", "Children"),
            ("family", "Another family member"),
            ("previous_partner", "Someone from a previous relationship"),
            ("other", "Someone else"),
        ),
        sub_legend="Who the abuser has hurt",
    ),
    Question(19, "Has the abuser ever mistreated an animal or the family pet?"),
    Question(
        20,
        "Are there any financial issues?",
        "For example, is the victim dependent on the abuser for money, or has "
        "the abuser lost their job?",
    ),
    Question(
        21,
        "Has the abuser had problems in the past year with drugs, alcohol or mental health "
        "leading to problems in leading a normal life?",
        sub_options=(
            ("drugs", "Drugs"),
            ("alcohol", "Alcohol"),
            ("mental_health", "Mental health"),
        ),
        sub_legend="Which problems",
    ),
    Question(22, "Has the abuser ever threatened or attempted suicide?"),
    Question(
        23,
        "Has the abuser ever broken bail, an injunction or a formal agreement about when they "
        "can see the victim or the children?",
        sub_options=(
            ("bail", "Bail conditions"),
            ("non_molestation", "Non-molestation order"),
            ("occupation", "Occupation order"),
            ("child_contact", "Child contact arrangements"),
            ("fmpo", "Forced marriage protection order"),
            ("other", "Other"),
        ),
        sub_legend="What was broken",
    ),
    Question(
        24,
        "Does the victim know if the abuser has ever been in trouble with the police or has a "
        "criminal history?",
        sub_options=(
            ("domestic_violence", "Domestic abuse"),
            ("sexual_violence", "Sexual violence"),
            ("other_violence", "Other violence"),
            ("other", "Other"),
        ),
        sub_legend="What kind of history",
    ),
)

STALKING_SCREEN: tuple[Question, ...] = (
    Question(1, "Is the victim very frightened?"),
    Question(2, "Is there previous domestic abuse or harassment history?"),
    Question(3, "Has the stalker vandalised or destroyed property?"),
    Question(4, "Does the stalker turn up unannounced more than 3 times a week?"),
    Question(5, "Does the stalker follow the victim or loiter near their home or workplace?"),
    Question(6, "Has the stalker made any threats of physical or sexual violence?"),
    Question(
        7,
        "Has the stalker been harassing any third party since the harassment began?",
        "For example family, children, friends, colleagues, partners or neighbours.",
    ),
    Question(8, "Has the stalker acted violently to anyone else during the stalking?"),
    Question(9, "Has the stalker engaged others to help, knowingly or not?"),
    Question(
        10, "Has the stalker had problems in the past year with drugs, alcohol or mental health?"
    ),
    Question(11, "Has the stalker ever been violent in the past?"),
)


@dataclass(frozen=True)
class Closing:
    """One of the DASH's closing sections: its key, the question, a hint, the label staff read."""

    key: str
    text: str
    hint: str
    label: str


# How many questions each asks: the one place the 24 and the 11 are written.
DASH_QUESTIONS = len(DASH)
S_DASH_QUESTIONS = len(STALKING_SCREEN)
# The ACPO DASH (2009) the police still send: 27 questions, three of them (10-12) on children
# that the SafeLives 24 does not ask.
ACPO_DASH_QUESTIONS = DASH_QUESTIONS + 3

# The closing sections of the SafeLives DASH, after question 24, in our own words.
DASH_OTHER_INFORMATION = Closing(
    "other_information",
    "Is there any other relevant information that may increase the risk to the victim? (optional)",
    "From the victim or a professional. Consider disability, substance use, mental health, "
    "language or cultural barriers, 'honour'-based systems, rural isolation and the victim "
    "playing down the abuse. Say too whether they are willing to engage with services.",
    "Other relevant information",
)
DASH_WEAPONS = Closing(
    "weapons",
    "Could the abuser's job or interests give them access to weapons? (optional)",
    "For example a firearms or shotgun licence, the armed forces, or a trade using knives. "
    "Say what.",
    "The abuser's access to weapons",
)
DASH_PRIORITIES = Closing(
    "victim_priorities",
    "What are the victim's priorities to address their safety? (optional)",
    "What they want to happen, in their words if you can.",
    "The victim's priorities",
)
DASH_CLOSING = (DASH_OTHER_INFORMATION, DASH_WEAPONS, DASH_PRIORITIES)
DASH_CHILDREN_AT_RISK = "Are there risks facing the children in the family?"
DASH_SAFEGUARDING_REFERRAL = "Has a referral been made to safeguard the children?"
DASH_SAFEGUARDING_DATE = "Date the safeguarding referral was made"
DASH_COMPLETED_DATE = "Date the DASH was completed"
DASH_COMPLETED_WITH = "How was the DASH completed?"
# Whether the answers came from the victim: a DASH from other sources alone may under-score.
COMPLETED_WITH = (
    ("victim", "With the victim"),
    ("other_sources", "From other sources, without the victim"),
)


def dash_meaning(score: int, policy: Policy) -> str:
    """Say what a DASH score means under the local policy, in the words a referrer reads."""
    band = dash_band(score, policy)
    if score >= policy.marac_from:
        return (
            f"High risk. A score of {policy.marac_from} or more meets the MARAC threshold: the "
            "case will be heard at MARAC. The victim's consent is preferred but not essential."
        )
    if score >= policy.idva_from:
        return (
            f"High risk. A score of {policy.idva_from} to {policy.marac_from - 1} goes to the "
            "IDVA service with the victim's consent. It goes to MARAC only if another criterion "
            "is met (professional judgement, escalation or a repeat referral)."
        )
    level = "Medium" if band is Band.MEDIUM else "Standard"
    return (
        f"{level} risk. Below the IDVA threshold of {policy.idva_from}: it goes to MARAC only on "
        "professional judgement, potential escalation or a repeat referral."
    )
