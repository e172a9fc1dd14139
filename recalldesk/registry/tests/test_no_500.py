"""No query string makes the recall list, the API or the CPSC-compatible endpoint answer 500."""

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recalldesk.registry.cpsc_api import PARAMETERS as CPSC_PARAMETERS

LIST_PARAMETERS = [
    "q",
    "date_from",
    "date_to",
    "hazard",
    "remedy_type",
    "retailer",
    "firm",
    "country",
    "agency",
    "page",
    "page_size",
]

# Values people and programs really send, then the odd ones: huge, negative, unicode, NUL.
values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=2000),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: f"{d.isoformat()}T00:00:00"),
    st.integers().map(str),
    st.integers(min_value=10**18, max_value=10**40).map(str),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e9",
            "NaN",
            "Belkin",
            "26-090",
            "26090",
            "Refund",
            "CPSC",
            "2025-02-30",
            "99999-01-01",
            "%",
            "_",
            "\\",
            "'; DROP TABLE registry_recall; --",
            "\x00",
            "\u200b",
            "a" * 60_000,
        ]
    ),
)


def _pairs(names: list[str]):
    name = st.one_of(
        st.sampled_from(names),
        st.sampled_from(names).map(str.upper),
        st.text(min_size=1, max_size=20),
    )
    # A list of pairs, so a parameter may be repeated.
    return st.lists(st.tuples(name, values), max_size=6)


NO_500 = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _get(client, path: str):
    response = client.get(path)
    if response.streaming:
        # A streamed answer fails while it is read, not when the view returns.
        b"".join(response.streaming_content)
    assert response.status_code < 500, (path[:300], response.status_code)
    return response


@pytest.mark.django_db
@NO_500
@given(pairs=_pairs(LIST_PARAMETERS))
def test_recall_list_page_never_answers_500(client, pairs):
    _get(client, f"/recalls/?{urlencode(pairs)}")


@pytest.mark.django_db
@NO_500
@given(pairs=_pairs(LIST_PARAMETERS))
def test_api_recalls_never_answers_500(client, pairs):
    _get(client, f"/api/recalls?{urlencode(pairs)}")


@pytest.mark.django_db
@NO_500
@given(raw=st.text(max_size=200))
def test_api_recalls_raw_query_string_never_answers_500(client, raw):
    _get(client, f"/api/recalls?{raw}")


@pytest.mark.django_db
@NO_500
@given(number=st.one_of(values, st.from_regex(r"\A[0-9]{2}-?[0-9]{3}\Z")))
def test_api_recall_by_number_never_answers_500(client, number):
    _get(client, f"/api/recalls/{quote(number, safe='')}")


@pytest.mark.django_db
@NO_500
@given(pairs=_pairs(list(CPSC_PARAMETERS)))
def test_cpsc_endpoint_never_answers_500(client, pairs):
    _get(client, f"/RestWebServices/Recall?{urlencode([('format', 'json'), *pairs])}")


@pytest.mark.django_db
@NO_500
@given(raw=st.text(max_size=200))
def test_cpsc_endpoint_raw_query_string_never_answers_500(client, raw):
    _get(client, f"/RestWebServices/Recall?{raw}")
