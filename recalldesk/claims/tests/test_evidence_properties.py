"""Whatever file comes in, damaged or hostile, the check answers with a message, never a crash."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recalldesk.claims.evidence import EvidenceRejected, ValidatedFile, evidence_validate
from recalldesk.claims.tests.evidence_helpers import image_bytes, pdf_bytes, picture, upload

# The first bytes of each accepted format, so random tails reach the decoders, not just the
# "not a photo" answer.
HEADS = [
    b"\xff\xd8\xff\xe0",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"RIFF\x00\x10\x00\x00WEBPVP8 ",
    b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    b"%PDF-1.7\n",
]
SAMPLES = [
    image_bytes(image_format, picture((48, 32))) for image_format in ("JPEG", "PNG", "WEBP", "HEIF")
] + [pdf_bytes()]

hypothesis_settings = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def check(data: bytes, kind: str) -> None:
    try:
        validated = evidence_validate(upload=upload(data), kind=kind)
    except EvidenceRejected as rejected:
        assert rejected.message.strip()
    else:
        assert isinstance(validated, ValidatedFile)
        assert validated.content


@hypothesis_settings
@given(data=st.binary(max_size=4096), kind=st.sampled_from(["photo", "receipt"]))
def test_random_bytes_are_refused_with_a_message(data, kind):
    check(data, kind)


@hypothesis_settings
@given(head=st.sampled_from(HEADS), tail=st.binary(max_size=4096))
def test_random_files_with_a_real_header_are_refused_with_a_message(head, tail):
    check(head + tail, "receipt")


@hypothesis_settings
@given(
    sample=st.sampled_from(SAMPLES),
    edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=12),
    cut=st.integers(min_value=0),
)
def test_damaged_real_files_are_refused_with_a_message(sample, edits, cut):
    data = bytearray(sample)
    for position, value in edits:
        data[position % len(data)] = value
    check(bytes(data[: len(data) - cut % len(data)]), "receipt")


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_real_samples_pass(sample):
    assert evidence_validate(upload=upload(sample), kind="receipt").content
