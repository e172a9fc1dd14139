"""E-mail queued in a transaction reaches a real SMTP server only if the transaction commits."""

import pytest
from django.db import transaction

from recalldesk.notify.services import EmailAddressInvalid, email_enqueue, email_send
from recalldesk.notify.tests.conftest import claim_email, cpsc_recall

# Real transactions (not the test's savepoints). available_apps: notify has no tables, so the
# flush after each test leaves the data other tests share untouched.
committing = pytest.mark.django_db(transaction=True, available_apps=["recalldesk.notify"])


class ClaimFailed(Exception):
    pass


@committing
def test_email_queued_in_committed_transaction_arrives_with_text_and_html(
    smtp_server, claim_templates, settings
):
    belkin = cpsc_recall("26-090")

    with transaction.atomic():
        email_enqueue(
            **claim_email(to="alice@example.org", recall_number="26-090", claim_number="K7M4Q9")
        )
        assert smtp_server.messages == [], "nothing may leave before the transaction commits"

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "alice@example.org"
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    assert message["Subject"] == f"Claim K7M4Q9 received: {belkin['heading']}"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    assert "We received your claim K7M4Q9 for recall 26-090:" in text
    assert belkin["heading"] in text
    assert "\n\n\n" not in text
    html = message.get_body(("html",)).get_content()
    assert "<strong>K7M4Q9</strong>" in html
    assert f'<a href="{settings.SITE_URL}"' in html


@committing
def test_email_queued_in_rolled_back_transaction_never_arrives(smtp_server, claim_templates):
    with pytest.raises(ClaimFailed), transaction.atomic():
        email_enqueue(
            **claim_email(to="alice@example.org", recall_number="26-090", claim_number="AAAA11")
        )
        raise ClaimFailed

    with transaction.atomic():
        email_enqueue(
            **claim_email(to="bob@example.org", recall_number="26-090", claim_number="BBBB22")
        )

    # The server takes messages in order, so once the second is in, the first is not coming.
    messages = smtp_server.wait_for(1)
    assert [message["To"] for message in messages] == ["bob@example.org"]
    assert "BBBB22" in messages[0]["Subject"]


@committing
def test_email_of_inner_rolled_back_block_is_dropped_while_outer_one_is_sent(
    smtp_server, claim_templates
):
    with transaction.atomic():
        email_enqueue(
            **claim_email(to="alice@example.org", recall_number="26-090", claim_number="OUTER1")
        )
        with pytest.raises(ClaimFailed), transaction.atomic():
            email_enqueue(
                **claim_email(to="bob@example.org", recall_number="26-090", claim_number="INNER1")
            )
            raise ClaimFailed

    messages = smtp_server.wait_for(1)
    assert [message["To"] for message in messages] == ["alice@example.org"]


def test_text_part_keeps_ampersands_and_html_part_escapes_them(smtp_server, claim_templates):
    currey = cpsc_recall("26-155")
    assert "&" in currey["heading"]

    email_send(**claim_email(to="alice@example.org", recall_number="26-155", claim_number="C4R7E2"))

    [message] = smtp_server.wait_for(1)
    assert currey["heading"] in message["Subject"]
    assert currey["heading"] in message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert currey["heading"].replace("&", "&amp;") in html


def test_one_message_reaches_several_recipients(smtp_server, claim_templates):
    email_send(
        **claim_email(
            to=["alice@example.org", "claims@belkin.example"],
            recall_number="26-090",
            claim_number="M2M2M2",
        )
    )

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "alice@example.org, claims@belkin.example"


@pytest.mark.parametrize("to", ["alice.example.org", "", [], ["alice@example.org", "bob@"]])
def test_bad_address_is_refused_before_anything_is_queued(smtp_server, claim_templates, to):
    with pytest.raises(EmailAddressInvalid) as refused:
        email_enqueue(**claim_email(to=to, recall_number="26-090", claim_number="X1X1X1"))

    assert "address" in refused.value.messages[0]
    email_send(**claim_email(to="carol@example.org", recall_number="26-090", claim_number="Y2Y2Y2"))
    assert [message["To"] for message in smtp_server.wait_for(1)] == ["carol@example.org"]
