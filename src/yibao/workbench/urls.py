from django.urls import path

from yibao.workbench import views

app_name = "workbench"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.intake, name="intake"),
    path("new/applicant/", views.lookup_applicant, name="lookup_applicant"),
    path("case/<str:receipt_no>/", views.case_detail, name="case"),
    path("case/<str:receipt_no>/<str:step>/", views.case_step, name="case_step"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("follow-up/<int:pk>/close/", views.close_follow_up, name="close_follow_up"),
    path("notifications/", views.notifications, name="notifications"),
]
