"""Similar photos are found through indexed quarters of their hashes: what a scan finds, exactly."""

import random
from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recalldesk.claims import fraud_evidence
from recalldesk.claims.fraud import fraud_signals_detect
from recalldesk.claims.fraud_evidence import evidence_findings
from recalldesk.claims.models import Evidence
from recalldesk.claims.tests import fraud_helpers as make
from recalldesk.claims.tests.submit_helpers import recall_ensure


@pytest.fixture
def belkin_program(db):
    return make.belkin_26_090()


def hex64(value: int) -> str:
    return f"{value:016x}"


def flipped(value: int, positions: list[int]) -> int:
    for position in positions:
        value ^= 1 << position
    return value


def findings(claim) -> list[tuple]:
    return sorted(
        (
            finding.claim.pk,
            finding.code,
            finding.reason,
            finding.related_claim.pk if finding.related_claim else None,
        )
        for finding in evidence_findings(claim=claim)
    )


def scanned_findings(claim) -> list[tuple]:
    """What the comparison with every picture of the program finds."""
    with mock.patch.object(fraud_evidence, "MAX_BAND_DISTANCE", -1):
        return findings(claim)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    target=st.integers(min_value=0, max_value=2**64 - 1),
    # Each earlier picture: bits flipped from the target (none, a few, around the limit, many).
    earlier=st.lists(
        st.lists(st.integers(min_value=0, max_value=63), max_size=16, unique=True),
        min_size=1,
        max_size=8,
    ),
    unrelated=st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=3),
    limit=st.integers(min_value=0, max_value=13),
    uppercase=st.booleans(),
)
def test_the_indexed_lookup_finds_what_the_scan_finds(
    belkin_program, target, earlier, unrelated, limit, uppercase
):
    with transaction.atomic():
        for value in [flipped(target, positions) for positions in earlier] + unrelated:
            stored = hex64(value).upper() if uppercase else hex64(value)
            make.evidence(make.claim(belkin_program), perceptual_hash=stored)
        claim = make.claim(belkin_program)
        make.evidence(claim, perceptual_hash=hex64(target))
        expected_similar = sum(len(positions) <= limit for positions in earlier)

        with mock.patch.object(fraud_evidence, "SIMILAR_PHOTO_MAX_DISTANCE", limit):
            indexed, scanned = findings(claim), scanned_findings(claim)

        assert indexed == scanned
        found = {related for _, code, _, related in indexed if code == "similar_photo"}
        assert len(found) >= min(expected_similar, fraud_evidence.MAX_RELATED_CLAIMS)
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bits_per_quarter", "similar"),
    [
        ((6, 0, 0, 0), True),
        ((2, 2, 1, 1), True),
        ((2, 2, 2, 0), True),
        ((2, 2, 2, 1), False),
        ((0, 0, 0, 7), False),
    ],
)
def test_pictures_at_the_limit_are_found_wherever_their_bits_differ(
    belkin_program, bits_per_quarter, similar
):
    target = 0x0123456789ABCDEF
    positions = [
        16 * (3 - quarter) + bit
        for quarter, count in enumerate(bits_per_quarter)
        for bit in range(count)
    ]
    earlier = make.claim(belkin_program)
    make.evidence(earlier, perceptual_hash=hex64(flipped(target, positions)))
    claim = make.claim(belkin_program)
    make.evidence(claim, perceptual_hash=hex64(target))

    found = fraud_signals_detect(claim=claim)

    assert [(s.code, s.related_claim) for s in found] == (
        [("similar_photo", earlier)] if similar else []
    )


@pytest.mark.django_db
def test_the_lookup_reads_only_the_pictures_that_share_a_quarter(belkin_program):
    generator = random.Random(26090)
    for _ in range(40):
        make.evidence(make.claim(belkin_program), perceptual_hash=hex64(generator.getrandbits(64)))
    target = generator.getrandbits(64)
    near = make.claim(belkin_program)
    make.evidence(near, perceptual_hash=hex64(flipped(target, [1, 17, 33, 40, 49, 63])))
    claim = make.claim(belkin_program)
    make.evidence(claim, perceptual_hash=hex64(target))
    targets = [(evidence, target, 64, 6) for evidence in claim.evidence.all()]

    with CaptureQueriesContext(connection) as queries:
        candidates = list(fraud_evidence._probe(claim, set(), targets))

    assert [row[1] for row in candidates] == [near.pk]
    assert len(queries) == 1
    assert "hash_band_0" in queries[0]["sql"]


@pytest.mark.django_db
def test_a_hash_written_by_any_means_is_found(belkin_program):
    # The quarters are computed by the database, so a row changed by an UPDATE (or written
    # before the quarters existed) is found too.
    earlier = make.claim(belkin_program)
    old = make.evidence(earlier, perceptual_hash="ffffffffffffffff")
    Evidence.objects.filter(pk=old.pk).update(perceptual_hash="00000000000000F0")
    claim = make.claim(belkin_program)
    make.evidence(claim, perceptual_hash="00000000000000f1")

    found = fraud_signals_detect(claim=claim)

    assert [(s.code, s.related_claim) for s in found] == [("similar_photo", earlier)]


@pytest.mark.django_db(transaction=True)
def test_photos_stored_before_the_quarters_existed_are_found():
    before = ("claims", "0003_submission_indexes")
    # An earlier test of the run may have flushed the registry.
    recall_ensure("26-090")
    program = make.belkin_26_090()
    earlier = make.claim(program)
    claim = make.claim(program)
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO claims_evidence (claim_id, kind, label, stored_name, content_type,"
                " size, sha256, perceptual_hash, uploaded_at)"
                " VALUES (%s, 'photo', '', 'old.jpg', 'image/jpeg', 1, 'old', %s, %s)",
                [earlier.pk, "00000000000000ff", earlier.submitted_at],
            )
    finally:
        # Forward to the latest migrations again, whatever comes after 0004.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    make.evidence(claim, perceptual_hash="00000000000000fe")

    found = fraud_signals_detect(claim=claim)

    assert [(s.code, s.related_claim) for s in found] == [("similar_photo", earlier)]
