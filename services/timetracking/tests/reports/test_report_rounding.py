"""The report formats hours and amounts in SQL: exactly as Python's `Decimal.quantize` (halves
to even) formats them everywhere else, including every half."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Integer, Numeric, column, select, values
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from worksync.common.fields import CENT
from worksync.timetracking.reports.report import cents_text, half_even_quotient, hours_text

RATES = [Decimal("0.01"), Decimal("0.05"), Decimal("12.34"), Decimal("80.00"), Decimal("99.99")]


async def test_hours_of_every_second_count_up_to_six_hours(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    seconds = list(range(6 * 3600 + 1))
    rows = values(column("seconds", Integer), name="samples").data([(s,) for s in seconds])
    async with sessionmaker() as session:
        formatted = (
            await session.execute(select(rows.c.seconds, hours_text(rows.c.seconds)))
        ).all()
    expected = {s: str((Decimal(s) / 3600).quantize(CENT)) for s in seconds}
    assert dict(formatted) == expected
    # Halves go to even: 18 s is 0.005 h, 54 s is 0.015 h.
    assert (expected[18], expected[54]) == ("0.00", "0.02")


async def test_amounts_of_rates_times_seconds(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    amounts = [rate * s for rate in RATES for s in range(0, 7200, 7)]
    rows = values(column("amount", Numeric), name="samples").data([(a,) for a in amounts])
    async with sessionmaker() as session:
        formatted = (
            await session.execute(
                select(rows.c.amount, cents_text(half_even_quotient(rows.c.amount * 100, 3600)))
            )
        ).all()
    assert [text for _, text in formatted] == [
        str((Decimal(amount) / 3600).quantize(CENT)) for amount, _ in formatted
    ]
