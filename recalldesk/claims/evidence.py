"""Evidence an owner uploads: recognized by its content, checked, and cleaned of location data.

Photos are decoded (a damaged or truncated file is refused, and so is one whose header promises
more pixels than we are willing to decode), so what staff see carries no EXIF or XMP: no GPS
position, no camera serial. Upright JPEG and PNG photos, most of what owners send, are cleaned
without re-encoding: their metadata segments (JPEG) or chunks (PNG) are left out byte for byte,
so the pixels stay exactly as taken and no encoder runs; a JPEG is decoded at 1/8 scale for
that, which still reads every coded block (all a damaged file can be refused on) and gives the
small picture the perceptual hash needs. Other photos (turned by an orientation tag, HEIC,
WebP) are decoded in full and encoded again; HEIC photos become JPEG, which every browser shows.
PDFs are kept as sent, after a structural check. `evidence_store` (evidence_storage.py) writes
the result privately; it is importable from here too.
"""

import contextlib
import hashlib
import io
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile
from PIL import (
    ExifTags,
    Image,
    ImageFile,
    ImageOps,
    JpegImagePlugin,
    PngImagePlugin,
    WebPImagePlugin,
)
from pypdf import PdfReader

from recalldesk.claims.evidence_storage import evidence_store
from recalldesk.claims.models import EvidenceKind

__all__ = [
    "EvidenceRejected",
    "ValidatedFile",
    "evidence_store",
    "evidence_validate",
    "perceptual_distance",
    "perceptual_hash",
]

pillow_heif.register_heif_opener()

MEGABYTE = 1024 * 1024
# Large enough for a 48-megapixel phone photo (8064 x 6048), well below what Pillow itself
# calls a decompression bomb; settings.EVIDENCE_MAX_PIXELS overrides it.
DEFAULT_MAX_PIXELS = 50_000_000
JPEG_QUALITY = 90

# Kinds that must be pictures: a PDF would hide a photo from the perceptual duplicate check.
IMAGE_ONLY_KINDS = frozenset({EvidenceKind.PHOTO, EvidenceKind.DESTRUCTION})
NOUNS = {
    EvidenceKind.RECEIPT: "receipt",
    EvidenceKind.PHOTO: "photo",
    EvidenceKind.DESTRUCTION: "photo",
    EvidenceKind.DISPOSAL: "file",
}
# A JPEG is decoded for its perceptual hash at the smallest of 1/2, 1/4 and 1/8 scale that
# keeps it at least this many pixels wide and high (or whole, if smaller).
HASH_DECODE_MIN_SIDE = 64
# Orientation tags that make ImageOps.exif_transpose turn or flip the picture.
TURNED = frozenset(range(2, 9))
HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
GENERIC_HEIF_BRANDS = frozenset({b"mif1", b"msf1", b"heif"})


