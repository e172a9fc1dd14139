"""No input to the lookup, through the engine, the API or the page, gives a 500 or an exception."""

from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recalldesk.identify.engine import LookupInputError, lookup
from recalldesk.identify.tests.lookup_db import belkin  # noqa: F401  (a fixture)
from recalldesk.identify.tests.lookup_rows import catalog_index

# Anything a browser can send: every character but lone surrogates, which no URL can carry.
typed = st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)
codes = st.one_of(
    typed,
    st.text(alphabet="MMA008BPB02PB3OIl5SZ2-. /57X35S", max_size=20),
    st.sampled_from(["MMA008", "mma-008", "MMAO08", "BPB002BTBK", "PB0003", "012345678905"]),
)
digits = st.one_of(typed, st.text(alphabet="0123456789 -", max_size=16))
lookups = st.fixed_dictionaries(
    {},
    optional={"model": codes, "serial": codes, "upc": digits, "q": typed},
)
no_db_reset = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@cache
def _catalog():
    return catalog_index()


@settings(max_examples=400, deadline=None)
@given(params=lookups)
def test_engine_answers_or_says_what_to_fix(params):
    index = _catalog()
    try:
        result = lookup(index, **params)
    except LookupInputError as error:
        assert str(error)
        return
    assert result.verdicts
    for verdict in result.verdicts:
        assert verdict.reason


@pytest.mark.django_db
@no_db_reset
@given(params=lookups)
def test_api_never_500(client, belkin, params):  # noqa: F811
    response = client.get("/api/lookup", params)
    assert response.status_code in (200, 400), response.content[:300]
    body = response.json()
    assert body["detail"] if response.status_code == 400 else body["verdicts"]


@pytest.mark.django_db
@no_db_reset
@given(params=lookups, htmx=st.booleans())
def test_page_never_500(client, belkin, params, htmx):  # noqa: F811
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get("/check/", params, headers=headers)
    assert response.status_code in (200, 400), response.content[:300]
