"""Fraud and duplicate controls: reasons a reviewer should look twice before paying a claim.

A signal never blocks a claim; it is stored as a FraudSignal with a reason in plain words.
Codes:
- duplicate_receipt, duplicate_photo: a file of the claim is byte for byte a file of another
  claim of the same firm, in any of its programs (fraud_evidence.py);
- similar_photo: a picture whose perceptual hash is within a few bits of a picture of another
  claim of the program: the same photo re-saved, resized or re-compressed (fraud_evidence.py);
- many_claims_email, many_claims_phone, many_claims_address: the number of claims of the
  program sharing the contact (written as the normalizers below write it) reached the
  program's claims_per_contact_threshold;
- disposable_email: the e-mail address belongs to a throw-away inbox service.
Withdrawn claims are left out of every comparison: withdrawing and filing again is one claim.
"""

import re
import unicodedata

from django.db import connection, transaction
from django.utils import timezone

from recalldesk.claims.disposable_domains import disposable_domain_find
from recalldesk.claims.fraud_evidence import (
    DUPLICATE_PHOTO,
    DUPLICATE_RECEIPT,
    OPEN_STATUSES,
    SIMILAR_PHOTO,
    Finding,
    evidence_findings,
)
from recalldesk.claims.models import Claim, ClaimStatus, Evidence, FraudSignal

MANY_CLAIMS_EMAIL = "many_claims_email"
MANY_CLAIMS_PHONE = "many_claims_phone"
MANY_CLAIMS_ADDRESS = "many_claims_address"
DISPOSABLE_EMAIL = "disposable_email"

# A claim holds at most one signal per code and related claim for these codes, and at most
# one per code for the others, whatever the related claim: that is what makes detection
# idempotent.
_ONE_PER_RELATED_CLAIM = frozenset({DUPLICATE_RECEIPT, DUPLICATE_PHOTO, SIMILAR_PHOTO})

# How many claim numbers a "many claims" reason lists before saying "and N more".
_LISTED_CLAIMS = 5


def fraud_signals_detect(*, claim: Claim) -> list[FraudSignal]:
    """Find and store the claim's fraud signals once each; return all the claim's signals."""
    with transaction.atomic():
        # Two detections of one claim at once would otherwise both see "no signal yet".
        Claim.objects.select_for_update().filter(pk=claim.pk).first()
        _findings_store(_findings(claim, with_evidence=True))
    return list(claim.fraud_signals.select_related("related_claim").order_by("id"))


def fraud_signals_detect_new_claim(
    *, claim: Claim, evidence: list[Evidence], contact_counts: dict[str, int] | None = None
) -> None:
    """Store the fraud signals of a claim being filed in the caller's transaction.

    What fraud_signals_detect finds, for less: no other transaction can see the claim yet, so
    none can detect its signals at the same time (no lock, no savepoint), it has no signal yet
    (none is looked for or read back), and its files are the ones just stored (`evidence`,
    not read back; none, nothing to compare). `contact_counts`, when given, is what
    contact_counts_sql's expressions counted in the caller's statement (claim_rows.py).
    """
    own = evidence if evidence else None
    findings = _findings(
        claim, with_evidence=bool(evidence), own=own, contact_counts=contact_counts
    )
    _findings_store(findings, new_claim=claim)


def _findings(
    claim: Claim,
    *,
    with_evidence: bool,
    own: list[Evidence] | None = None,
    contact_counts: dict[str, int] | None = None,
) -> list[Finding]:
    findings = evidence_findings(claim=claim, own=own) if with_evidence else []
    findings += _contact_findings(claim, contact_counts)
    findings += _disposable_email_findings(claim)
    return findings


def _key(claim_id: int, code: str, related_claim_id: int | None) -> tuple:
    return (claim_id, code, related_claim_id if code in _ONE_PER_RELATED_CLAIM else None)


def _findings_store(findings: list[Finding], *, new_claim: Claim | None = None) -> None:
    # A claim being filed has no signals yet: only the earlier claims' are looked for.
    claim_ids = {finding.claim.pk for finding in findings}
    if new_claim is not None:
        claim_ids.discard(new_claim.pk)
    existing: set[tuple] = set()
    if claim_ids:
        rows = FraudSignal.objects.filter(claim_id__in=claim_ids).values_list(
            "claim_id", "code", "related_claim_id"
        )
        existing = {_key(*row) for row in rows}
    new = []
    for finding in findings:
        related_id = finding.related_claim.pk if finding.related_claim else None
        key = _key(finding.claim.pk, finding.code, related_id)
        if key in existing:
            continue
        existing.add(key)
        new.append(
            FraudSignal(
                claim=finding.claim,
                code=finding.code,
                reason=finding.reason,
                related_claim=finding.related_claim,
            )
        )
    if new:
        FraudSignal.objects.bulk_create(new)


