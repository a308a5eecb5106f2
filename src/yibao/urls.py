from django.contrib import admin
from django.urls import include, path, re_path

from yibao.api.api import api
from yibao.api.errors import not_found as api_not_found

admin.autodiscover()  # SimpleAdminConfig (settings): the admin modules load with the URLs, not in every command
admin.site.site_header = "医保经办 后台配置"
admin.site.site_title = "医保经办后台"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    re_path(r"^api/", api_not_found),  # the API answers JSON everywhere, unknown paths too
    path("accounts/", include("yibao.people.urls")),
    path("workbench/", include("yibao.workbench.urls")),
    path("", include("yibao.portal.urls")),
]
