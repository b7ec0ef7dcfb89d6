"""What a published report may show of its counts (DESIGN §9): the one rule, for every output.

The report page, its PDF, the bulletin page, its PDF and its spreadsheet never decide what to
hide: they draw what `publish_breakdown()` and `publish_ratings()` give them.

The rule, as statistics offices apply it to tables of people:

1. **Group sparse categories first.** In the open lists (nationality, city, language) every
   category of 1 to 4 registered people is counted under OTHER ("other nationalities"); the
   satisfaction ratings given by fewer than 5 people are counted with their neighbours ("2 to 4
   out of 5").
2. **Hide every count from 1 to 4** ("<5", primary suppression).
3. **Hide one more count where the published figures would give a hidden one away**
   (complementary suppression). A reader knows each column's total (the registered and attended
   key figures), that attended ≤ registered in each category, and, for ratings, the average: a
   count is given away when those facts leave it one possible value. The count hidden for it is
   the least informative that protects it: "not stated", then "other", then the smallest of the
   others, and a headline category (women, men) only when nothing else protects. A count hidden
   this way can be any number, 0 included, and reads "hidden".

Whether a hidden count is given away is decided by looking for a second table of counts that
agrees with everything published and differs in that count (`_exposed`): when one exists, no
reader can tell the two apart. The search tries moves of one or two people between up to four
unknown counts, which finds the second table whenever one cell can trade with another (also
across the registered and attended columns together); where it finds none, one more count is
hidden. A table of one category is its total, which is published anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from itertools import combinations, product
from typing import Literal

from server.i18n import gettext, lazy
from server.models.enums import Gender, LegalStatus
from server.reports.figures import (
    AGE_BANDS,
    OTHER,
    Breakdown,
    Dimension,
    InterviewFigures,
    Satisfaction,
)
from server.values.formatting import number

SMALL_CELL_LIMIT = 5  # counts from 1 to SMALL_CELL_LIMIT - 1 are never published
SMALL_TEXT = "<5"
NOT_STATED = ""  # the key of "not stated" in every breakdown
RATINGS = (1, 2, 3, 4, 5)

Hidden = Literal["small", "withheld"]
SMALL: Hidden = "small"  # a count from 1 to 4, shown as "<5"
WITHHELD: Hidden = "withheld"  # hidden so that a small count cannot be worked out; any value

WITHHELD_TEXT = lazy("hidden")
SMALL_CHART_TEXT = lazy("hidden: fewer than 5")
RULE = lazy(
    "Counts from 1 to 4 are shown as “<5”, categories of fewer than 5 people are counted "
    "together, and a count marked “hidden” is left out so that no “<5” can be worked out from "
    "the totals."
)
RATINGS_RULE = lazy(
    "Ratings given by fewer than 5 people are counted with the next ones, so that no one's "
    "answer can be told from the figures."
)

# Breakdowns whose categories are all known in advance: each is listed, 0 included, so that a
# zero can be hidden to protect a small count (a hidden zero protects as well as any count).
CLOSED_CATEGORIES: dict[Dimension, tuple[str, ...]] = {
    "sex": (Gender.FEMALE, Gender.MALE, Gender.OTHER, NOT_STATED),
    "age_band": (*AGE_BANDS, NOT_STATED),
    "legal_status": (
        LegalStatus.REGULARISED,
        LegalStatus.REFUGEE,
        LegalStatus.ASYLUM_SEEKER,
        LegalStatus.OTHER,
        NOT_STATED,
    ),
}
# The main indicators of a breakdown, hidden only when nothing else protects a small count.
HEADLINE: dict[Dimension, frozenset[str]] = {"sex": frozenset({Gender.FEMALE, Gender.MALE})}


def is_small(count: int) -> bool:
    return 0 < count < SMALL_CELL_LIMIT


# --- What the outputs draw ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A count as published: `count` when shown, None when hidden (`hidden` says why)."""

    count: int | None
    hidden: Hidden | None = None

    @property
    def text(self) -> str:
        """As a table shows it, in the current language: the count, "<5" or "hidden"."""
        if self.hidden == SMALL:
            return SMALL_TEXT
        if self.hidden == WITHHELD:
            return gettext(WITHHELD_TEXT)
        return number(self.count or 0)

    @property
    def chart_text(self) -> str:
        """As a chart names it in place of a bar: the count, or why there is no bar."""
        if self.hidden == SMALL:
            return gettext(SMALL_CHART_TEXT)
        return self.text

    def share(self, total: int) -> float | None:
        """The count ÷ `total`; None when hidden (its share would give it away) or when the
        total is 0."""
        if self.count is None or total <= 0:
            return None
        return self.count / total


