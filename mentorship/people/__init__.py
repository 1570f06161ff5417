"""Enrolling and browsing mentors and mentees."""
