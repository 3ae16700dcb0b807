"""The options the referral forms offer, worded once: the forms ask them, the pages show them.

A stored code is shown with its label here (never the code itself), so a form, the referral
page, the print view and the exports cannot word an answer differently.
"""

AGENCY_TYPES = (
    ("police", "Police"),
    ("health", "Health (NHS, GP, hospital)"),
    ("adult_social_care", "Adult social care"),
    ("children_social_care", "Children's social care"),
    ("housing", "Housing"),
    ("probation", "Probation"),
    ("domestic_abuse_service", "Domestic abuse or IDVA service"),
    ("education", "Education"),
    ("mental_health", "Mental health services"),
    ("drug_alcohol", "Drug and alcohol services"),
    ("voluntary", "Charity or voluntary sector"),
    ("other", "Other"),
)
YES_NO_DK = (("yes", "Yes"), ("no", "No"), ("dont_know", "Don't know"))
YES_NO = (("yes", "Yes"), ("no", "No"))
# The victim's gender, kept as a code for the quarterly figures. The mailbox reader keeps
# female/male too (mailbox/values.read_gender); a value that is no code here (an older web form's
# free text, or a mailed form's own word) is shown as written.
SELF_DESCRIBE = "self_describe"
GENDERS = (
    ("female", "Female"),
    ("male", "Male"),
    ("non_binary", "Non-binary"),
    (SELF_DESCRIBE, "Prefer to self-describe"),
    ("not_known", "Not known"),
)

# Contact channels, in the order the form asks "Is it safe to …?".
CHANNELS = (
    ("call", "Is it safe to call the victim?"),
    ("voicemail", "Is it safe to leave a voicemail?"),
    ("text", "Is it safe to send a text message?"),
    ("email", "Is it safe to send an email?"),
    ("letter", "Is it safe to send a letter?"),
)
CHANNEL_NAMES = {
    "call": "Telephone call",
    "voicemail": "Voicemail",
    "text": "Text message",
    "email": "Email",
    "letter": "Letter",
}
ETHNIC_GROUPS = (
    ("white", "White"),
    ("mixed", "Mixed or multiple ethnic groups"),
    ("asian", "Asian or Asian British"),
    ("black", "Black, Black British, Caribbean or African"),
    ("other", "Another ethnic group"),
    ("not_known", "Not known or prefer not to say"),
)
PERPETRATOR_RELATIONSHIPS = (
    ("partner", "Partner"),
    ("ex_partner", "Ex-partner"),
    ("family", "Family member"),
    ("other", "Other"),
)
SUSPECT_RELATIONSHIPS = (
    ("stranger", "Stranger"),
    ("acquaintance", "Acquaintance or friend"),
    ("neighbour", "Neighbour"),
    ("colleague", "Colleague or client"),
    ("online", "Someone known only online"),
    ("partner", "Partner"),
    ("ex_partner", "Ex-partner"),
    ("family", "Family member"),
    ("not_known", "Not known"),
    ("other", "Other"),
)
MARAC_CONSENT = (
    ("given", "Yes, they have agreed"),
    ("refused", "No, they do not agree"),
    ("not_asked_unsafe", "They have not been asked because it is not safe"),
)
STALKING_CONSENT = (
    ("given", "Yes, they have agreed"),
    ("refused", "No, they do not agree"),
    ("not_asked", "I have not been able to ask them"),
)
BEHAVIOUR_WHERE = (
    ("online", "Online (social media, email, messages)"),
    ("offline", "In person or offline"),
)
