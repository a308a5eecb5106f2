from django.urls import path

from yibao.workbench import bulk_views, documents, payment_views, provider_views, views

app_name = "workbench"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.intake, name="intake"),
    path("new/applicant/", views.lookup_applicant, name="lookup_applicant"),
    path("case/<str:receipt_no>/", views.case_detail, name="case"),
    path("case/<str:receipt_no>/record.pdf", documents.case_record_pdf, name="case_record_pdf"),
    path("case/<str:receipt_no>/certificate.pdf", documents.case_certificate_pdf, name="case_certificate_pdf"),
    path("case/<str:receipt_no>/<str:step>/", views.case_step, name="case_step"),
    path("payments/", payment_views.orders, name="orders"),
    path("payments/batches/", payment_views.batches, name="batches"),
    path("payments/batches/create/", payment_views.batch_create, name="batch_create"),
    path("payments/batches/<str:batch_no>/", payment_views.batch_detail, name="batch"),
    path("payments/batches/<str:batch_no>/approve/", payment_views.batch_approve, name="batch_approve"),
    path("payments/batches/<str:batch_no>/export.<str:fmt>", payment_views.batch_export, name="batch_export"),
    path("payments/batches/<str:batch_no>/import/", payment_views.batch_import, name="batch_import"),
    path("payments/<str:order_no>/<str:step>/", payment_views.order_step, name="order_step"),
    path("employers/", bulk_views.employer_sheets, name="employer_sheets"),
    path("employers/roster.xlsx", bulk_views.roster_export, name="roster_export"),
    path("employers/base-sheet.xlsx", bulk_views.base_template, name="base_template"),
    path("items/", views.items_status, name="items"),
    path("providers/", provider_views.providers, name="providers"),
    path("providers/agreements/<int:pk>/", provider_views.agreement_detail, name="agreement"),
    path("providers/agreements/<int:pk>/<str:step>/", provider_views.agreement_step, name="agreement_step"),
    path("providers/settlements/<int:pk>/", provider_views.settlement_detail, name="settlement"),
    path("providers/settlements/<int:pk>/statement.<str:fmt>", provider_views.settlement_statement,
         name="settlement_statement"),
    path("providers/settlements/<int:pk>/<str:step>/", provider_views.settlement_step, name="settlement_step"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("audit/", views.list_audit, name="audit"),
    path("follow-up/<int:pk>/close/", views.close_follow_up, name="close_follow_up"),
    path("notifications/", views.notifications, name="notifications"),
]
