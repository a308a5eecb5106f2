from django.urls import path

from yibao.portal import authorisation_views, cases_views, certificate_views, document_views, domain_views, filing_views, provider_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("r/", views.choose_region, name="choose_region"),
    path("r/<slug:region_code>/", views.region, name="region"),
    path("r/<slug:region_code>/editions/", views.region_editions, name="region_editions"),
    path("r/<slug:region_code>/offices/", views.region_offices, name="region_offices"),
    path("r/<slug:region_code>/items/<str:item_code>/", views.region_item, name="region_item"),
    path("g/<int:guide_id>/", views.guide, name="guide"),
    path("g/<int:guide_id>/offices/", views.guide_offices, name="guide_offices"),
    path("g/<int:guide_id>/items/<int:ordinal>/", views.guide_item, name="guide_item"),
    path("offices/", views.offices_index, name="offices_index"),
    path("compare/", views.compare_index, name="compare_index"),
    path("compare/<str:item_code>/", views.compare, name="compare"),
    path("search/", views.search, name="search"),
    path("audit/", views.audit, name="audit"),
    path("notices/<int:notice_id>.pdf", document_views.notice_pdf, name="notice_pdf"),
    path("verify/<str:code>/", document_views.verify, name="verify"),
    path("certificates/verify/<str:code>/", certificate_views.verify, name="certificate_verify"),
    path("certificates/<str:number>.pdf", certificate_views.certificate_pdf, name="certificate_pdf"),
    path("filings/verify/<str:code>/", filing_views.verify, name="filing_verify"),
    path("filings/<str:number>.pdf", filing_views.filing_pdf, name="filing_pdf"),
    # The public side of cases (cases_views.py).
    path("apply/<int:item_id>/", cases_views.apply, name="apply"),
    path("my/cases/", cases_views.my_cases, name="my_cases"),
    path("my/entitlements/", domain_views.my_entitlements, name="my_entitlements"),
    path("my/cases/<str:receipt_no>/", cases_views.my_case, name="my_case"),
    path("my/cases/<str:receipt_no>/receipt/", cases_views.case_receipt, name="case_receipt"),
    path("my/cases/<str:receipt_no>/supply/", cases_views.case_supply, name="case_supply"),
    path("my/cases/<str:receipt_no>/withdraw/", cases_views.case_withdraw, name="case_withdraw"),
    path("my/cases/<str:receipt_no>/rate/", cases_views.case_rate, name="case_rate"),
    path("my/cases/<str:receipt_no>/files/<int:attachment_id>/", cases_views.case_file, name="case_file"),
    path("my/authorisations/", authorisation_views.authorisations, name="authorisations"),
    path("my/authorisations/<int:pk>/revoke/", authorisation_views.revoke, name="authorisation_revoke"),
    path("track/", cases_views.track, name="track"),
    # Designated providers (provider_views.py): the public list, the provider's own pages.
    path("r/<slug:region_code>/providers/", provider_views.public_list, name="provider_list"),
    path("my/provider/", provider_views.my_provider, name="my_provider"),
    path("my/provider/claims/", provider_views.upload_claims, name="upload_claims"),
    path("my/provider/claims/sample.csv", provider_views.sample_claims_file, name="sample_claims"),
    path("my/provider/settlements/<int:pk>/", provider_views.my_settlement, name="my_settlement"),
    path("my/provider/settlements/<int:pk>/statement.<str:fmt>", provider_views.my_statement, name="my_statement"),
]