@dataclass(frozen=True)
class PublishedRow:
    """One category of a published breakdown: `key` as in `figures.BreakdownRow` (OTHER for
    the categories counted together)."""

    key: str
    registered: Cell
    attended: Cell


@dataclass(frozen=True)
class PublishedBreakdown:
    dimension: Dimension
    rows: tuple[PublishedRow, ...]
    registered: int  # the columns' totals, published as key figures
    attended: int


@dataclass(frozen=True)
class RatingBand:
    """Ratings from `low` to `high` (the same for one rating) and how many gave them."""

    low: int
    high: int
    cell: Cell

    @property
    def label(self) -> str:
        """ "4 out of 5" or "2 to 4 out of 5", in the current language."""
        if self.low == self.high:
            return gettext("%(rating)s out of 5") % {"rating": self.low}
        return gettext("%(low)s to %(high)s out of 5") % {"low": self.low, "high": self.high}


@dataclass(frozen=True)
class PublishedRatings:
    """A 1–5 distribution as published: `answers` ("<5" when 1 to 4, and then nothing else),
    the average rounded to one decimal as every output prints it (None when there is none or
    when it would give a count away), and the bands from the lowest rating to the highest."""

    answers: Cell
    average: float | None
    bands: tuple[RatingBand, ...]


# --- Interviews -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedInterviews:
    """The interviews of a fair as published: booked, and of those held, missed and not yet
    recorded (they add up to booked), and the held that led to a hire."""

    booked: Cell
    held: Cell
    no_shows: Cell
    unrecorded: Cell
    led_to_hire: Cell


def publish_interviews(interviews: InterviewFigures) -> PublishedInterviews:
    """The interview counts as a report may show them. Held, no-shows and not recorded are one
    column whose total (booked) is published: the module's rule applies to it, hiding "not
    recorded" first. Hires are a part of the held: shown only where the held are, and hidden
    too when the held without a hire are 1 to 4 (the hires could be told from them)."""
    counts = (interviews.held, interviews.no_shows, interviews.unrecorded)
    facts = _Facts(counts=counts, cells=((0,), (1,), (2,)), columns=((0, 1, 2),))
    # The cheapest to hide: "not recorded" (cell 2), then the no-shows, then the held.
    masks = _protect(facts, lambda cell, _: (-cell, counts[cell]))
    held, no_shows, unrecorded = (
        Cell(None, mask) if mask else Cell(count) for count, mask in zip(counts, masks, strict=True)
    )
    hired = interviews.led_to_hire
    if is_small(hired):
        led_to_hire = Cell(None, SMALL)
    elif hired and (held.count is None or is_small(interviews.held - hired)):
        led_to_hire = Cell(None, WITHHELD)
    else:
        led_to_hire = Cell(hired)
    booked = Cell(None, SMALL) if is_small(interviews.booked) else Cell(interviews.booked)
    return PublishedInterviews(booked, held, no_shows, unrecorded, led_to_hire)


# --- Breakdowns -----------------------------------------------------------------------------------


