from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/profile-visibility/", views.profile_visibility, name="profile_visibility"),
    path("dashboard/topics/hide/", views.topic_hide, name="topic_hide"),
    path("dashboard/topics/show/", views.topic_unhide, name="topic_unhide"),
    path("u/<slug:slug>/", views.public_profile, name="public_profile"),
    path("how-the-score-works/", views.method, name="method"),
]
