"""Evidence an owner uploads: recognized by its content, checked, and cleaned of location data.

Photos are decoded in full (a damaged or truncated file is refused, and so is one whose header
promises more pixels than we are willing to decode) and encoded again, so what staff see carries
no EXIF or XMP: no GPS position, no camera serial. HEIC photos become JPEG, which every browser
shows. PDFs are kept as sent, after a structural check. `evidence_store` (evidence_storage.py)
writes the result privately; it is importable from here too.
"""

import contextlib
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageFile, ImageOps, JpegImagePlugin, PngImagePlugin, WebPImagePlugin
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
    image = _decode_image(data, detected, noun)
    try:
        content, width, height, phash = _clean_image(image, detected)
    except EvidenceRejected:
        raise
    except Exception as error:
        raise _damaged_image(noun) from error
    finally:
        image.close()
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


def _decode_image(data: bytes, image_format: _ImageFormat, noun: str) -> ImageFile.ImageFile:
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
    try:
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Raised by Pillow where it checks sizes while decoding (the warning only where
        # warnings are made errors).
        image.close()
        raise _too_many_pixels(width, height, limit) from error
    except Exception as error:
        image.close()
        raise _damaged_image(noun) from error
    if image.size != (width, height) or width < 1 or height < 1:
        image.close()
        raise _damaged_image(noun)
    return image


def _max_pixels() -> int:
    limit = int(getattr(settings, "EVIDENCE_MAX_PIXELS", DEFAULT_MAX_PIXELS))
    # Pillow's own bomb limit, which Image.open would apply, when someone set it lower.
    if Image.MAX_IMAGE_PIXELS is not None:
        limit = min(limit, Image.MAX_IMAGE_PIXELS)
    return limit


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