class EvidenceRejected(Exception):
    """An uploaded file we cannot accept; the message tells the owner what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ValidatedFile:
    """An upload that passed the checks, with the bytes to store and what we learnt from it."""

    content: bytes
    content_type: str
    extension: str
    width: int | None
    height: int | None
    # Of the upload as sent, so the same file sent twice is found even though we re-encode it.
    sha256: str
    # 64-bit dHash as 16 hex digits; None for PDFs.
    perceptual_hash: str | None
    detected_format: str

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class _ImageFormat:
    name: str
    opener: Callable[[io.BytesIO], ImageFile.ImageFile]
    save_as: str
    content_type: str
    extension: str


JPEG = _ImageFormat("JPEG", JpegImagePlugin.JpegImageFile, "JPEG", "image/jpeg", "jpg")
PNG = _ImageFormat("PNG", PngImagePlugin.PngImageFile, "PNG", "image/png", "png")
WEBP = _ImageFormat("WebP", WebPImagePlugin.WebPImageFile, "WEBP", "image/webp", "webp")
# Staff browsers cannot all show HEIC, so it is stored as JPEG.
HEIF = _ImageFormat("HEIF", pillow_heif.HeifImageFile, "JPEG", "image/jpeg", "jpg")
PDF = "PDF"


def evidence_validate(*, upload: UploadedFile, kind: str) -> ValidatedFile:
    """Check an upload by its content and return what to store; EvidenceRejected if unusable."""
    if kind not in EvidenceKind.values:
        raise ValueError(
            f"Unknown evidence kind {kind!r}; one of {', '.join(EvidenceKind.values)}."
        )
    noun = NOUNS[kind]
    data = _read_within_limit(upload, noun)
    detected = detect_format(data[:64])
    if detected is None:
        raise EvidenceRejected(
            "This file is not a photo or a PDF (we accept JPEG, PNG, HEIC, WebP and PDF). "
            f"Please choose the {noun} itself."
        )
    sha256 = hashlib.sha256(data).hexdigest()
    if detected == PDF:
        if kind in IMAGE_ONLY_KINDS:
            raise EvidenceRejected(
                "This is a PDF, but this step needs a photo (JPEG, PNG, HEIC or WebP). "
                "Please take or choose a photo instead."
            )
        _check_pdf(data, noun)
        return ValidatedFile(
            content=data,
            content_type="application/pdf",
            extension="pdf",
            width=None,
            height=None,
            sha256=sha256,
            perceptual_hash=None,
            detected_format=PDF,
        )
    content, width, height, phash = _checked_picture(data, detected, noun)
    return ValidatedFile(
        content=content,
        content_type=detected.content_type,
        extension=detected.extension,
        width=width,
        height=height,
        sha256=sha256,
        perceptual_hash=phash,
        detected_format=detected.name,
    )


def _checked_picture(
    data: bytes, image_format: _ImageFormat, noun: str
) -> tuple[bytes, int, int, str]:
    """The bytes to store, width, height and perceptual hash of a photo; decoded to check it."""
    image = _open_image(data, image_format, noun)
    try:
        if image_format in (JPEG, PNG):
            kept = _cleaned_as_sent(image, data, image_format, noun)
            if kept is not None:
                return kept
            # Turned, or a structure the byte-level cleaning does not follow; the image may be
            # decoded at a smaller scale already, so start again.
            image.close()
            image = _open_image(data, image_format, noun)
        _load(image, noun)
        return _clean_image(image, image_format)
    except EvidenceRejected:
        raise
    except Exception as error:
        raise _damaged_image(noun) from error
    finally:
        image.close()


def _cleaned_as_sent(
    image: ImageFile.ImageFile, data: bytes, image_format: _ImageFormat, noun: str
) -> tuple[bytes, int, int, str] | None:
    """An upright JPEG or PNG decoded, hashed and left without metadata, not re-encoded; or None."""
    width, height = image.size
    if image_format is JPEG:
        # Its EXIF is read with the header, so a turned photo is known before decoding.
        if _orientation(image) in TURNED:
            return None
        side = HASH_DECODE_MIN_SIDE
        image.draft("L", (min(width, side), min(height, side)))
        _load(image, noun)
        content = _jpeg_without_metadata(data)
    else:
        # A PNG's eXIf chunk may follow its pixels.
        _load(image, noun)
        if _orientation(image) in TURNED:
            return None
        content = _png_without_metadata(data)
    if content is None:
        return None
    return content, width, height, perceptual_hash(image)


def _orientation(image: Image.Image) -> object:
    # As ImageOps.exif_transpose reads it (EXIF, else XMP); unreadable EXIF turns nothing.
    try:
        return image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:
        return 1


def detect_format(head: bytes) -> _ImageFormat | str | None:
    """The format the first bytes of a file announce, whatever its name says; None if unknown."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp" and _is_heif_brand(head):
        return HEIF
    return None


def _is_heif_brand(head: bytes) -> bool:
    # An ISO media "ftyp" box: a major brand, a version, then compatible brands. AVIF and
    # video files share the container, so the brands decide.
    box_size = int.from_bytes(head[:4], "big")
    end = min(max(box_size, 16), len(head))
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, end - 3, 4)}
    if brands & HEIF_BRANDS:
        return True
    return bool(brands & GENERIC_HEIF_BRANDS) and not brands & {b"avif", b"avis"}


