"""Checking evidence files: recognized by content, decoded in full, cleaned of location data."""

import hashlib
import io
import zlib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile
from PIL import ExifTags, Image, ImageFile, ImageOps

from recalldesk.claims.evidence import (
    EvidenceRejected,
    detect_format,
    evidence_validate,
    perceptual_distance,
)
from recalldesk.claims.tests.evidence_helpers import (
    empty_pdf_bytes,
    encrypted_pdf_bytes,
    gps_exif,
    image_bytes,
    pdf_bytes,
    picture,
    png_of_size,
    upload,
)

MB = 1024 * 1024
NOT_ACCEPTED = (
    "This file is not a photo or a PDF (we accept JPEG, PNG, HEIC, WebP and PDF). "
    "Please choose the photo itself."
)


def rejection(data: bytes, kind: str = "photo", **upload_options: str) -> str:
    with pytest.raises(EvidenceRejected) as caught:
        evidence_validate(upload=upload(data, **upload_options), kind=kind)
    return caught.value.message


@pytest.mark.parametrize(
    ("saved_as", "content_type", "extension", "stored_format"),
    [
        ("JPEG", "image/jpeg", "jpg", "JPEG"),
        ("PNG", "image/png", "png", "PNG"),
        ("WEBP", "image/webp", "webp", "WEBP"),
        # HEIC photos from iPhones become JPEG, which every staff browser shows.
        ("HEIF", "image/jpeg", "jpg", "JPEG"),
    ],
)
def test_photos_are_recognized_by_content_not_by_name(
    saved_as, content_type, extension, stored_format
):
    data = image_bytes(saved_as, picture((320, 240)))

    validated = evidence_validate(
        upload=upload(data, name="receipt.pdf", content_type="application/pdf"), kind="photo"
    )

    assert (validated.content_type, validated.extension) == (content_type, extension)
    assert (validated.width, validated.height) == (320, 240)
    assert validated.sha256 == hashlib.sha256(data).hexdigest()
    assert len(validated.perceptual_hash) == 16
    int(validated.perceptual_hash, 16)
    stored = Image.open(io.BytesIO(validated.content))
    assert stored.format == stored_format
    stored.load()


@pytest.mark.parametrize("saved_as", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_location_is_removed_from_what_staff_see(saved_as):
    data = image_bytes(saved_as, exif=gps_exif())
    original = Image.open(io.BytesIO(data)).getexif()
    assert original.get_ifd(ExifTags.IFD.GPSInfo), "the test photo should carry a position"

    validated = evidence_validate(upload=upload(data), kind="photo")

    stored = Image.open(io.BytesIO(validated.content))
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert "exif" not in stored.info
    assert b"Recall Desk test camera" not in validated.content


def test_xmp_position_and_comments_are_removed_from_jpeg():
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
        b'exif:GPSLatitude="40,26.772N" exif:GPSLongitude="79,58.932W"/></rdf:RDF></x:xmpmeta>'
    )
    data = image_bytes("JPEG", xmp=xmp, comment=b"Taken at 1 Grant Street")
    assert b"GPSLatitude" in data

    content = evidence_validate(upload=upload(data), kind="photo").content

    assert b"GPSLatitude" not in content
    assert b"Grant Street" not in content


def test_orientation_is_applied_before_the_tag_is_dropped():
    # Orientation 6: the camera was turned a quarter; viewers rotate 90 degrees clockwise.
    data = image_bytes("JPEG", picture((60, 40)), exif=gps_exif(orientation=6))

    validated = evidence_validate(upload=upload(data), kind="photo")

    assert (validated.width, validated.height) == (40, 60)
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    stored = Image.open(io.BytesIO(validated.content))
    assert stored.size == expected.size == (40, 60)
    assert ExifTags.Base.Orientation not in stored.getexif()


def test_exe_renamed_jpg_is_refused():
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"PE\x00\x00"
    assert rejection(program, name="photo.jpg", content_type="image/jpeg") == NOT_ACCEPTED


@pytest.mark.parametrize("saved_as", ["GIF", "BMP", "TIFF"])
def test_other_picture_formats_are_refused(saved_as):
    assert rejection(image_bytes(saved_as)) == NOT_ACCEPTED


def test_avif_is_not_taken_for_heic():
    avif_head = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 40
    assert detect_format(avif_head) is None
    assert rejection(avif_head) == NOT_ACCEPTED


def test_receipt_message_names_the_receipt():
    message = rejection(b"PK\x03\x04 a zip archive", kind="receipt")
    assert message.endswith("Please choose the receipt itself.")


class CountingFile(io.BytesIO):
    """A file that counts the bytes read from it."""

    bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def test_30_mb_photo_is_refused_before_it_is_read():
    data = image_bytes("JPEG") + b"\x00" * (30 * MB - len(image_bytes("JPEG")))
    file = CountingFile(data)

    with pytest.raises(EvidenceRejected) as caught:
        evidence_validate(
            upload=UploadedFile(file, "big.jpg", "image/jpeg", len(data)), kind="photo"
        )

    assert caught.value.message.startswith("This photo is 30.0 MB; the limit is 10 MB.")
    assert file.bytes_read == 0


def test_30_mb_photo_uploaded_the_usual_way_gets_the_message():
    message = rejection(b"\xff\xd8\xff" + b"\x00" * (30 * MB - 3))
    assert message.startswith("This photo is 30.0 MB; the limit is 10 MB. Please choose a smaller")


