"""The data model, one module per aggregate (docs/architecture.md)."""

from mentorship.models.accounts import (
    AccountInvitation,
    SamlRequestUse,
    User,
    UserSession,
    coordinator_programs,
)
from mentorship.models.api import ApiToken, CalendarFeed
from mentorship.models.audit import AuditEvent
from mentorship.models.events import Event, Introduction, Invitation, event_programs
from mentorship.models.exports import ExportJob
from mentorship.models.mail import OutboundEmail
from mentorship.models.matching import MatchRun
from mentorship.models.meetings import LogLink, LogLinkUse, Meeting, MeetingTopic
from mentorship.models.metrics import DataVersion, PairingYearTotal, SuppressionPattern
from mentorship.models.pairings import Pairing, PulseCheck, Reminder
from mentorship.models.people import (
    MenteeInterest,
    MenteeProfile,
    MentorInterest,
    MentorProfile,
    Person,
    RaceEthnicity,
    SelfIdentification,
    do_not_match,
    preferred_mentors,
)
from mentorship.models.planning import PlannedMeeting
from mentorship.models.plans import (
    Goal,
    GoalComment,
    GoalTemplate,
    Plan,
    PlanDiscussion,
    PlanReview,
    discussed_goals,
)
from mentorship.models.programs import Program
from mentorship.models.records import IssuedRecord
from mentorship.models.roster import RosterUpload, RosterUploadFile

__all__ = [
    "AccountInvitation",
    "ApiToken",
    "CalendarFeed",
    "DataVersion",
    "AuditEvent",
    "Event",
    "ExportJob",
    "Introduction",
    "Invitation",
    "IssuedRecord",
    "Goal",
    "GoalComment",
    "GoalTemplate",
    "LogLink",
    "LogLinkUse",
    "MatchRun",
    "Meeting",
    "MeetingTopic",
    "MenteeInterest",
    "MenteeProfile",
    "MentorInterest",
    "MentorProfile",
    "OutboundEmail",
    "Pairing",
    "PairingYearTotal",
    "Person",
    "Plan",
    "PlanDiscussion",
    "PlanReview",
    "PlannedMeeting",
    "Program",
    "PulseCheck",
    "RaceEthnicity",
    "Reminder",
    "RosterUpload",
    "RosterUploadFile",
    "SamlRequestUse",
    "SelfIdentification",
    "SuppressionPattern",
    "User",
    "UserSession",
    "coordinator_programs",
    "discussed_goals",
    "do_not_match",
    "event_programs",
    "preferred_mentors",
]
