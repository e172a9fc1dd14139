from django.urls import path

from recalldesk.registry import views
from recalldesk.registry.feeds import LatestRecallsFeed

app_name = "registry"

urlpatterns = [
    path("", views.home, name="home"),
    path("recalls/", views.recall_list, name="recall_list"),
    path("recalls/feed.atom", LatestRecallsFeed(), name="recall_feed"),
    # path, not str: a published number may hold characters a str converter refuses.
    path("recalls/<path:number>/", views.recall_detail, name="recall_detail"),
]