def _read_within_limit(upload: UploadedFile, noun: str) -> bytes:
    limit = settings.EVIDENCE_MAX_BYTES
    limit_words = f"{limit / MEGABYTE:g} MB"
    # The size Django counted while receiving the upload: refuse before reading it into memory.
    if upload.size is not None and upload.size > limit:
        raise EvidenceRejected(
            f"This {noun} is {upload.size / MEGABYTE:.1f} MB; the limit is {limit_words}. "
            f"Please choose a smaller {noun}: most phones can share a photo at a smaller size."
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if len(data) > limit:
        raise EvidenceRejected(
            f"This {noun} is larger than {limit_words}, the limit. Please choose a smaller {noun}."
        )
    if not data:
        raise EvidenceRejected(f"This file is empty. Please choose the {noun} again.")
    return data


def _damaged_image(noun: str) -> EvidenceRejected:
    return EvidenceRejected(
        "This image is damaged or incomplete, so we cannot read it. "
        f"Please choose the {noun} again, or take a new photo."
    )


def _too_many_pixels(width: int, height: int, limit: int) -> EvidenceRejected:
    return EvidenceRejected(
        f"This image is too large ({width} x {height} pixels); the limit is "
        f"{limit / 1_000_000:g} megapixels. Please send a smaller photo, e.g. one taken at your "
        "phone camera's normal size or a screenshot."
    )


def _open_image(data: bytes, image_format: _ImageFormat, noun: str) -> ImageFile.ImageFile:
    """The image with its header read and its size checked; no pixel decoded yet."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Set anywhere in the process, it would pad a cut photo with grey and accept it.
        raise ImproperlyConfigured("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False.")
    try:
        # The format's own reader rather than Image.open: it reads only the header, so the size
        # is known before any pixel is decoded, and a bomb gets our message, not Pillow's error.
        image = image_format.opener(io.BytesIO(data))
    except Exception as error:
        raise _damaged_image(noun) from error
    width, height = image.size
    limit = _max_pixels()
    if width * height > limit:
        image.close()
        raise _too_many_pixels(width, height, limit)
    if width < 1 or height < 1:
        image.close()
        raise _damaged_image(noun)
    return image


def _load(image: ImageFile.ImageFile, noun: str) -> None:
    """Decode every pixel (at the draft scale, if one was set); refuse what cannot be."""
    size = image.size
    try:
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Raised by Pillow where it checks sizes while decoding (the warning only where
        # warnings are made errors).
        raise _too_many_pixels(*size, _max_pixels()) from error
    except Exception as error:
        raise _damaged_image(noun) from error
    if image.size != size:
        raise _damaged_image(noun)


def _max_pixels() -> int:
    limit = int(getattr(settings, "EVIDENCE_MAX_PIXELS", DEFAULT_MAX_PIXELS))
    # Pillow's own bomb limit, which Image.open would apply, when someone set it lower.
    if Image.MAX_IMAGE_PIXELS is not None:
        limit = min(limit, Image.MAX_IMAGE_PIXELS)
    return limit


# JPEG segments kept, by marker and how their content starts: the JFIF header, the colour profile
# and Adobe's colour transform. All other application segments (EXIF and XMP in APP1, IPTC in
# APP13, maker notes, MPF's index of appended pictures) and comments are left out.
_JPEG_KEPT_APPLICATION_SEGMENTS = {0xE0: b"JFIF\x00", 0xE2: b"ICC_PROFILE\x00", 0xEE: b"Adobe"}
_JPEG_COMMENT = 0xFE
_JPEG_START_OF_SCAN = 0xDA
_JPEG_END_OF_IMAGE = 0xD9
# The end of entropy-coded data: 0xFF followed by anything but a stuffed zero, a restart marker
# or a fill byte (the last fill byte before a marker matches; those before it stay with the data,
# where they are harmless). Without a "+" on the 0xFF the search runs at C speed.
_JPEG_MARKER_AFTER_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def _jpeg_without_metadata(data: bytes) -> bytes | None:
    """The JPEG from its start to its end marker without metadata, pixels untouched.

    None when the structure is not what this walk follows; the caller then re-encodes.
    Whatever follows the end marker (MPF's appended pictures, each with its own EXIF) goes too.
    """
    parts = [data[:2]]
    position, end_of_data = 2, len(data)
    while position < end_of_data:
        if data[position] != 0xFF:
            return None
        while position < end_of_data and data[position] == 0xFF:
            position += 1
        if position >= end_of_data:
            return None
        marker = data[position]
        position += 1
        if marker == _JPEG_END_OF_IMAGE:
            parts.append(b"\xff\xd9")
            return b"".join(parts)
        if marker in (0x00, 0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            return None
        length = int.from_bytes(data[position : position + 2], "big")
        segment_end = position + length
        if length < 2 or segment_end > end_of_data:
            return None
        if marker == _JPEG_COMMENT or 0xE0 <= marker <= 0xEF:
            signature = _JPEG_KEPT_APPLICATION_SEGMENTS.get(marker)
            if signature is None or not data.startswith(signature, position + 2, segment_end):
                position = segment_end
                continue
        parts.append(b"\xff" + bytes((marker,)) + data[position:segment_end])
        position = segment_end
        if marker == _JPEG_START_OF_SCAN:
            found = _JPEG_MARKER_AFTER_SCAN.search(data, position)
            if found is None:
                return None
            parts.append(data[position : found.start()])
            position = found.start()
    return None


# PNG chunks kept: the picture, its palette and transparency, and how to show its colours.
# Text (tEXt, zTXt, iTXt: where ImageMagick and others put EXIF and XMP), eXIf, tIME, animation
# and private chunks are left out.
_PNG_KEPT_CHUNKS = frozenset(
    {
        b"IHDR",
        b"PLTE",
        b"IDAT",
        b"IEND",
        b"tRNS",
        b"gAMA",
        b"cHRM",
        b"sRGB",
        b"iCCP",
        b"cICP",
        b"mDCV",
        b"cLLI",
        b"sBIT",
        b"bKGD",
        b"pHYs",
    }
)


def _png_without_metadata(data: bytes) -> bytes | None:
    """The PNG up to its IEND chunk with only the chunks of _PNG_KEPT_CHUNKS, bytes untouched.

    None when a kept chunk is damaged (Pillow does not check every checksum; strict viewers
    would refuse the file) or the structure is not what this walk follows; the caller then
    re-encodes.
    """
    parts = [data[:8]]
    position, end_of_data = 8, len(data)
    while position + 12 <= end_of_data:
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        chunk_end = position + 12 + length
        if chunk_end > end_of_data:
            return None
        if kind in _PNG_KEPT_CHUNKS:
            checksum = int.from_bytes(data[chunk_end - 4 : chunk_end], "big")
            if zlib.crc32(memoryview(data)[position + 4 : chunk_end - 4]) != checksum:
                return None
            parts.append(data[position:chunk_end])
        elif not kind[0] & 0x20:
            # A critical chunk we do not know: not a picture we understand byte for byte.
            return None
        position = chunk_end
        if kind == b"IEND":
            return b"".join(parts)
    return None


def _clean_image(
    image: ImageFile.ImageFile, image_format: _ImageFormat
) -> tuple[bytes, int, int, str]:
    icc_profile = image.info.get("icc_profile")
    transparency = image.info.get("transparency")
    # Turned the way the camera meant, since the orientation tag goes with the rest of EXIF.
    # Unreadable EXIF is no reason to refuse sound pixels: the photo stays as it was taken.
    with contextlib.suppress(Exception):
        ImageOps.exif_transpose(image, in_place=True)
    # Encoders copy comments, XMP and EXIF from `info`; start from nothing.
    image.info = {}
    phash = perceptual_hash(image)
    save_options: dict[str, object] = {}
    if icc_profile:
        # Colour, not location: without it iPhone (Display P3) photos look dull.
        save_options["icc_profile"] = icc_profile
    if image_format.save_as == "JPEG":
        picture = _for_jpeg(image)
        save_options["quality"] = JPEG_QUALITY
    elif image_format.save_as == "WEBP":
        picture = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")
        save_options["quality"] = JPEG_QUALITY
    else:
        picture = image
        if picture.mode not in ("1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"):
            picture = picture.convert("RGBA")
        elif transparency is not None:
            save_options["transparency"] = transparency
    output = io.BytesIO()
    picture.save(output, format=image_format.save_as, **save_options)
    return output.getvalue(), picture.width, picture.height, phash


def _for_jpeg(image: Image.Image) -> Image.Image:
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        # JPEG has no transparency: lay the photo on white, as a viewer would show it.
        rgba = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def perceptual_hash(image: Image.Image) -> str:
    """A 64-bit difference hash (dHash) as 16 hex digits: re-saved or resized copies stay close."""
    try:
        gray = image.convert("L")
    except ValueError:
        # Modes without a direct conversion to grey go through RGB.
        gray = image.convert("RGB").convert("L")
    # 9 x 8: each row gives 8 comparisons of neighbours, 64 bits in all.
    small = gray.resize((9, 8), Image.Resampling.LANCZOS, reducing_gap=3.0)
    pixels = small.tobytes()
    bits = 0
    for row in range(8):
        for column in range(8):
            left, right = pixels[row * 9 + column], pixels[row * 9 + column + 1]
            bits = (bits << 1) | (left > right)
    return f"{bits:016x}"


def perceptual_distance(a: str, b: str) -> int:
    """How many of the 64 bits of two perceptual hashes differ: 0 alike; up to ~10 a near copy."""
    for value in (a, b):
        if len(value) != 16:
            raise ValueError(f"A perceptual hash has 16 hex digits, not {value!r}.")
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _check_pdf(data: bytes, noun: str) -> None:
    damaged = EvidenceRejected(
        "This PDF is damaged or incomplete, so we cannot read it. "
        f"Please download or save the {noun} again, or send a photo of it instead."
    )
    # Readers look for the end marker in the last kilobyte; a cut download has none.
    if b"%%EOF" not in data[-1024:]:
        raise damaged
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception as error:
        raise damaged from error
    if encrypted:
        raise EvidenceRejected(
            "This PDF is protected by a password or encryption, so we cannot check it. "
            "Please send a copy without protection (open it and print it to a new PDF) "
            f"or a photo of the {noun}."
        )
    if pages < 1:
        raise EvidenceRejected(f"This PDF has no pages. Please choose the PDF of your {noun}.")
