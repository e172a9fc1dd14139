"""Evidence used twice: the same file (content hash) or the same picture re-saved (perceptual hash).

Part of the fraud controls in fraud.py, which stores what is found here.
"""

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from recalldesk.claims.models import Claim, ClaimStatus, Evidence, EvidenceKind

DUPLICATE_RECEIPT = "duplicate_receipt"
DUPLICATE_PHOTO = "duplicate_photo"
SIMILAR_PHOTO = "similar_photo"

# Pictures of the product or of its destruction. Receipts are left out of the perceptual
# comparison: two different receipts of one store are both white paper with black lines and
# would look "similar"; a re-used receipt is still found when it is the same file.
PICTURE_KINDS = (EvidenceKind.PHOTO, EvidenceKind.DESTRUCTION, EvidenceKind.DISPOSAL)

# A re-saved, resized or re-compressed JPEG moves a 64-bit perceptual hash by a few bits;
# two different photos differ in about half of them. Hashes of other lengths scale this.
SIMILAR_PHOTO_MAX_DISTANCE = 6
SIMILAR_PHOTO_HASH_BITS = 64

# A 64-bit hash is indexed as four 16-bit bands (Evidence.hash_band_0 to _3). A lookup asks for
# every value within max_distance // 4 bits of each band: 17 values a band at 6 bits, 137 up
# to 11 bits; beyond MAX_BAND_DISTANCE (12 bits and more) the program's pictures are scanned.
BAND_COUNT = 4
BAND_BITS = 16
BAND_MASK = (1 << BAND_BITS) - 1
MAX_BAND_DISTANCE = 2

# A file used by more claims than this (a stock picture of the product, say) gets one signal
# per claim for the first ones and a single summary for the rest.
MAX_RELATED_CLAIMS = 10

# Claims a reviewer may still approve; they get the mirror signal when a later claim re-uses
# their file, so bulk approval of "claims without signals" does not pay the first of a series.
OPEN_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.NEEDS_INFO, ClaimStatus.IN_REVIEW)


_HEX = re.compile(r"[0-9a-fA-F]+")


@dataclass(frozen=True)
class Finding:
    """A fraud signal about to be stored on `claim`."""

    claim: Claim
    code: str
    reason: str
    related_claim: Claim | None = None


def hash_bits(perceptual_hash: str) -> tuple[int, int] | None:
    """A hex perceptual hash as (value, number of bits); None when it is not hex."""
    text = perceptual_hash.strip()
    # int() alone would also accept "0x", "_", signs and other scripts' digits.
    if not _HEX.fullmatch(text):
        return None
    return int(text, 16), 4 * len(text)


def max_distance(bits: int) -> int:
    return SIMILAR_PHOTO_MAX_DISTANCE * bits // SIMILAR_PHOTO_HASH_BITS


def evidence_findings(*, claim: Claim, own: list[Evidence] | None = None) -> list[Finding]:
    """Files of this claim that other claims of the firm used too, and the mirror signals.

    `own`: all the claim's files, when the caller has them (it just stored them); else read.
    """
    if own is None:
        # In upload order; the model's ordering would join the claim to sort by it.
        own = list(claim.evidence.order_by("id"))
    if not own:
        return []
    targets = _similarity_targets(own)
    if _indexed(targets):
        # One indexed query asks for both: the same files anywhere and the pictures sharing a
        # quarter of a hash. Most claims share nothing, and stop here; the scoped queries that
        # name the other claims run only for what it found.
        shas = {evidence.sha256 for evidence in own if evidence.sha256}
        rows = _probe(claim, shas, targets)
        same_file = any(sha in shas for _, _, _, _, sha in rows)
        candidates = [
            (other_id, claim_id, other_hash, sha)
            for other_id, claim_id, kind, other_hash, sha in rows
            if kind in PICTURE_KINDS and other_hash
        ]
    else:
        same_file = True
        candidates = _similar_candidates(claim, targets) if targets else []
    findings = _same_file_findings(claim, own) if same_file else []
    if targets:
        findings += _similar_picture_findings(claim, targets, candidates)
    return findings


