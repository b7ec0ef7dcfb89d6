"""What a published column shows of its counts: no count from 1 to 4, and none that its
published total would give away."""

import pytest

from server.reports.figures import hidden_counts


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ((12, 9, 0), (None, None, None)),  # nothing small: every count as it is
        ((40, 31, 3), (None, ">4", "<5")),  # one small count: the next smallest is hidden
        ((40, 31, 2, 1), (None, ">4", "<5", "<5")),  # small counts adding up to 3: the same
        ((40, 31, 3, 2), (None, None, "<5", "<5")),  # adding up to 5: no one count can be told
        ((3, 0, 0), ("<5", None, None)),  # nothing else to hide (the total says it anyway)
        ((), ()),
    ],
)
def test_small_counts_and_the_count_that_would_give_them_away_are_hidden(counts, shown):
    assert hidden_counts(counts) == shown
