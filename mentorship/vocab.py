"""The fixed lists (kinds, statuses, modalities, self-identification answers) and matching text to them."""

from __future__ import annotations

import re

# Kept here, not in the services that use them, because the command line's options list them in its help.
STAFF_ROLES = ("admin", "coordinator")  # the roles `flask users grant` gives
API_TOKEN_DAYS = 90  # days a personal access token lasts unless its creator says otherwise

PROGRAM_KINDS = {"residency": "Residency", "fellowship": "Fellowship"}
MENTOR_TYPES = {"faculty": "Faculty", "near_peer": "Near-peer (senior resident)"}
PAIRING_KINDS = {"career": "Career", "research": "Research", "wellness": "Wellness", "peer": "Peer"}
END_REASONS = {
    "completed": "Completed",
    "rematched": "Rematched",
    "mentee_left": "Mentee left",
    "mentor_left": "Mentor left",
    "other": "Other",
}
MODALITIES = {"in_person": "In person", "video": "Video", "phone": "Phone"}
MEETING_STATUSES = {"held": "Held", "cancelled": "Cancelled", "no_show": "No-show"}
# How a person prefers to be reached (their profile); shown to their pair beside the contact details.
CONTACT_METHODS = {"email": "Email", "phone": "Phone call", "text": "Text message", "video": "Video call"}
# What a planned meeting can turn out to be ("Did it happen?"): the status its logged meeting gets.
PLANNED_OUTCOMES = {"held": "Held as planned", "cancelled": "Cancelled", "no_show": "No-show"}
GENDERS = {
    "woman": "Woman",
    "man": "Man",
    "nonbinary": "Nonbinary",
    "self_described": "Self-described",
    "prefer_not": "Prefer not to say",
}
RACE_CATEGORIES = {
    "american_indian_alaska_native": "American Indian or Alaska Native",
    "asian": "Asian",
    "black_african_american": "Black or African American",
    "hispanic_latino": "Hispanic or Latino",
    "middle_eastern_north_african": "Middle Eastern or North African",
    "native_hawaiian_pacific_islander": "Native Hawaiian or Pacific Islander",
    "white": "White",
}
YES_NO = {"yes": "Yes", "no": "No", "prefer_not": "Prefer not to say"}
CONCORDANCE = {"gender": "Same gender", "urim": "Shared URiM identity"}
PULSE_FIT = {"yes": "Yes", "not_sure": "Not sure", "no": "No"}

NOT_DISCLOSED = "Not disclosed"


def slug(value: str) -> str:
    """Fold case, spaces, hyphens and underscores so `In person` = `in-person` = `in_person`."""
    return re.sub(r"[\s\-_]+", "_", value.strip().lower())


def match_choice(value: str, choices: dict[str, str]) -> str | None:
    """Return the code in `choices` whose code or label matches `value`, or None."""
    wanted = slug(value)
    for code, label in choices.items():
        if wanted in (slug(code), slug(label)):
            return code
    return None


def label(choices: dict[str, str], code: str | None) -> str:
    """Human label for a code, blank for None."""
    return choices.get(code, code or "") if code else ""


EVENT_KINDS = {
    "orientation": "Orientation",
    "networking": "Networking",
    "research_symposium": "Research symposium",
    "career_panel": "Career panel",
    "workshop": "Workshop",
    "journal_club": "Journal club",
    "social": "Social",
    "other": "Other",
}
RSVPS = {"going": "Going", "not_going": "Not going", "waitlisted": "Waitlisted"}
INTRODUCTION_PURPOSES = {
    "research": "Research",
    "career": "Career",
    "fellowship": "Fellowship",
    "clinical": "Clinical",
    "other": "Other",
}
INTRODUCTION_OUTCOMES = {"met": "Met", "not_yet": "Not yet", "no_response": "No response"}
# Individual development plans: the six ACGME core competencies, then three of the program's own.
GOAL_CATEGORIES = {
    "patient_care": "Patient Care",
    "medical_knowledge": "Medical Knowledge",
    "systems_based_practice": "Systems-Based Practice",
    "practice_based_learning": "Practice-Based Learning and Improvement",
    "professionalism": "Professionalism",
    "communication": "Interpersonal and Communication Skills",
    "career": "Career",
    "research": "Research",
    "wellness": "Wellness",
}
GOAL_STATUSES = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
}
