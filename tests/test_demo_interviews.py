"""The demo's interviews: opened and booked through the services at the demo's upcoming fair,
the same however often they are loaded."""

from __future__ import annotations

from server.demo import load_demo
from server.demo_interviews import load_interviews_demo
from server.models import InterviewBooking, InterviewSlot, OutboxMessage
from server.models.enums import InterviewBookingStatus


async def test_the_demo_interviews_are_loaded_once_however_often_they_are_asked_for(db):
    await load_demo("demo-password")
    first = await load_interviews_demo()
    second = await load_interviews_demo()
    assert first == second
    assert first["interview runs"] == 3
    assert 1 <= first["interviews"] <= 5
    assert await InterviewSlot.filter(booked__gt=0).count() >= 1
    booked = await InterviewBooking.filter(status=InterviewBookingStatus.BOOKED).count()
    assert sum(await InterviewSlot.all().values_list("booked", flat=True)) == booked
    people = await InterviewBooking.all().values_list("attendee_id", flat=True)
    assert await OutboxMessage.filter(attendee_id__in=people).exists()


async def test_without_an_upcoming_fair_the_demo_opens_nothing(db):
    assert await load_interviews_demo() == {"interview runs": 0, "interviews": 0}
