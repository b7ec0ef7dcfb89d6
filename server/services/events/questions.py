"""Answers to the questions an organiser adds to an event's sign-up form."""

from __future__ import annotations

from server.i18n import lazy
from server.models import CustomQuestion, Event
from server.models.enums import QuestionKind
from server.values.numbers import parse_count

YES_NO = ("yes", "no")
MAX_TEXT_ANSWER = 1000


async def sign_up_questions(event: Event) -> list[CustomQuestion]:
    """The questions the organiser added to the event's sign-up form, in their order."""
    return await CustomQuestion.filter(event_id=event.id).order_by("position", "id")


def field_name(question: CustomQuestion) -> str:
    return f"q_{question.id}"


def check_answers(
    questions: list[CustomQuestion], raw: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """(answers by question id, errors by form field) for what was typed.

    A choice is kept as the index of the chosen option; yes/no as "yes" or "no".
    """
    answers: dict[str, str] = {}
    errors: dict[str, str] = {}
    for question in questions:
        name = field_name(question)
        value = raw.get(name, "").strip()
        if not value:
            if question.required:
                errors[name] = lazy("Please answer this question.")
            continue
        if (question.kind == QuestionKind.YES_NO and value not in YES_NO) or (
            question.kind == QuestionKind.CHOICE
            and (parse_count(value) is None or parse_count(value) >= len(question.choices))
        ):
            errors[name] = lazy("Choose an answer from the list.")
        elif len(value) > MAX_TEXT_ANSWER:
            errors[name] = lazy("This answer is too long.")
        else:
            answers[str(question.id)] = value
    return answers, errors