def publish_breakdown(breakdown: Breakdown) -> PublishedBreakdown:
    """The breakdown as a report may show it: sparse categories grouped, small counts hidden
    and one more wherever the totals would give a hidden one away (the module's rule)."""
    rows = _grouped(breakdown)
    keys = [key for key, _, _ in rows]
    counts = tuple(count for _, registered, attended in rows for count in (registered, attended))
    # Atom 2i is category i registered, 2i + 1 the same category attended.
    facts = _Facts(
        counts=counts,
        cells=tuple((atom,) for atom in range(len(counts))),
        columns=(tuple(range(0, len(counts), 2)), tuple(range(1, len(counts), 2))),
        at_most=tuple((2 * i + 1, 2 * i) for i in range(len(rows))),
    )
    headline = HEADLINE.get(breakdown.dimension, frozenset())

    def cost(cell: int, target: tuple[int, ...]) -> tuple[int, int, int]:
        key = keys[cell // 2]
        kind = 0 if key == NOT_STATED else 1 if key == OTHER else 3 if key in headline else 2
        return kind, int(cell % 2 != target[0] % 2), counts[cell]

    masks = _protect(facts, cost)
    cells = [
        Cell(None, mask) if mask else Cell(count) for count, mask in zip(counts, masks, strict=True)
    ]
    return PublishedBreakdown(
        dimension=breakdown.dimension,
        rows=tuple(
            PublishedRow(key, cells[2 * index], cells[2 * index + 1])
            for index, key in enumerate(keys)
        ),
        registered=sum(counts[0::2]),
        attended=sum(counts[1::2]),
    )


def _grouped(breakdown: Breakdown) -> list[tuple[str, int, int]]:
    """(key, registered, attended) per category as published: a closed list completed with its
    empty categories, an open one with its sparse categories counted under OTHER; "not stated"
    last, OTHER just before it."""
    given = {row.key: (row.registered, row.attended) for row in breakdown.rows}
    if not any(registered for registered, _ in given.values()):
        return []  # nobody yet: no table at all
    closed = CLOSED_CATEGORIES.get(breakdown.dimension)
    if closed is not None:
        order = [row.key for row in breakdown.rows if row.key != NOT_STATED]
        order += [key for key in closed if key not in order and key != NOT_STATED]
        return [(key, *given.get(key, (0, 0))) for key in [*order, NOT_STATED]]
    rows: list[tuple[str, int, int]] = []
    other = [0, 0]
    for row in breakdown.rows:
        if row.key == NOT_STATED:
            continue
        if row.key == OTHER or is_small(row.registered):
            other[0] += row.registered
            other[1] += row.attended
        else:
            rows.append((row.key, row.registered, row.attended))
    if any(other):
        rows.append((OTHER, other[0], other[1]))
    if NOT_STATED in given:
        rows.append((NOT_STATED, *given[NOT_STATED]))
    return rows


# --- Ratings --------------------------------------------------------------------------------------


def publish_ratings(satisfaction: Satisfaction) -> PublishedRatings:
    """The ratings as a report may show them: with fewer than 5 answers, only "<5"; otherwise
    the finest bands of neighbouring ratings in which no count is from 1 to 4 and no count of 1
    to 4 inside a band can be worked out with the average (which is left out only when every
    choice of bands would give one away)."""
    answers = satisfaction.answers
    counts = tuple(satisfaction.distribution)
    if is_small(answers):
        return PublishedRatings(Cell(None, SMALL), None, (RatingBand(1, 5, Cell(None, SMALL)),))
    if not answers:
        return PublishedRatings(Cell(0), None, tuple(RatingBand(r, r, Cell(0)) for r in RATINGS))
    total = sum(rating * count for rating, count in zip(RATINGS, counts, strict=True))
    average = _rounded(Decimal(total) / answers)
    window = _sums_read_as(average, answers, total)
    for with_average in (True, False):
        for bands in _band_choices(counts):
            facts = _Facts(
                counts=counts,
                cells=tuple(tuple(range(low - 1, high)) for low, high in bands),
                columns=(tuple(range(len(RATINGS))),),
                weights=RATINGS if with_average else (),
                window=window if with_average else None,
            )
            if not _exposed(facts, (None,) * len(bands)):
                return PublishedRatings(
                    Cell(answers),
                    float(average) if with_average else None,
                    tuple(
                        RatingBand(low, high, Cell(sum(counts[low - 1 : high])))
                        for low, high in bands
                    ),
                )
    raise AssertionError("one band without the average always protects")  # pragma: no cover


def _rounded(average: Decimal) -> Decimal:
    return average.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _sums_read_as(average: Decimal, answers: int, total: int) -> tuple[int, int]:
    """The sums of ratings that `answers` answers could have for their average to read
    `average`, as the reports print it (one decimal): a reader knows the sum lies there."""
    low = high = total
    while low > answers and _rounded(Decimal(low - 1) / answers) == average:
        low -= 1
    while high < 5 * answers and _rounded(Decimal(high + 1) / answers) == average:
        high += 1
    return low, high


def _band_choices(counts: Sequence[int]) -> list[tuple[tuple[int, int], ...]]:
    """The ways to cut the ratings 1–5 into bands of neighbours in which every band counts 0 or
    at least 5 people, the finest first (among equals, the one finer at the top)."""
    choices = []
    for cuts in product((False, True), repeat=len(RATINGS) - 1):
        bands, low = [], RATINGS[0]
        for rating, cut in zip(RATINGS, (*cuts, True), strict=True):
            if cut:
                bands.append((low, rating))
                low = rating + 1
        if all(not is_small(sum(counts[lo - 1 : hi])) for lo, hi in bands):
            choices.append(tuple(bands))
    return sorted(choices, key=lambda bands: (-len(bands), [hi - lo for lo, hi in bands[::-1]]))


# --- Whether a published table gives a count away -------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    """What a reader of a published table knows, as linear facts about its true counts.

    `counts` are the counts of the table's atoms (the smallest groups counted); each published
    cell adds up some atoms (`cells`); each column's atoms add up to a published total
    (`columns`); `at_most` pairs (a, b) say atom a ≤ atom b (attended ≤ registered); with
    `weights`, the weighted sum of the atoms (the ratings' total) lies in `window`.
    """

    counts: tuple[int, ...]
    cells: tuple[tuple[int, ...], ...]
    columns: tuple[tuple[int, ...], ...]
    at_most: tuple[tuple[int, int], ...] = ()
    weights: tuple[int, ...] = ()
    window: tuple[int, int] | None = None

    @cached_property
    def cell_of(self) -> dict[int, int]:
        return {atom: cell for cell, atoms in enumerate(self.cells) for atom in atoms}

    @cached_property
    def pairs_of(self) -> dict[int, list[tuple[int, int]]]:
        pairs: dict[int, list[tuple[int, int]]] = {}
        for pair in self.at_most:
            for atom in pair:
                pairs.setdefault(atom, []).append(pair)
        return pairs


Masks = tuple[Hidden | None, ...]  # per published cell: shown (None) or how it is hidden
Cost = Callable[[int, tuple[int, ...]], tuple[int, ...]]


def _protect(facts: _Facts, cost: Cost) -> Masks:
    """Primary suppression, then complementary: while a hidden count is given away, hide the
    cheapest cells (`cost(cell, target)`, `_choices`) that protect it and are not given away
    themselves; a "<5" can be hidden further as "hidden". A count that nothing protects is left
    as it is."""
    masks: Masks = tuple(
        SMALL if is_small(sum(facts.counts[a] for a in atoms)) else None for atoms in facts.cells
    )
    # Hiding more never makes a protected count exposed again: remember the protected ones.
    protected: set[tuple[int, ...]] = set()
    unprotectable: set[tuple[int, ...]] = set()
    while True:
        exposed = [t for t in _exposed(facts, masks, protected) if t not in unprotectable]
        if not exposed:
            return masks
        target = exposed[0]
        # A "<5" may become "hidden" too: two 1s of a total of 2 are given away as "<5".
        candidates = sorted(
            (cell for cell, mask in enumerate(masks) if mask != WITHHELD),
            key=lambda cell: cost(cell, target),
        )
        for choice in _choices(facts, candidates, target, cost):
            trial = tuple(WITHHELD if cell in choice else mask for cell, mask in enumerate(masks))
            wanted = [target, *(facts.cells[cell] for cell in choice)]
            if all(_can_move(facts, trial, atoms) for atoms in wanted):
                masks = trial
                protected.update(wanted)
                break
        else:
            unprotectable.add(target)


def _choices(
    facts: _Facts, candidates: Sequence[int], target: tuple[int, ...], cost: Cost
) -> list[tuple[int, ...]]:
    """The sets of cells that could be hidden for `target`, cheapest first: by their dearest
    cell, then fewer cells, then fewer people. One or two of any cells, three or four among the
    six cheapest and the target's own cells with those bound to them (the registered and
    attended counts of a category may have to go together)."""
    near = {facts.cell_of[a] for t in target for pair in facts.pairs_of.get(t, ()) for a in pair}
    pool = [cell for index, cell in enumerate(candidates) if index < 6 or cell in near]
    choices = [
        *((cell,) for cell in candidates),
        *combinations(candidates, 2),
        *combinations(pool, 3),
        *combinations(pool, 4),
    ]

    def price(choice: tuple[int, ...]) -> tuple[tuple[int, ...], int, int]:
        people = sum(facts.counts[atom] for cell in choice for atom in facts.cells[cell])
        return max(cost(cell, target) for cell in choice), len(choice), people

    return sorted(choices, key=price)


def _exposed(
    facts: _Facts, masks: Masks, protected: set[tuple[int, ...]] | frozenset = frozenset()
) -> list[tuple[int, ...]]:
    """The hidden counts a reader could work out exactly, as the atoms they add up: every
    hidden cell, and every atom of 1 to 4 people inside a cell of several atoms (`protected`
    ones are known not to be)."""
    targets = [facts.cells[cell] for cell, mask in enumerate(masks) if mask]
    targets += [
        (atom,)
        for atoms in facts.cells
        if len(atoms) > 1
        for atom in atoms
        if is_small(facts.counts[atom])
    ]
    return [t for t in targets if t not in protected and not _can_move(facts, masks, t)]


MOST_MOVED = 4  # atoms changed by one move


def _can_move(facts: _Facts, masks: Masks, target: tuple[int, ...]) -> bool:
    """Whether another table of counts agrees with all that is published and differs in the sum
    of `target`: a move of ±1 (±2 with weights) on two to four atoms not shown on their own,
    keeping each column's total."""
    steps = (-2, -1, 1, 2) if facts.weights else (-1, 1)
    per_column = []
    for atoms in facts.columns:
        free = tuple(
            atom
            for atom in atoms
            if masks[facts.cell_of[atom]] or len(facts.cells[facts.cell_of[atom]]) > 1
        )
        per_column.append(((), *_balanced_moves(free, steps)))
    wanted = set(target)
    for parts in product(*per_column):
        if sum(len(part) for part in parts) > MOST_MOVED:
            continue
        move = {atom: delta for part in parts for atom, delta in part}
        if wanted.isdisjoint(move) or not sum(move.get(atom, 0) for atom in target):
            continue
        if _agrees(facts, masks, move):
            return True
    return False


@lru_cache(maxsize=1024)
def _balanced_moves(
    atoms: tuple[int, ...], steps: tuple[int, ...]
) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Changes of two to MOST_MOVED of `atoms` that add up to nothing, as (atom, change)."""
    return tuple(
        tuple(zip(support, deltas, strict=True))
        for size in range(2, MOST_MOVED + 1)
        for support in combinations(atoms, size)
        for deltas in product(steps, repeat=size)
        if not sum(deltas)
    )


def _agrees(facts: _Facts, masks: Masks, move: dict[int, int]) -> bool:
    """Whether the counts changed by `move` (which keeps every column's total) agree with
    everything else published."""

    def moved(atom: int) -> int:
        return facts.counts[atom] + move.get(atom, 0)

    if any(moved(atom) < 0 for atom in move):
        return False
    for cell in {facts.cell_of[atom] for atom in move}:
        atoms = facts.cells[cell]
        if masks[cell] is None and sum(move.get(atom, 0) for atom in atoms) != 0:
            return False
        if masks[cell] == SMALL and not is_small(sum(moved(atom) for atom in atoms)):
            return False
    for atom in move:
        for low, high in facts.pairs_of.get(atom, ()):
            if moved(low) > moved(high):
                return False
    if facts.window is not None:
        low, high = facts.window
        if not low <= sum(w * moved(atom) for atom, w in enumerate(facts.weights)) <= high:
            return False
    return True
