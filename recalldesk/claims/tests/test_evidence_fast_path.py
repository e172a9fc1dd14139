"""Upright JPEG and PNG photos: cleaned of metadata without re-encoding, and still fully checked.

What staff see must carry no position, and its pixels must be the owner's, unchanged; a damaged
file must be refused although the JPEG is decoded at 1/8 scale for its perceptual hash.
"""

import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms, JpegImagePlugin

from recalldesk.claims.evidence import EvidenceRejected, evidence_validate
from recalldesk.claims.tests.evidence_helpers import gps_exif, image_bytes, picture, upload

DAMAGED = "This image is damaged or incomplete"


def photo(size: tuple[int, int] = (1024, 768), **options: object) -> bytes:
    """A JPEG as large as a phone photo sent at a reduced size, so the 1/8 scale decode is used."""
    return image_bytes("JPEG", picture(size), quality=90, **options)


def pixels(data: bytes) -> tuple[str, tuple[int, int], bytes]:
    """The picture decoded in full, as a staff browser shows it."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.mode, image.size, image.tobytes()


def jpeg_segments(data: bytes) -> list[int]:
    """The markers of the segments before the first scan."""
    markers, position = [], 2
    while data[position + 1] != 0xDA:
        markers.append(data[position + 1])
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    kinds, position = [], 8
    while position < len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kinds.append(data[position + 4 : position + 8])
        position += 12 + length
    return kinds


def png_chunk(kind: bytes, content: bytes) -> bytes:
    return (
        struct.pack(">I", len(content))
        + kind
        + content
        + struct.pack(">I", zlib.crc32(kind + content))
    )


def with_png_chunks(data: bytes, *chunks: bytes) -> bytes:
    """The PNG with chunks added just before its first IDAT."""
    first_pixels = data.index(b"IDAT") - 4
    return data[:first_pixels] + b"".join(chunks) + data[first_pixels:]


def rejection(data: bytes) -> str:
    with pytest.raises(EvidenceRejected) as caught:
        evidence_validate(upload=upload(data), kind="photo")
    return caught.value.message


@pytest.mark.parametrize("progressive", [False, True])
def test_a_jpeg_with_a_gps_position_loses_it_and_keeps_its_pixels(progressive):
    data = photo(exif=gps_exif(), progressive=progressive)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    validated = evidence_validate(upload=upload(data), kind="photo")

    stored = Image.open(io.BytesIO(validated.content))
    assert stored.format == "JPEG"
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert "exif" not in stored.info
    assert b"Recall Desk test camera" not in validated.content
    assert 0xE1 not in jpeg_segments(validated.content)
    assert pixels(validated.content) == pixels(data)
    assert (validated.width, validated.height) == (1024, 768)


def test_xmp_iptc_comments_and_appended_pictures_go_and_the_colour_profile_stays():
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/" exif:GPSLatitude="40,26.772N"/>'
    data = photo(icc_profile=icc, xmp=xmp, comment=b"Taken at 1 Grant Street")
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x10\x1c\x02\x5a\x00\x0aPittsburgh"
    app13 = b"\xff\xed" + (len(iptc) + 2).to_bytes(2, "big") + iptc
    # Phones append more pictures after the end marker (MPF), each with its own EXIF.
    appended = photo((64, 48), exif=gps_exif())
    data = data[:2] + app13 + data[2:] + appended

    validated = evidence_validate(upload=upload(data), kind="photo")

    for secret in (b"GPSLatitude", b"Grant Street", b"Pittsburgh", b"Recall Desk test camera"):
        assert secret not in validated.content
    assert validated.content.endswith(b"\xff\xd9")
    assert validated.content.count(b"\xff\xd8") == 1
    stored = Image.open(io.BytesIO(validated.content))
    assert stored.info["icc_profile"] == icc
    assert pixels(validated.content) == pixels(data)


def test_a_cmyk_jpeg_keeps_its_adobe_segment_and_pixels():
    data = image_bytes("JPEG", picture((640, 480), mode="CMYK"), exif=gps_exif())
    assert 0xEE in jpeg_segments(data)

    validated = evidence_validate(upload=upload(data), kind="photo")

    assert 0xEE in jpeg_segments(validated.content)
    assert 0xE1 not in jpeg_segments(validated.content)
    assert pixels(validated.content) == pixels(data)


@pytest.mark.parametrize("progressive", [False, True])
@pytest.mark.parametrize("kept", [0.3, 0.9, 0.99])
def test_a_cut_jpeg_is_refused(progressive, kept):
    data = photo(progressive=progressive)

    assert rejection(data[: int(len(data) * kept)]).startswith(DAMAGED)


def test_a_jpeg_without_its_end_marker_is_refused():
    data = photo()
    assert data.endswith(b"\xff\xd9")

    assert rejection(data[:-2]).startswith(DAMAGED)


@pytest.mark.parametrize("progressive", [False, True])
@pytest.mark.parametrize("where", [0.5, 0.97])
@pytest.mark.parametrize("marker", [b"\xff\xc8", b"\xff\xda"])
def test_a_jpeg_with_damaged_coded_data_is_refused(progressive, where, marker):
    # A marker no coded data may contain, late in the last scan: found only by reading on to it.
    data = photo(progressive=progressive)
    position = int(len(data) * where)
    damaged = data[:position] + marker + data[position:]
    full = JpegImagePlugin.JpegImageFile(io.BytesIO(damaged))
    with pytest.raises(OSError):
        full.load()

    assert rejection(damaged).startswith(DAMAGED)


def test_a_jpeg_promising_too_many_pixels_is_refused_before_decoding():
    data = bytearray(photo((64, 48)))
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", 20000, 20000)

    assert rejection(bytes(data)).startswith(
        "This image is too large (20000 x 20000 pixels); the limit is 50"
    )


def test_a_png_loses_its_text_and_exif_chunks_and_keeps_pixels_and_transparency():
    image = picture((320, 240), mode="RGBA")
    image.putpixel((0, 0), (0, 0, 0, 0))
    data = with_png_chunks(
        image_bytes("PNG", image, exif=gps_exif()),
        png_chunk(b"tEXt", b"Location\x00Pittsburgh"),
        png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"1 Grant Street")),
        png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00exif:GPSLatitude=40"),
    )
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    validated = evidence_validate(upload=upload(data + b"after the end"), kind="photo")

    assert png_chunks(validated.content) == [b"IHDR", b"IDAT", b"IEND"]
    assert not Image.open(io.BytesIO(validated.content)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert pixels(validated.content) == pixels(data)
    assert (validated.width, validated.height) == (320, 240)


def test_a_png_with_a_damaged_checksum_is_stored_as_a_sound_png():
    data = bytearray(image_bytes("PNG", picture((320, 240))))
    pixels_start = data.index(b"IDAT")
    length = int.from_bytes(data[pixels_start - 4 : pixels_start], "big")
    data[pixels_start + 4 + length] ^= 0xFF

    validated = evidence_validate(upload=upload(bytes(data)), kind="photo")

    content = validated.content
    position = 8
    while position < len(content):
        length = int.from_bytes(content[position : position + 4], "big")
        end = position + 12 + length
        assert zlib.crc32(content[position + 4 : end - 4]) == int.from_bytes(
            content[end - 4 : end], "big"
        )
        position = end
    assert pixels(content) == pixels(bytes(data))


def test_a_turned_photo_is_still_turned_upright():
    data = photo((80, 60), exif=gps_exif(orientation=8))

    validated = evidence_validate(upload=upload(data), kind="photo")

    stored = Image.open(io.BytesIO(validated.content))
    assert stored.size == (validated.width, validated.height) == (60, 80)
    assert not stored.getexif()


def test_a_jpeg_the_walk_does_not_follow_is_encoded_again_without_its_position():
    # Pillow skips stray bytes between segments; the byte-level cleaning does not guess.
    data = photo((320, 240), exif=gps_exif())
    data = data[:2] + b"\xff\x00" + data[2:]

    validated = evidence_validate(upload=upload(data), kind="photo")

    stored = Image.open(io.BytesIO(validated.content))
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Recall Desk test camera" not in validated.content
    assert stored.size == (320, 240)
    assert 0xE1 not in jpeg_segments(validated.content)
    assert b"\xff\x00" not in validated.content[:4]