def _similarity_targets(own: list[Evidence]) -> list[tuple[Evidence, int, int, int]]:
    """(evidence, hash value, bits, largest distance still similar) of the claim's pictures."""
    parsed = [
        (evidence, hash_bits(evidence.perceptual_hash))
        for evidence in own
        if evidence.kind in PICTURE_KINDS and evidence.perceptual_hash
    ]
    return [
        (evidence, value, bits, max_distance(bits))
        for evidence, found in parsed
        if found is not None
        for value, bits in (found,)
    ]


def _indexed(targets: list[tuple[Evidence, int, int, int]]) -> bool:
    """Whether every target can be looked up through the hash quarters' indexes."""
    return all(
        bits == BAND_COUNT * BAND_BITS and limit // BAND_COUNT <= MAX_BAND_DISTANCE
        for _, _, bits, limit in targets
    )


def _probe(
    claim: Claim, shas: set[str], targets: list[tuple[Evidence, int, int, int]]
) -> list[tuple[int, int, str, str, str]]:
    """(id, claim id, kind, perceptual hash, sha256) of other claims' files that may matter.

    Files with one of `shas`, and files with a hash quarter near one of the targets', of any
    claim but this one: only indexes are read, no claim is joined. Who the other claims are
    (firm, program, withdrawn) is asked only about what comes back.
    """
    if not shas and not targets:
        return []
    if connection.vendor == "postgresql":
        # Five arrays instead of a parameter per value, and no ORM to compile the query: this
        # runs for every claim with files.
        table = Evidence._meta.db_table
        bands = " OR ".join(f"hash_band_{band} = ANY(%s)" for band in range(BAND_COUNT))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, claim_id, kind, perceptual_hash, sha256 FROM {table} "  # noqa: S608
                f"WHERE claim_id <> %s AND (sha256 = ANY(%s) OR {bands})",
                [claim.pk, sorted(shas), *_band_values(targets)],
            )
            return cursor.fetchall()
    wanted = Q(sha256__in=sorted(shas)) if shas else Q()
    if targets:
        wanted |= _band_filter(targets)
    return list(
        Evidence.objects.filter(wanted)
        .exclude(claim_id=claim.pk)
        .values_list("id", "claim_id", "kind", "perceptual_hash", "sha256")
        .order_by()
    )


def _same_file_findings(claim: Claim, own: list[Evidence]) -> list[Finding]:
    by_sha: dict[str, list[Evidence]] = {}
    for evidence in own:
        if evidence.sha256:
            by_sha.setdefault(evidence.sha256, []).append(evidence)
    if not by_sha:
        return []
    # Same firm only: a reason names the other claim, which another firm's staff may not see.
    others = (
        Evidence.objects.filter(
            sha256__in=by_sha, claim__program__firm_account_id=claim.program.firm_account_id
        )
        .exclude(claim_id=claim.pk)
        # A withdrawn claim re-filed with the same receipt is one claim, not two.
        .exclude(claim__status=ClaimStatus.WITHDRAWN)
        .select_related("claim__program")
        .order_by("claim__submitted_at", "claim_id", "id")
    )
    kept = _first_claims(others)
    pairs = [(mine, theirs, None) for theirs in kept for mine in by_sha[theirs.sha256]]
    findings = _pair_findings(claim, pairs)
    if len({theirs.claim_id for theirs in kept}) >= MAX_RELATED_CLAIMS:
        by_code: dict[str, set[str]] = {}
        for mine, _, _ in pairs:
            by_code.setdefault(_code(mine, similar=False), set()).add(mine.sha256)
        for code, hashes in by_code.items():
            total = others.filter(sha256__in=hashes).values("claim_id").distinct().count()
            findings += _overflow_findings(claim, code, total)
    return findings


