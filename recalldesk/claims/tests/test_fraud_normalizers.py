"""The normalizers that decide when two claims share a contact, and the disposable-domain list."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recalldesk.claims.disposable_domains import disposable_domain_find
from recalldesk.claims.fraud import address_normalize, email_normalize, phone_normalize


def test_disposable_domain_lookup_stops_before_the_top_level_domain():
    assert disposable_domain_find(domain="a.b.yopmail.com.") == "yopmail.com"
    assert disposable_domain_find(domain="com") is None
    assert disposable_domain_find(domain="") is None


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("J.Doe+recall@GoogleMail.com ", "jdoe@gmail.com"),
        ("jdoe@gmail.com.", "jdoe@gmail.com"),
        ("Jane.Doe+belkin@Outlook.com", "jane.doe@outlook.com"),
        ("no-at-sign", "no-at-sign"),
        ("", ""),
    ],
)
def test_email_normalize(written, normalized):
    assert email_normalize(written) == normalized


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("+1 (310) 555-0142", "3105550142"),
        ("310.555.0142", "3105550142"),
        ("+44 20 7946 0958", "442079460958"),
        ("٣١٠٥٥٥٠١٤٢", "3105550142"),
        ("none", ""),
    ],
)
def test_phone_normalize(written, normalized):
    assert phone_normalize(written) == normalized


def test_address_normalize_folds_accents_provinces_and_po_boxes():
    assert (
        address_normalize(
            address_line1="P.O. Box 1200",
            city="Montréal",
            region="Québec",
            postal_code="h3b 2y5",
        )
        == "po box 1200 montreal qc h3b2y5"
    )


def test_a_long_address_is_cut_between_words_to_fit_its_column():
    long_street = " ".join(["Boulevard"] * 40)
    normalized = address_normalize(
        address_line1=long_street, address_line2=long_street, city="Springfield"
    )
    assert len(normalized) <= 300
    assert set(normalized.split()) == {"blvd"}
    assert address_normalize(address_line1=normalized) == normalized


@given(st.text())
def test_email_normalize_never_raises_and_is_idempotent(text):
    once = email_normalize(text)
    assert email_normalize(once) == once


@given(st.emails())
def test_email_normalize_keeps_one_at_sign_of_an_address(email):
    assert email_normalize(email).count("@") == email.count("@")


@given(st.text())
def test_phone_normalize_never_raises_and_is_idempotent(text):
    once = phone_normalize(text)
    assert once.isascii() and (once.isdigit() or once == "") and len(once) <= 20
    assert phone_normalize(once) == once


# Address text as people write it, with the pieces the normalizer rewrites, or any text.
address_text = st.one_of(
    st.text(),
    st.lists(
        st.sampled_from(
            [
                "#",
                "#4",
                "Apt.",
                "unit",
                "P.O.",
                "p",
                "o",
                "Box",
                "post",
                "office",
                "Street",
                "North",
                "Québec",
                "new",
                "york",
                "62701-1234",
                "İ",
                "ß",
                "_",
                ".",
                ",",
                " ",
            ]
        ),
        max_size=12,
    ).map("".join),
    st.lists(st.sampled_from(["p", "o", "box", "post", "office", "apt", "#"])).map(" ".join),
)


@given(address_text, address_text, address_text, address_text, address_text)
def test_address_normalize_never_raises_and_is_idempotent(line1, line2, city, region, postal):
    once = address_normalize(
        address_line1=line1, address_line2=line2, city=city, region=region, postal_code=postal
    )
    assert len(once) <= 300
    assert address_normalize(address_line1=once) == once
