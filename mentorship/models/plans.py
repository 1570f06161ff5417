"""Individual development plans: a mentee's plan for one academic year, its goals, comments and reviews."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentorship.extensions import Model, db
from mentorship.models.people import MenteeProfile, Person
from mentorship.models.programs import Program

# The goals a meeting's "we discussed the plan" named.
discussed_goals = Table(
    "discussed_goals",
    db.metadata,
    Column("meeting_id", ForeignKey("plan_discussions.meeting_id", ondelete="CASCADE"), primary_key=True),
    Column("goal_id", ForeignKey("goals.id", ondelete="CASCADE"), primary_key=True),
)


class Plan(Model):
    """A mentee's individual development plan for academic year `year` (one per mentee and year)."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("mentee_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("mentee_profiles.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())

    mentee: Mapped[MenteeProfile] = relationship()
    goals: Mapped[list[Goal]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Goal.id"
    )
    reviews: Mapped[list[PlanReview]] = relationship(
        cascade="all, delete-orphan", order_by="PlanReview.reviewed_on"
    )


class Goal(Model):
    """One goal of a plan; `origin_id`: the unfinished goal of last year's plan it was rolled forward from."""

    __tablename__ = "goals"
    # One copy per plan of a rolled-forward goal: rolling forward twice adds nothing.
    __table_args__ = (UniqueConstraint("plan_id", "origin_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(40))
    target_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    next_step: Mapped[str | None] = mapped_column(String(500))
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    plan: Mapped[Plan] = relationship(back_populates="goals")
    comments: Mapped[list[GoalComment]] = relationship(
        cascade="all, delete-orphan", order_by="GoalComment.id"
    )


class GoalComment(Model):
    """A mentor's comment on a goal of their mentee's plan."""

    __tablename__ = "goal_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    author: Mapped[Person | None] = relationship()


class PlanReview(Model):
    """ "We reviewed this plan on DATE": it counts once the mentee and a mentor have both confirmed it."""

    __tablename__ = "plan_reviews"
    __table_args__ = (UniqueConstraint("plan_id", "reviewed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    mentor_confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    mentee_confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    mentor: Mapped[Person | None] = relationship()

    @property
    def counted(self) -> bool:
        """Both have confirmed: only then is it a review."""
        return self.mentor_confirmed_at is not None and self.mentee_confirmed_at is not None


class GoalTemplate(Model):
    """A goal a program suggests for its residents of one PGY: a new plan starts with these."""

    __tablename__ = "goal_templates"
    __table_args__ = (UniqueConstraint("program_id", "pgy", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    pgy: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(40))

    program: Mapped[Program] = relationship()


class PlanDiscussion(Model):
    """A meeting at which the pair discussed the plan, and which of its goals."""

    __tablename__ = "plan_discussions"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)

    goals: Mapped[list[Goal]] = relationship(secondary=discussed_goals, order_by="Goal.id")