def _similar_picture_findings(
    claim: Claim,
    targets: list[tuple[Evidence, int, int, int]],
    candidates: Iterable[tuple[int, int, str, str]],
) -> list[Finding]:
    matches: dict[int, list[tuple[Evidence, int]]] = {}
    # Each candidate is one XOR and a bit count per picture of this claim
    # (claims.evidence.perceptual_distance, on hashes parsed once).
    for other_id, _, other_hash, other_sha in candidates:
        try:
            other_value = int(other_hash, 16)
        except ValueError:
            continue
        other_bits = 4 * len(other_hash)
        for evidence, value, bits, limit in targets:
            if bits != other_bits:
                continue
            distance = (value ^ other_value).bit_count()
            # The same file is already a duplicate_photo; "similar" is for re-saved copies.
            if distance <= limit and evidence.sha256 != other_sha:
                matches.setdefault(other_id, []).append((evidence, distance))
    if not matches:
        return []
    # Candidates may come from any program and any claim (see _probe): only the program's
    # claims that were not withdrawn count.
    others = (
        Evidence.objects.filter(pk__in=matches, claim__program_id=claim.program_id)
        .exclude(claim__status=ClaimStatus.WITHDRAWN)
        .select_related("claim__program")
        .order_by("claim__submitted_at", "claim_id", "id")
    )
    kept = _first_claims(others)
    if not kept:
        return []
    total = len({theirs.claim_id for theirs in kept})
    if total >= MAX_RELATED_CLAIMS:
        total = others.values("claim_id").distinct().count()
    pairs = [
        (evidence, theirs, distance) for theirs in kept for evidence, distance in matches[theirs.pk]
    ]
    return _pair_findings(claim, pairs) + _overflow_findings(claim, SIMILAR_PHOTO, total)


def _similar_candidates(
    claim: Claim, targets: list[tuple[Evidence, int, int, int]]
) -> Iterable[tuple[int, int, str, str]]:
    """(id, claim id, perceptual hash, sha256) of every picture of the program but the claim's.

    For the targets the hash quarters cannot answer (_indexed: a hash of another length, or a
    limit that would need too many values); the caller measures each distance.
    """
    pictures = (
        Evidence.objects.filter(claim__program_id=claim.program_id, kind__in=PICTURE_KINDS)
        .exclude(perceptual_hash="")
        .exclude(claim_id=claim.pk)
        .exclude(claim__status=ClaimStatus.WITHDRAWN)
        .values_list("id", "claim_id", "perceptual_hash", "sha256")
        # In no order: the model's would sort every candidate by its claim.
        .order_by()
    )
    # Streamed, so a large program does not fill memory.
    return pictures.iterator(chunk_size=2000)


def _band_filter(targets: list[tuple[Evidence, int, int, int]]) -> Q:
    """Pictures with a hash quarter within limit // 4 bits of the same quarter of a target."""
    any_band = Q()
    for band, values in enumerate(_band_values(targets)):
        any_band |= Q(**{f"hash_band_{band}__in": values})
    return any_band


