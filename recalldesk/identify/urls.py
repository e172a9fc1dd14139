from django.urls import path

from recalldesk.identify import views

app_name = "identify"

urlpatterns = [
    path("check/", views.check, name="check"),
]
