"""The path of a claim's files: one indexed query to compare them, files written once, privately."""

import random
import stat
import uuid
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recalldesk.accounts.tests import factories
from recalldesk.claims import evidence_storage
from recalldesk.claims.evidence import evidence_store, evidence_validate
from recalldesk.claims.fraud import fraud_signals_detect
from recalldesk.claims.fraud_evidence import evidence_findings
from recalldesk.claims.models import ClaimStatus, Evidence
from recalldesk.claims.tests import fraud_helpers as make
from recalldesk.claims.tests.evidence_helpers import (
    claim_for,
    image_bytes,
    program_for,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def belkin_program():
    return make.belkin_26_090()


def hex64(value: int) -> str:
    return f"{value:016x}"


def test_a_claim_that_shares_nothing_is_compared_in_one_query_without_joining_claims(
    belkin_program,
):
    generator = random.Random(26090)
    for _ in range(30):
        make.evidence(make.claim(belkin_program), perceptual_hash=hex64(generator.getrandbits(64)))
    claim = make.claim(belkin_program)
    make.evidence(claim, label="Front", perceptual_hash=hex64(generator.getrandbits(64)))
    make.evidence(claim, label="Back", perceptual_hash=hex64(generator.getrandbits(64)))

    with CaptureQueriesContext(connection) as queries:
        found = evidence_findings(claim=claim)

    assert found == []
    # The claim's own files, then one query for same files and near hashes of both photos.
    assert len(queries) == 2
    assert all("claims_claim" not in query["sql"] for query in queries)
    assert "sha256" in queries[1]["sql"] and "hash_band_3" in queries[1]["sql"]

    # A caller that just stored the files hands them over: only the comparison is left.
    own = list(claim.evidence.all())
    with CaptureQueriesContext(connection) as queries:
        assert evidence_findings(claim=claim, own=own) == []
    assert len(queries) == 1


def test_a_near_picture_counts_only_in_the_same_program_and_an_open_or_decided_claim(
    belkin_program,
):
    target = 0x0123456789ABCDEF
    near = hex64(target ^ 0b101)  # two bits apart: a re-saved copy
    other_program = make.program(
        belkin_program.firm_account,
        recall_number="26-090",
        model_number="MMA009",
        serial_prefix="58X",
    )
    elsewhere = make.claim(other_program)
    make.evidence(elsewhere, perceptual_hash=near)
    withdrawn = make.claim(belkin_program, status=ClaimStatus.WITHDRAWN)
    make.evidence(withdrawn, perceptual_hash=near)
    earlier = make.claim(belkin_program)
    make.evidence(earlier, perceptual_hash=near)
    claim = make.claim(belkin_program)
    make.evidence(claim, perceptual_hash=hex64(target))

    found = fraud_signals_detect(claim=claim)

    assert [(signal.code, signal.related_claim) for signal in found] == [("similar_photo", earlier)]


def test_more_near_pictures_than_listed_are_counted_without_the_withdrawn_ones(belkin_program):
    target = 0xFEDCBA9876543210
    near = hex64(target ^ 1)
    earlier = [make.claim(belkin_program) for _ in range(13)]
    for other in earlier:
        make.evidence(other, perceptual_hash=near)
    for _ in range(2):
        make.evidence(
            make.claim(belkin_program, status=ClaimStatus.WITHDRAWN), perceptual_hash=near
        )
    claim = make.claim(belkin_program)
    make.evidence(claim, perceptual_hash=hex64(target))

    found = [finding for finding in evidence_findings(claim=claim) if finding.claim == claim]

    named = [finding.related_claim for finding in found if finding.related_claim is not None]
    summaries = [finding.reason for finding in found if finding.related_claim is None]
    assert len(named) == 10 and set(named) <= set(earlier)
    assert summaries == [
        "Nearly identical pictures were also uploaded with 3 more claims of this program, "
        "besides those named in the other signals."
    ]


@pytest.fixture
def evidence_root(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


@pytest.fixture
def claim():
    return claim_for(program_for(factories.belkin()))


def test_a_stored_photo_is_private_in_a_private_directory(claim, evidence_root):
    validated = evidence_validate(upload=upload(image_bytes("JPEG"), "IMG_0001.jpg"), kind="photo")

    stored = evidence_store(claim=claim, validated=validated, kind="photo")

    path = evidence_root / stored.stored_name
    assert path.read_bytes() == validated.content
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(evidence_root.stat().st_mode) == 0o700
    assert "IMG_0001" not in stored.stored_name


def test_a_name_already_taken_is_never_written_over(claim, evidence_root):
    validated = evidence_validate(upload=upload(image_bytes("JPEG"), "photo.jpg"), kind="photo")
    fresh = uuid.UUID(int=2)
    first = evidence_store(claim=claim, validated=validated, kind="photo")
    (evidence_root / first.stored_name).write_bytes(b"the first owner's file")

    with mock.patch.object(
        evidence_storage.uuid, "uuid4", side_effect=[uuid.UUID(first.stored_name[3:35]), fresh]
    ):
        second = evidence_store(claim=claim, validated=validated, kind="photo")

    assert second.stored_name == f"{fresh.hex[:2]}/{fresh.hex}.jpg"
    assert (evidence_root / first.stored_name).read_bytes() == b"the first owner's file"
    assert (evidence_root / second.stored_name).read_bytes() == validated.content

    with (
        mock.patch.object(evidence_storage.uuid, "uuid4", return_value=fresh),
        pytest.raises(FileExistsError),
    ):
        evidence_store(claim=claim, validated=validated, kind="photo")
    assert Evidence.objects.filter(claim=claim).count() == 2
