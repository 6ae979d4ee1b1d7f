"""The welfare page shows aggregates per programme and period, never a beneficiary key."""

from __future__ import annotations

from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.explorer.queries import welfare_aggregates
from app.indexer.models import ChainEvent

KEY = "0x" + "ab" * 32


def event(n: int, name: str, topic1: str, **args) -> ChainEvent:
    return ChainEvent(
        block_number=n,
        block_hash="0x" + "00" * 32,
        block_timestamp=1_700_000_000 + n,
        log_index=0,
        tx_hash="0x" + f"{n:064x}",
        tx_index=0,
        contract="WelfarePrograms",
        address="0x" + "11" * 20,
        event=name,
        topic1=topic1,
        args=args,
    )


def test_aggregates_group_by_programme_and_period_and_drop_beneficiary_keys(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    upgrade(url)
    sessions = make_session_factory(make_engine(url))
    with sessions.begin() as session:
        session.add_all(
            [
                event(
                    1, "BeneficiaryEnrolled", "0x" + f"{7:064x}", programmeId=7, beneficiaryKey=KEY, decile=2
                ),
                event(
                    2,
                    "BenefitAuthorized",
                    KEY,
                    beneficiaryKey=KEY,
                    batchId="0x" + "cd" * 32,
                    lineIndex=0,
                    amount=600_000,
                ),
                event(
                    3,
                    "BatchDisbursed",
                    "0x" + f"{7:064x}",
                    programmeId=7,
                    period=0,
                    batchId="0x" + "cd" * 32,
                    lineCount=1,
                    total=600_000,
                ),
            ]
        )
    with sessions() as session:
        groups = welfare_aggregates(session)
    assert {(g["programme"], g["period"]) for g in groups} == {(7, "–"), (7, 0)}
    paid = next(g for g in groups if g["period"] == 0)
    assert paid["sums"]["total"] == 600_000 and paid["sums"]["lineCount"] == 1
    assert KEY not in repr(groups)


def test_the_welfare_read_model_adds_each_batch_to_its_periods(tmp_path):
    """What the page reads (kept batch by batch by the projection) equals the aggregates over the
    whole history, and a period's row grows with each batch instead of being re-counted."""
    from app.explorer.projection import ReadModels
    from app.explorer.queries import stored_welfare_periods

    url = f"sqlite:///{tmp_path / 'w.db'}"
    upgrade(url)
    sessions = make_session_factory(make_engine(url))
    programme = "0x" + f"{7:064x}"
    batches = [
        [event(1, "ProgrammeCreated", programme, programmeId=7, admin="0x" + "22" * 20)],
        [event(2, "BatchDisbursed", programme, programmeId=7, period=0, lineCount=2, total=1_200_000)],
        [
            event(3, "BeneficiaryEnrolled", programme, programmeId=7, beneficiaryKey=KEY),
            event(4, "BatchDisbursed", programme, programmeId=7, period=0, lineCount=1, total=600_000),
        ],
    ]
    models, upto = ReadModels(0), 0
    for batch in batches:
        with sessions.begin() as session:
            session.add_all(batch)
            session.flush()
            models._welfare(session, upto, batch[-1].block_number)
            upto = batch[-1].block_number
        with sessions() as session:
            assert stored_welfare_periods(session) == welfare_aggregates(session)
    with sessions() as session:
        paid = next(g for g in stored_welfare_periods(session) if g["period"] == 0)
    assert paid["sums"]["total"] == 1_800_000 and paid["events"]["BatchDisbursed"] == 2
    assert KEY not in repr(paid)
