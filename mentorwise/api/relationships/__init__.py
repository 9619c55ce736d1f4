"""API: answering matches, relationships, agreements, goals, meetings (.ics), private notes,
check-ins, surveys, sponsorship actions, closure, safety reports, contribution records.

The pair reads and changes their relationship's content. Program managers and HR admins
see metadata, goal progress, meeting dates and health, and survey aggregates; content
endpoints answer them 403. Everyone else gets 404. A private note is readable only
through its author's own endpoint.
"""

from __future__ import annotations

from ninja import Router

from mentorwise.api.relationships import (
    agreements,
    check_ins,
    goals,
    meetings,
    pairs,
    program_pairs,
    recognition,
    safety,
    sponsorship,
    suggested,
    surveys,
)

router = Router()
# Mounted in this order, which is the order of the paths in the OpenAPI document.
router.add_router("", pairs.router)
router.add_router("", agreements.router)
router.add_router("", goals.router)
router.add_router("", meetings.router)
router.add_router("", suggested.router)
router.add_router("", check_ins.router)
router.add_router("", surveys.router)
router.add_router("", sponsorship.router)
router.add_router("", safety.router)
router.add_router("", program_pairs.router)
router.add_router("", recognition.router)
