"""The disclosure rule on the shapes a report meets (DESIGN §9), each checked by brute force.

`possible_values()` is the reader who tries to work the hidden counts out: given only what a
report publishes — the shown counts, "<5" for 1 to 4, "hidden" for any count from 0, each
column's total (the key figures), attended ≤ registered per category, and for ratings the
average as printed — it lists every table of counts that agrees with all of it, and so every
value each hidden count could have. A count is given away when it has one possible value.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import pytest

from server.models.enums import Gender
from server.reports.disclosure import (
    OTHER,
    SMALL,
    WITHHELD,
    Cell,
    PublishedBreakdown,
    PublishedRatings,
    publish_breakdown,
    publish_ratings,
)
from server.reports.figures import Breakdown, BreakdownRow, Satisfaction

COLUMNS = ("registered", "attended")


def domain(cell: Cell, total: int) -> range:
    if cell.hidden == SMALL:
        return range(1, 5)
    if cell.hidden == WITHHELD:
        return range(0, total + 1)
    assert cell.count is not None
    return range(cell.count, cell.count + 1)


def tables(domains: list[range], total: int) -> Iterator[tuple[int, ...]]:
    """Every choice of one value per domain adding up to `total`."""
    if not domains:
        if total == 0:
            yield ()
        return
    first, rest = domains[0], domains[1:]
    if any(len(d) == 0 for d in domains):
        return
    most_of_rest = sum(d[-1] for d in rest)
    for value in first:
        if value <= total and total - value <= most_of_rest:
            for tail in tables(rest, total - value):
                yield (value, *tail)


def possible_values(published: PublishedBreakdown) -> dict[tuple[str, str], set[int]]:
    """For each hidden cell (category key, column), every value a reader cannot rule out."""
    rows = published.rows
    found: dict[tuple[str, str], set[int]] = {
        (row.key, column): set()
        for row in rows
        for column in COLUMNS
        if getattr(row, column).hidden
    }
    registered = [domain(row.registered, published.registered) for row in rows]
    attended = [domain(row.attended, published.attended) for row in rows]
    for people in tables(registered, published.registered):
        bounded = [
            range(d.start, min(d.stop, top + 1)) for d, top in zip(attended, people, strict=True)
        ]
        for came in tables(bounded, published.attended):
            for row, value, seen in zip(rows, people, came, strict=True):
                for column, count in (("registered", value), ("attended", seen)):
                    if (row.key, column) in found:
                        found[row.key, column].add(count)
    return found


def given_away(published: PublishedBreakdown) -> list[tuple[str, str]]:
    """The hidden cells with one possible value, and the shown counts from 1 to 4."""
    exact = [cell for cell, values in possible_values(published).items() if len(values) == 1]
    small = [
        (row.key, column)
        for row in published.rows
        for column in COLUMNS
        if getattr(row, column).count in (1, 2, 3, 4)
    ]
    return exact + small


def breakdown(dimension, *rows) -> Breakdown:
    return Breakdown(dimension, tuple(BreakdownRow(*row) for row in rows))


def shown(published: PublishedBreakdown) -> dict[str, tuple[str, str]]:
    """Category → (registered, attended) as a table prints them."""

    def text(cell: Cell) -> str:
        return {SMALL: "<5", WITHHELD: "hidden"}.get(cell.hidden or "", str(cell.count))

    return {row.key: (text(row.registered), text(row.attended)) for row in published.rows}


# --- breakdowns -----------------------------------------------------------------------------------


def test_women_and_men_stay_shown_when_three_people_did_not_state_their_sex():
    # The past fair: 66 women, 55 men, 3 not stated, of 124 registered; 52, 43 and 2 attended.
    published = publish_breakdown(
        breakdown("sex", (Gender.FEMALE, 66, 52), (Gender.MALE, 55, 43), ("", 3, 2))
    )

    table = shown(published)
    assert table[Gender.FEMALE] == ("66", "52")
    assert table[Gender.MALE] == ("55", "43")
    assert table[""] == ("<5", "<5")
    assert table[Gender.OTHER] == ("hidden", "hidden")  # nobody, hidden to protect the 3
    assert (published.registered, published.attended) == (124, 97)
    assert given_away(published) == []
    assert possible_values(published)["", "registered"] == {1, 2, 3}


def test_the_complementary_count_is_the_least_informative_one():
    # Two small cities grouped under "other" (1 + 2 = 3), and a city not stated for 6 people.
    published = publish_breakdown(
        breakdown(
            "city",
            ("Rabat", 60, 50),
            ("Casablanca", 30, 20),
            ("Fès", 2, 2),
            ("Oujda", 1, 1),
            ("", 6, 5),
        )
    )

    assert shown(published) == {
        "Rabat": ("60", "50"),
        "Casablanca": ("30", "20"),
        OTHER: ("<5", "<5"),
        "": ("hidden", "hidden"),
    }
    assert given_away(published) == []


def test_women_and_men_stay_shown_when_one_person_did_not_state_their_sex():
    # A hidden 0 cannot protect a 1 (1 + 0 is 1): "other" and "not stated" are hidden together.
    published = publish_breakdown(
        breakdown("sex", (Gender.FEMALE, 66, 52), (Gender.MALE, 55, 43), ("", 1, 1))
    )

    table = shown(published)
    assert table[Gender.FEMALE] == ("66", "52")
    assert table[Gender.MALE] == ("55", "43")
    assert table[""] == table[Gender.OTHER] == ("hidden", "hidden")
    assert given_away(published) == []


def test_a_headline_category_is_hidden_when_nothing_else_protects():
    # Five men, four of whom came: whatever else is hidden, 5 registered would tell the 4.
    published = publish_breakdown(breakdown("sex", (Gender.MALE, 5, 4)))

    assert shown(published)[Gender.MALE] == ("hidden", "<5")
    assert given_away(published) == []


def test_a_breakdown_of_one_category_is_shown_as_it_is():
    published = publish_breakdown(breakdown("sex", (Gender.FEMALE, 12, 9)))

    assert shown(published) == {
        Gender.FEMALE: ("12", "9"),
        Gender.MALE: ("0", "0"),
        Gender.OTHER: ("0", "0"),
        "": ("0", "0"),
    }


def test_a_small_breakdown_of_one_category_hides_an_empty_one_beside_it():
    # Three women and nobody else: "<5" alone would be the published total.
    published = publish_breakdown(breakdown("sex", (Gender.FEMALE, 3, 2)))

    assert shown(published)[Gender.FEMALE] == ("<5", "<5")
    assert shown(published)[""] == ("hidden", "hidden")
    assert given_away(published) == []


def test_a_breakdown_of_only_small_counts_needs_nothing_more_hidden():
    published = publish_breakdown(
        breakdown("age_band", ("18-24", 2, 1), ("25-34", 3, 3), ("35-44", 1, 1), ("", 2, 0))
    )

    table = shown(published)
    assert [table[band] for band in ("18-24", "25-34", "35-44")] == [("<5", "<5")] * 3
    assert table[""] == ("<5", "0")
    assert table["under-18"] == table["45+"] == ("0", "0")
    assert given_away(published) == []


def test_two_small_counts_that_can_trade_protect_each_other():
    published = publish_breakdown(
        breakdown(
            "legal_status",
            ("regularised", 40, 30),
            ("refugee", 31, 25),
            ("asylum_seeker", 3, 2),
            ("other", 2, 1),
        )
    )

    table = shown(published)
    assert table["asylum_seeker"] == table["other"] == ("<5", "<5")
    assert table["regularised"] == ("40", "30")
    assert table["refugee"] == ("31", "25")
    assert given_away(published) == []


def test_two_ones_cannot_trade_so_more_is_hidden():
    published = publish_breakdown(
        breakdown(
            "legal_status",
            ("regularised", 40, 30),
            ("refugee", 31, 25),
            ("asylum_seeker", 1, 1),
            ("other", 1, 1),
        )
    )

    # "<5" and "<5" of a total of 2 are two 1s: one more count is hidden in each column (a
    # hidden "not stated" of 0 would not do: both would still be 1).
    table = shown(published)
    assert table["regularised"] == ("40", "30")
    assert table[""] == ("0", "0")
    assert sum(text == "hidden" for pair in table.values() for text in pair) == 2
    assert given_away(published) == []


def test_a_lone_small_count_next_to_a_five_is_not_given_away():
    # The old rule hid the 5 as ">4": with 6 for the two together, they could only be 5 and 1.
    published = publish_breakdown(
        breakdown("age_band", ("25-34", 40, 30), ("35-44", 5, 5), ("45+", 1, 1))
    )

    assert given_away(published) == []


def test_sparse_nationalities_are_counted_together_under_other():
    published = publish_breakdown(
        breakdown(
            "nationality", ("SN", 40, 30), ("CM", 20, 15), ("TD", 3, 3), ("YE", 1, 0), ("SY", 2, 2)
        )
    )

    assert [row.key for row in published.rows] == ["SN", "CM", OTHER]
    assert shown(published)[OTHER] == ("6", "5")


def test_the_registered_and_attended_columns_are_protected_together():
    # Attended ≤ registered: a hidden zero of registered also bounds the attended beside it.
    published = publish_breakdown(
        breakdown("sex", (Gender.FEMALE, 30, 2), (Gender.MALE, 25, 20), ("", 2, 2))
    )

    assert given_away(published) == []


SIZES = (0, 1, 2, 3, 5, 6, 40)


def sex_tables() -> Iterator[Breakdown]:
    """Sex breakdowns with every mix of these counts, attended all or one fewer."""
    for counts in itertools.product(SIZES, (0, 1, 2, 5, 30), (0, 1, 3), (0, 1, 2, 4, 9)):
        for came in ((0, 0, 0, 0), (1, 1, 1, 1), (1, 0, 1, 0), (0, 1, 0, 1)):
            rows = [
                (key, count, max(0, count - less))
                for key, count, less in zip(
                    (Gender.FEMALE, Gender.MALE, Gender.OTHER, ""), counts, came, strict=True
                )
            ]
            yield breakdown("sex", *rows)


def test_no_sex_breakdown_of_these_shapes_gives_a_count_away():
    checked = 0
    for table in sex_tables():
        published = publish_breakdown(table)
        assert given_away(published) == [], table
        checked += 1
    assert checked == 7 * 5 * 3 * 5 * 4


# --- ratings --------------------------------------------------------------------------------------


def satisfaction(*distribution: int) -> Satisfaction:
    answers = sum(distribution)
    total = sum(rating * count for rating, count in enumerate(distribution, start=1))
    return Satisfaction(answers, total / answers if answers else None, distribution)


def possible_distributions(published: PublishedRatings) -> set[tuple[int, ...]]:
    """Every distribution of ratings 1–5 that agrees with the published bands and average."""
    answers = published.answers.count
    assert answers is not None
    found = set()
    for cuts in itertools.product(
        *(
            tables([range(0, answers + 1)] * (band.high - band.low + 1), band.cell.count or 0)
            for band in published.bands
        )
    ):
        distribution = tuple(count for band in cuts for count in band)
        total = sum(rating * count for rating, count in enumerate(distribution, start=1))
        average = (Decimal(total) / answers).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if published.average is None or float(average) == published.average:
            found.add(distribution)
    return found


def ratings_given_away(published: PublishedRatings, true: tuple[int, ...]) -> list[int]:
    """The ratings given by 1 to 4 people whose count a reader can work out."""
    possible = possible_distributions(published)
    assert true in possible
    return [
        rating
        for rating in range(1, 6)
        if true[rating - 1] in (1, 2, 3, 4) and len({d[rating - 1] for d in possible}) == 1
    ]


def bands(published: PublishedRatings) -> list[tuple[int, int, int | None]]:
    return [(band.low, band.high, band.cell.count) for band in published.bands]


def test_one_large_rating_keeps_its_bar_and_the_others_are_counted_together():
    published = publish_ratings(satisfaction(0, 1, 2, 3, 40))

    assert bands(published) == [(1, 1, 0), (2, 4, 6), (5, 5, 40)]
    assert published.average == 4.8
    assert ratings_given_away(published, (0, 1, 2, 3, 40)) == []


def test_small_ratings_that_the_average_would_give_away_are_counted_together():
    # The past fair: 12 answers averaging 4.1. Shown as "<5" one by one, the average gives
    # them away (1, 2 and 4): only one table of 12 answers has that average.
    published = publish_ratings(satisfaction(0, 1, 2, 4, 5))

    assert bands(published) == [(1, 1, 0), (2, 4, 7), (5, 5, 5)]
    assert published.average == 4.1
    assert ratings_given_away(published, (0, 1, 2, 4, 5)) == []


def test_ratings_of_fewer_than_five_answers_are_not_shown():
    published = publish_ratings(satisfaction(0, 0, 0, 1, 1))

    assert published.answers.hidden == SMALL
    assert published.average is None
    assert [band.cell.hidden for band in published.bands] == [SMALL]


def test_the_average_is_left_out_when_it_alone_would_give_a_rating_away():
    # Six answers averaging 4.8 are five 5s and one 4, whatever the bands.
    published = publish_ratings(satisfaction(0, 0, 0, 1, 5))

    assert published.average is None
    assert bands(published)[-1] == (4, 5, 6)
    assert ratings_given_away(published, (0, 0, 0, 1, 5)) == []


@pytest.mark.parametrize(
    "distribution",
    [
        (2, 3, 10, 20, 30),
        (1, 0, 2, 1, 30),
        (0, 0, 3, 20, 40),
        (4, 4, 4, 4, 4),
        (0, 0, 0, 0, 7),
        (1, 1, 1, 1, 1),
        (0, 5, 0, 0, 1),
    ],
)
def test_no_small_rating_can_be_worked_out(distribution):
    assert ratings_given_away(publish_ratings(satisfaction(*distribution)), distribution) == []
