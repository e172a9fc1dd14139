"""The Atom feed of new recalls, optionally narrowed by the recall list's filters."""

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from recalldesk.registry import selectors
from recalldesk.registry.forms import RecallSearchForm
from recalldesk.registry.models import Recall
from recalldesk.registry.templatetags.recall_format import recall_url

FEED_SIZE = 50


class LatestRecallsFeed(Feed):
    feed_type = Atom1Feed
    title = "Recall Desk: new recalls"
    author_name = "Recall Desk"

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = RecallSearchForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return render(request, "400.html", {"message": form.error_message()}, status=400)
        request.recall_filters = form.to_filters() if form.is_bound else None
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, *args, **kwargs) -> selectors.RecallFilters | None:
        return getattr(request, "recall_filters", None)

    def subtitle(self, obj: selectors.RecallFilters | None) -> str:
        if obj is None:
            return "The 50 newest product-safety recalls in the registry."
        return "The 50 newest product-safety recalls that match a search."

    def link(self, obj: selectors.RecallFilters | None) -> str:
        return reverse("registry:recall_list")

    def items(self, obj: selectors.RecallFilters | None):
        if obj is None:
            return selectors.recalls_latest(limit=FEED_SIZE)
        return selectors.recalls_search(filters=obj)[:FEED_SIZE]

    def item_title(self, item: Recall) -> str:
        return f"{item.number}: {item.title}"

    def item_description(self, item: Recall) -> str:
        return item.hazard

    def item_link(self, item: Recall) -> str:
        return recall_url(item) or reverse("registry:recall_list")

    def item_pubdate(self, item: Recall) -> dt.datetime:
        if item.recall_date:
            return dt.datetime.combine(item.recall_date, dt.time(), tzinfo=dt.UTC)
        return item.created_at

    def item_updateddate(self, item: Recall) -> dt.datetime:
        return item.updated_at

    def item_categories(self, item: Recall) -> list[str]:
        return item.remedy_type_list
