"""Storing evidence: private files under names we choose, gone again when the claim is not saved."""

import gc
import re
import stat
from pathlib import Path

import pytest
from django.conf import settings as project_settings
from django.db import IntegrityError, transaction

from recalldesk.accounts.services import firm_account_create
from recalldesk.accounts.tests import factories
from recalldesk.claims.evidence import evidence_store, evidence_validate
from recalldesk.claims.evidence_storage import evidence_storage
from recalldesk.claims.models import Claim, Evidence
from recalldesk.claims.tests.evidence_helpers import (
    claim_for,
    gps_exif,
    image_bytes,
    pdf_bytes,
    program_for,
    upload,
)
from recalldesk.registry.models import Recall

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


@pytest.fixture
def claim():
    return claim_for(program_for(factories.belkin()))


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_photo_is_stored_privately_under_a_name_we_chose(claim, evidence_root):
    validated = evidence_validate(
        upload=upload(image_bytes("JPEG", exif=gps_exif()), name="../../etc/passwd.jpg"),
        kind="photo",
    )

    evidence = evidence_store(
        claim=claim, validated=validated, kind="photo", label="Back, showing the serial number"
    )

    assert re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{32}\.jpg", evidence.stored_name)
    path = evidence_root / evidence.stored_name
    assert path.read_bytes() == validated.content
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stored_files(evidence_root) == [path]
    evidence.refresh_from_db()
    assert evidence.claim == claim
    assert (evidence.kind, evidence.label) == ("photo", "Back, showing the serial number")
    assert (evidence.content_type, evidence.size) == ("image/jpeg", len(validated.content))
    assert (evidence.sha256, evidence.perceptual_hash) == (
        validated.sha256,
        validated.perceptual_hash,
    )
    assert (evidence.width, evidence.height) == (320, 240)


def test_pdf_receipt_is_stored_as_sent(claim, evidence_root):
    validated = evidence_validate(upload=upload(pdf_bytes(), name="receipt.pdf"), kind="receipt")

    evidence = evidence_store(claim=claim, validated=validated, kind="receipt", label="")

    assert evidence.stored_name.endswith(".pdf")
    assert (evidence_root / evidence.stored_name).read_bytes() == pdf_bytes()
    assert (evidence.perceptual_hash, evidence.width, evidence.height) == ("", None, None)


def test_the_same_file_twice_gets_two_names(claim, evidence_root):
    validated = evidence_validate(upload=upload(image_bytes("PNG")), kind="photo")

    first = evidence_store(claim=claim, validated=validated, kind="photo", label="Front")
    second = evidence_store(claim=claim, validated=validated, kind="photo", label="Front")

    assert first.stored_name != second.stored_name
    assert len(stored_files(evidence_root)) == 2


def test_evidence_has_no_public_url():
    with pytest.raises(NotImplementedError):
        evidence_storage().url("ab/abc.jpg")
    root = Path(project_settings.EVIDENCE_ROOT).resolve()
    for public in (project_settings.STATIC_ROOT, getattr(project_settings, "MEDIA_ROOT", "")):
        if public:
            assert not root.is_relative_to(Path(public).resolve())


def test_file_is_deleted_when_the_claim_transaction_rolls_back(claim, evidence_root):
    validated = evidence_validate(upload=upload(image_bytes("JPEG")), kind="photo")

    with pytest.raises(IntegrityError), transaction.atomic():
        new_claim = claim_for(claim.program, serial_number="57X00000000002")
        evidence_store(claim=new_claim, validated=validated, kind="photo", label="")
        assert len(stored_files(evidence_root)) == 1
        # The serial was filed already: what claim_submit's constraint does on a race.
        claim_for(claim.program, serial_number="57X00000000002")

    gc.collect()
    assert stored_files(evidence_root) == []
    assert not Claim.objects.filter(serial_normalized="57X00000000002").exists()
    assert not Evidence.objects.exists()


def test_file_is_deleted_when_the_transaction_is_marked_for_rollback(claim, evidence_root):
    validated = evidence_validate(upload=upload(image_bytes("WEBP")), kind="photo")

    with transaction.atomic():
        evidence_store(claim=claim, validated=validated, kind="photo", label="")
        transaction.set_rollback(True)

    assert stored_files(evidence_root) == []


def test_only_the_rolled_back_savepoint_loses_its_file(claim, evidence_root):
    photo = evidence_validate(upload=upload(image_bytes("JPEG")), kind="photo")
    receipt = evidence_validate(upload=upload(pdf_bytes()), kind="receipt")

    with transaction.atomic():
        kept = evidence_store(claim=claim, validated=photo, kind="photo", label="")
        with pytest.raises(RuntimeError), transaction.atomic():
            evidence_store(claim=claim, validated=receipt, kind="receipt", label="")
            raise RuntimeError("the owner's payout details were refused")

    assert stored_files(evidence_root) == [evidence_root / kept.stored_name]
    assert list(Evidence.objects.values_list("kind", flat=True)) == ["photo"]


def test_file_is_deleted_when_the_row_cannot_be_written(evidence_root):
    validated = evidence_validate(upload=upload(image_bytes("JPEG")), kind="photo")
    unsaved_claim = Claim()

    with pytest.raises(ValueError):
        evidence_store(claim=unsaved_claim, validated=validated, kind="photo", label="")

    assert stored_files(evidence_root) == []


def test_unknown_kind_writes_nothing(claim, evidence_root):
    validated = evidence_validate(upload=upload(image_bytes("JPEG")), kind="photo")

    with pytest.raises(ValueError, match="Unknown evidence kind"):
        evidence_store(claim=claim, validated=validated, kind="selfie", label="")

    assert stored_files(evidence_root) == []


@pytest.mark.django_db(transaction=True)
def test_outermost_transaction_keeps_or_deletes_the_file(evidence_root):
    # A real commit and a real rollback, which the tests above (inside the test's own
    # transaction) cannot reach. The database is flushed after this test: it makes its own
    # recall row if an earlier test flushed the bundled data away.
    recall = Recall.objects.filter(number="26-090").first() or Recall.objects.create(
        number="26-090", number_normalized="26090", title="Belkin Recalls Wireless Chargers"
    )
    program = program_for(firm_account_create(name="Belkin (commit test)"), recall=recall)
    claim = claim_for(program)
    validated = evidence_validate(upload=upload(image_bytes("JPEG")), kind="photo")

    with transaction.atomic():
        committed = evidence_store(claim=claim, validated=validated, kind="photo", label="")
    with pytest.raises(RuntimeError), transaction.atomic():
        evidence_store(claim=claim, validated=validated, kind="photo", label="")
        raise RuntimeError("the confirmation could not be queued")
    # Outside a transaction every statement commits at once, and so does the file.
    autocommitted = evidence_store(claim=claim, validated=validated, kind="photo", label="")

    gc.collect()
    assert sorted(stored_files(evidence_root)) == sorted(
        evidence_root / evidence.stored_name for evidence in (committed, autocommitted)
    )
    assert Evidence.objects.count() == 2