def _band_values(targets: list[tuple[Evidence, int, int, int]]) -> list[list[str]]:
    """Per quarter, the values within limit // 4 bits of the same quarter of a target."""
    near: list[set[str]] = [set() for _ in range(BAND_COUNT)]
    for _, value, _, limit in targets:
        for band in range(BAND_COUNT):
            shift = BAND_BITS * (BAND_COUNT - 1 - band)
            quarter = (value >> shift) & BAND_MASK
            near[band].update(
                f"{quarter ^ flips:04x}" for flips in _band_flips(limit // BAND_COUNT)
            )
    return [sorted(values) for values in near]


@functools.cache
def _band_flips(distance: int) -> tuple[int, ...]:
    """Every 16-bit mask with at most `distance` bits set."""
    return tuple(
        sum(1 << bit for bit in bits)
        for count in range(distance + 1)
        for bits in itertools.combinations(range(BAND_BITS), count)
    )


def _first_claims(others: QuerySet[Evidence]) -> list[Evidence]:
    """The evidence of the first MAX_RELATED_CLAIMS other claims, oldest claims first."""
    kept: list[Evidence] = []
    claim_ids: set[int] = set()
    # A claim has a handful of files, so this slice holds the first claims whole.
    for theirs in others[: MAX_RELATED_CLAIMS * 20]:
        if theirs.claim_id not in claim_ids and len(claim_ids) >= MAX_RELATED_CLAIMS:
            break
        claim_ids.add(theirs.claim_id)
        kept.append(theirs)
    return kept


def _overflow_findings(claim: Claim, code: str, total: int) -> list[Finding]:
    """One summary signal, without a related claim, for the claims beyond the listed ones."""
    if total <= MAX_RELATED_CLAIMS:
        return []
    more = total - MAX_RELATED_CLAIMS
    if code == SIMILAR_PHOTO:
        reason = (
            f"Nearly identical pictures were also uploaded with {more} more claims of this "
            "program, besides those named in the other signals."
        )
    else:
        reason = (
            f"The same file was also uploaded with {more} more claims of this firm, besides "
            "those named in the other signals."
        )
    return [Finding(claim=claim, code=code, reason=reason)]


def _pair_findings(
    claim: Claim, pairs: list[tuple[Evidence, Evidence, int | None]]
) -> list[Finding]:
    """One finding per (code, other claim) on this claim, and its mirror on the other claim."""
    sentences: dict[tuple[int, str], list[str]] = {}
    mirrors: dict[tuple[int, str], list[str]] = {}
    related: dict[int, Claim] = {}
    for mine, theirs, distance in pairs:
        similar = distance is not None
        related[theirs.claim_id] = theirs.claim
        code = _code(mine, similar=similar)
        sentence = _sentence(mine, theirs, claim, theirs.claim, distance=distance, later=False)
        sentences.setdefault((theirs.claim_id, code), []).append(sentence)
        if theirs.claim.status in OPEN_STATUSES:
            mirror_code = _code(theirs, similar=similar)
            mirror = _sentence(theirs, mine, theirs.claim, claim, distance=distance, later=True)
            mirrors.setdefault((theirs.claim_id, mirror_code), []).append(mirror)
    findings = [
        Finding(claim=claim, code=code, reason=" ".join(texts), related_claim=related[other_id])
        for (other_id, code), texts in sentences.items()
    ]
    findings += [
        Finding(claim=related[other_id], code=code, reason=" ".join(texts), related_claim=claim)
        for (other_id, code), texts in mirrors.items()
    ]
    return findings


def _code(evidence: Evidence, *, similar: bool) -> str:
    if similar:
        return SIMILAR_PHOTO
    return DUPLICATE_RECEIPT if evidence.kind == EvidenceKind.RECEIPT else DUPLICATE_PHOTO


def _sentence(
    mine: Evidence,
    theirs: Evidence,
    own_claim: Claim,
    other_claim: Claim,
    *,
    distance: int | None,
    later: bool,
) -> str:
    """What a reviewer of `own_claim` reads about its file `mine` and `theirs` of another claim."""
    where = f"claim {other_claim.number}"
    if other_claim.program_id != own_claim.program_id:
        where += f" (program “{other_claim.program.name}”)"
    when = timezone.localdate(theirs.uploaded_at).isoformat()
    mine_text, theirs_text = _capitalized(_describe(mine)), _describe(theirs)
    uploaded = "uploaded later" if later else "uploaded"
    if distance is not None:
        bits = 4 * len(mine.perceptual_hash.strip())
        return (
            f"{mine_text} looks like {theirs_text} {uploaded} with {where} on {when} "
            f"({distance} of {bits} bits of their perceptual hashes differ): probably the same "
            "picture re-saved or resized."
        )
    if mine.kind == theirs.kind == EvidenceKind.RECEIPT:
        return f"The same receipt file was {uploaded} with {where} on {when}."
    return f"{mine_text} is the same file as {theirs_text} {uploaded} with {where} on {when}."


def _describe(evidence: Evidence) -> str:
    """Which file: 'the receipt', 'the photo “Back, showing the serial number”'."""
    noun = {
        EvidenceKind.RECEIPT: "receipt",
        EvidenceKind.PHOTO: "photo",
        EvidenceKind.DESTRUCTION: "proof of destruction",
        EvidenceKind.DISPOSAL: "proof of disposal",
    }.get(evidence.kind, "file")
    label = evidence.label.strip()
    return f"the {noun} “{label}”" if label else f"the {noun}"


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