_CONTACTS = (
    (
        MANY_CLAIMS_EMAIL,
        "email_normalized",
        "the e-mail address {value} (compared in lowercase, without +tags, and for Gmail "
        "without dots)",
    ),
    (MANY_CLAIMS_PHONE, "phone_normalized", "the phone number {value} (compared by its digits)"),
    (
        MANY_CLAIMS_ADDRESS,
        "address_normalized",
        "the address “{value}” (compared without case, accents, punctuation or spelled-out "
        "street types)",
    ),
)


def contact_counts_sql(claim: Claim, *, claim_id: str) -> tuple[list[str], str, list]:
    """What _contact_findings counts, as SQL: the fields, a SELECT list and its parameters.

    One count per contact field the claim has, of the program's other live claims sharing it;
    `claim_id` is an SQL expression for the claim's id (a number, or a column of the caller's
    statement). No field is counted when the program's threshold turns the check off.
    """
    if claim.program.claims_per_contact_threshold < 2:
        return [], "", []
    fields = [field for _, field, _ in _CONTACTS if getattr(claim, field)]
    # Each count through its (program, field) index, even on a table whose statistics are old
    # (one condition ORed over the fields was answered by scanning the program's claims there).
    count = (
        f"(SELECT COUNT(*) FROM {Claim._meta.db_table} "  # noqa: S608 (names from _CONTACTS)
        "WHERE program_id = %s AND {field} = %s AND {field} <> '' AND status <> %s "
        "AND id <> {claim_id})"
    )
    sql = ", ".join(count.format(field=field, claim_id=claim_id) for field in fields)
    params = []
    for field in fields:
        params += [claim.program_id, getattr(claim, field), ClaimStatus.WITHDRAWN]
    return fields, sql, params


def _contact_counts(claim: Claim) -> dict[str, int]:
    """How many other live claims of the program share each contact field, in one query."""
    # Plain SQL: on every claim filed, the ORM took 1 ms to write this query and the database
    # 0.1 ms to answer it.
    fields, sql, params = contact_counts_sql(claim, claim_id=str(int(claim.pk)))
    if not fields:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        row = cursor.fetchone()
    return dict(zip(fields, row, strict=True))


def _contact_findings(claim: Claim, counts: dict[str, int] | None = None) -> list[Finding]:
    threshold = claim.program.claims_per_contact_threshold
    # One claim shares its contact with nobody: a threshold below 2 turns the check off.
    if threshold < 2:
        return []
    if counts is None:
        counts = _contact_counts(claim)
    findings: list[Finding] = []
    for code, field, words in _CONTACTS:
        if field not in counts:
            continue
        total = counts[field] + 1
        if total < threshold:
            continue
        value = getattr(claim, field)
        group = (
            Claim.objects.filter(program_id=claim.program_id, **{field: value})
            .exclude(status=ClaimStatus.WITHDRAWN)
            .exclude(pk=claim.pk)
            .order_by("submitted_at", "id")
        )
        contact = words.format(value=value)
        earlier = list(group.only("id", "number", "submitted_at")[:_LISTED_CLAIMS])
        listed = ", ".join(f"{other.number} ({_day(other)})" for other in earlier)
        if total - 1 > len(earlier):
            listed += f" and {total - 1 - len(earlier)} more"
        reason = f"{total} claims in this program, this one included, use {contact}: {listed}."
        first = earlier[0] if earlier else None
        findings.append(Finding(claim=claim, code=code, reason=reason, related_claim=first))
        # Earlier claims still awaiting review learn of the series too, once each.
        unflagged = group.filter(status__in=OPEN_STATUSES).exclude(fraud_signals__code=code)
        mirror = (
            f"{total} claims in this program now use {contact}; the latest is claim "
            f"{claim.number}, filed on {_day(claim)}."
        )
        findings += [
            Finding(claim=other, code=code, reason=mirror, related_claim=claim)
            for other in unflagged[:200]
        ]
    return findings


def _disposable_email_findings(claim: Claim) -> list[Finding]:
    domain = claim.email.rpartition("@")[2]
    listed = disposable_domain_find(domain=domain)
    if listed is None:
        return []
    reason = (
        f"The e-mail address is at {listed}, a disposable e-mail service: its inboxes vanish "
        "after a while, so messages about this claim may never reach the owner, and such "
        "addresses make it easy to file claims under many names."
    )
    return [Finding(claim=claim, code=DISPOSABLE_EMAIL, reason=reason)]


def _day(claim: Claim) -> str:
    return timezone.localdate(claim.submitted_at).isoformat()


# Normalizers: one spelling per e-mail, phone and address, stored on the claim
# (email_normalized, phone_normalized, address_normalized) to count claims from one contact.
# Each is idempotent and never raises.

_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
_EDGE_SPACES = re.compile(r"^\s+|\s+$")
_DOMAIN_EDGES = re.compile(r"^\s+|[\s.]+$")