def test_a_file_larger_than_its_declared_size_is_read_only_up_to_the_limit(settings):
    settings.EVIDENCE_MAX_BYTES = 1 * MB
    file = CountingFile(b"\xff\xd8\xff" + b"\x00" * (3 * MB))

    with pytest.raises(EvidenceRejected) as caught:
        evidence_validate(upload=UploadedFile(file, "a.jpg", "image/jpeg", 1000), kind="photo")

    assert caught.value.message == (
        "This photo is larger than 1 MB, the limit. Please choose a smaller photo."
    )
    assert file.bytes_read == 1 * MB + 1


def test_the_size_limit_is_a_setting(settings):
    settings.EVIDENCE_MAX_BYTES = 2 * MB
    message = rejection(b"%PDF-" + b"\x00" * (3 * MB), kind="receipt")
    assert message.startswith("This receipt is 3.0 MB; the limit is 2 MB.")


def test_empty_file_is_refused():
    assert rejection(b"") == "This file is empty. Please choose the photo again."


@pytest.mark.parametrize("saved_as", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_truncated_photo_is_refused(saved_as):
    data = image_bytes(saved_as, picture((640, 480)))
    assert not ImageFile.LOAD_TRUNCATED_IMAGES

    message = rejection(data[: len(data) * 2 // 3])

    assert message.startswith("This image is damaged or incomplete")


def test_corrupt_png_is_refused():
    data = image_bytes("PNG")
    start = data.index(b"IDAT") + 4
    length = int.from_bytes(data[start - 8 : start - 4], "big")
    garbage = b"\x00" * length
    crc = zlib.crc32(b"IDAT" + garbage).to_bytes(4, "big")
    corrupt = data[:start] + garbage + crc + data[start + length + 4 :]

    assert rejection(corrupt).startswith("This image is damaged or incomplete")


def test_truncated_photos_stay_refused_if_someone_lets_pillow_pad_them(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(ImproperlyConfigured):
        evidence_validate(upload=upload(image_bytes("JPEG")), kind="photo")


def test_20000_by_20000_png_is_refused_before_decoding():
    bomb = png_of_size(20000, 20000)
    assert len(bomb) < 200_000

    message = rejection(bomb, name="photo.png", content_type="image/png")

    assert message.startswith("This image is too large (20000 x 20000 pixels); the limit is 50")


def test_pixel_limit_is_a_setting(settings):
    settings.EVIDENCE_MAX_PIXELS = 10_000
    assert rejection(image_bytes("PNG", picture((320, 240)))).startswith(
        "This image is too large (320 x 240 pixels); the limit is 0.01 megapixels."
    )


def test_pillows_own_bomb_limit_is_honoured(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50_000)
    assert rejection(image_bytes("WEBP", picture((320, 240)))).startswith(
        "This image is too large (320 x 240 pixels)"
    )


def test_pdf_receipt_is_kept_as_sent():
    data = pdf_bytes()

    validated = evidence_validate(
        upload=upload(data, name="receipt.jpg", content_type="image/jpeg"), kind="receipt"
    )

    assert validated.content == data
    assert (validated.content_type, validated.extension) == ("application/pdf", "pdf")
    assert validated.sha256 == hashlib.sha256(data).hexdigest()
    assert (validated.width, validated.height, validated.perceptual_hash) == (None, None, None)


@pytest.mark.parametrize("kind", ["photo", "destruction"])
def test_pdf_is_refused_where_a_photo_is_needed(kind):
    assert rejection(pdf_bytes(), kind=kind).startswith(
        "This is a PDF, but this step needs a photo (JPEG, PNG, HEIC or WebP)."
    )


def test_encrypted_pdf_is_refused():
    assert rejection(encrypted_pdf_bytes(), kind="receipt").startswith(
        "This PDF is protected by a password or encryption, so we cannot check it."
    )


def test_pdf_without_pages_is_refused():
    assert rejection(empty_pdf_bytes(), kind="receipt") == (
        "This PDF has no pages. Please choose the PDF of your receipt."
    )


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(pdf_bytes()[:-300], id="cut-before-the-end"),
        pytest.param(b"%PDF-1.7\n this is not a document \n%%EOF\n", id="no-structure"),
    ],
)
def test_damaged_pdf_is_refused(data):
    assert rejection(data, kind="receipt").startswith("This PDF is damaged or incomplete")


def test_upload_can_be_read_again_after_checking():
    photo = upload(image_bytes("PNG"))
    evidence_validate(upload=photo, kind="photo")
    assert photo.read() == image_bytes("PNG")


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown evidence kind"):
        evidence_validate(upload=upload(image_bytes("JPEG")), kind="selfie")


def test_resaved_photo_keeps_a_close_perceptual_hash():
    original = evidence_validate(
        upload=upload(image_bytes("JPEG", picture((800, 600)))), kind="photo"
    )
    resaved = image_bytes("JPEG", picture((800, 600)).resize((400, 300)), quality=40)
    copy = evidence_validate(upload=upload(resaved), kind="photo")
    other = evidence_validate(
        upload=upload(image_bytes("PNG", ImageOps.mirror(picture((800, 600))))), kind="photo"
    )

    assert copy.sha256 != original.sha256
    assert perceptual_distance(original.perceptual_hash, copy.perceptual_hash) <= 4
    assert perceptual_distance(original.perceptual_hash, other.perceptual_hash) > 16


def test_perceptual_distance_counts_differing_bits():
    assert perceptual_distance("00000000000000ff", "00000000000000ff") == 0
    assert perceptual_distance("0000000000000000", "ffffffffffffffff") == 64
    assert perceptual_distance("8000000000000001", "0000000000000000") == 2
    with pytest.raises(ValueError):
        perceptual_distance("abc", "0000000000000000")
