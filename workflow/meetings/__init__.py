"""MARAC meetings (issue 18): sittings, listings of referrals on them, agency research, the
action plan, and the meeting lifecycle's own transition table. No Flask imports here."""