def email_normalize(email: str) -> str:
    """One spelling per mailbox: 'J.Doe+recall@GoogleMail.com ' gives 'jdoe@gmail.com'.

    Exactly: surrounding spaces removed and everything lowercased; the address split at its
    last '@'; in the local part, everything from the first '+' on removed (a subaddress tag,
    delivered to the same inbox by Gmail, Outlook, iCloud, Fastmail and Proton); the domain's
    trailing dots removed; for gmail.com and googlemail.com, the dots of the local part removed
    (Gmail ignores them) and the domain written gmail.com. Text without '@' is only lowercased
    and stripped.
    """
    text = _EDGE_SPACES.sub("", str(email or "").lower())
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    local = _EDGE_SPACES.sub("", local.split("+", 1)[0])
    domain = _DOMAIN_EDGES.sub("", domain)
    if domain in _GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def phone_normalize(phone: str) -> str:
    """The digits of a phone number: '+1 (555) 010-4477' and '555.010.4477' give '5550104477'.

    Any script's digits count as digits. A North American number written with its country
    code (11 digits starting with 1) loses the 1, since Recall Desk serves the U.S. and
    Canada. At most 20 digits are kept, the length of Claim.phone_normalized.
    """
    digits = "".join(
        str(unicodedata.decimal(char)) for char in str(phone or "") if char.isdecimal()
    )
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits[:20]


_ADDRESS_WORDS = {
    **dict.fromkeys(("apartment", "apt", "unit", "suite", "ste", "room", "rm"), "#"),
    "street": "st",
    "avenue": "ave",
    "av": "ave",
    "road": "rd",
    "boulevard": "blvd",
    "drive": "dr",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "terrace": "ter",
    "circle": "cir",
    "highway": "hwy",
    "parkway": "pkwy",
    "square": "sq",
    "trail": "trl",
    "crescent": "cres",
    "route": "rte",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "saint": "st",
    "mount": "mt",
    "fort": "ft",
}
_REGIONS = (
    "alabama al, alaska ak, arizona az, arkansas ar, california ca, colorado co, "
    "connecticut ct, delaware de, district of columbia dc, florida fl, georgia ga, hawaii hi, "
    "idaho id, illinois il, indiana in, iowa ia, kansas ks, kentucky ky, louisiana la, "
    "maine me, maryland md, massachusetts ma, michigan mi, minnesota mn, mississippi ms, "
    "missouri mo, montana mt, nebraska ne, nevada nv, new hampshire nh, new jersey nj, "
    "new mexico nm, new york ny, north carolina nc, north dakota nd, ohio oh, oklahoma ok, "
    "oregon or, pennsylvania pa, rhode island ri, south carolina sc, south dakota sd, "
    "tennessee tn, texas tx, utah ut, vermont vt, virginia va, washington wa, "
    "west virginia wv, wisconsin wi, wyoming wy, puerto rico pr, guam gu, "
    "alberta ab, british columbia bc, manitoba mb, new brunswick nb, "
    "newfoundland and labrador nl, newfoundland nl, nova scotia ns, ontario on, "
    "prince edward island pe, quebec qc, saskatchewan sk, northwest territories nt, "
    "nunavut nu, yukon yt"
)
_REGION_CODES = dict(entry.rsplit(" ", 1) for entry in _REGIONS.split(", "))
_ADDRESS_TOKEN = re.compile(r"#|[^\W_]+")


def _address_tokens(text: str) -> list[str]:
    # Accents dropped so 'Montréal' and 'Montreal' meet; decomposed again after lowercasing
    # because lowercasing can produce decomposable letters (İ -> i̇).
    text = _without_marks(_without_marks(str(text or "")).lower())
    return _ADDRESS_TOKEN.findall(text)


def _without_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def address_normalize(
    *,
    address_line1: str,
    address_line2: str = "",
    city: str = "",
    region: str = "",
    postal_code: str = "",
) -> str:
    """One spelling per postal address, as space-separated words, at most 300 characters.

    '12 North Main Street, Apt. 4' / 'Springfield' / 'Illinois' / '62701-1234' gives
    '12 n main st # 4 springfield il 62701'. Exactly: accents, case and punctuation dropped;
    street types and directions abbreviated (street -> st, north -> n); apartment, unit and
    suite written '#'; 'P.O. Box' written 'po box'; a U.S. state or Canadian province name
    written as its code; a ZIP+4 cut to its five digits and spaces removed from postal codes.
    """
    words = _address_tokens(address_line1) + _address_tokens(address_line2)
    words += _address_tokens(city)
    region_words = _address_tokens(region)
    region_code = _REGION_CODES.get(" ".join(region_words))
    words += [region_code] if region_code else region_words
    postal = "".join(part for part in _address_tokens(postal_code) if part != "#")
    if len(postal) == 9 and postal.isascii() and postal.isdigit():
        postal = postal[:5]
    if postal:
        words.append(postal)
    words = _po_box(words)
    normalized: list[str] = []
    for word in words:
        word = _ADDRESS_WORDS.get(word, word)
        if not (word == "#" and normalized and normalized[-1] == "#"):
            normalized.append(word)
    text = " ".join(normalized)
    if len(text) > 300:
        text = text[:301].rsplit(" ", 1)[0][:300]
    return text


def _po_box(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        out.append(word)
        if out[-3:] in (["post", "office", "box"], ["p", "o", "box"]):
            out[-3:] = ["po", "box"]
    return out
