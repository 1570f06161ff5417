"""Program events: the event itself, who is invited, RSVP with a waitlist, and attendance (docs/events.md).

One job per module: `events` (creating, editing, cancelling; the office's clock), `audience` (who is
invited, kept in step with the event), `rsvp` (going / not going under a capacity, the waitlist) and
`attendance` (the check-in window, QR and invitation-link check-in, the organizer's bulk marking).
"""
