"""The JSON API (django-ninja). OpenAPI at /api/openapi.json. Routers live beside this file,
one per domain, and call the domains' actions and queries."""
from ninja import NinjaAPI
from ninja.openapi.docs import ABS_TPL_PATH, Swagger

from yibao.api.errors import install as install_error_handlers


class LocalSwagger(Swagger):
    """Swagger UI from the project's own static files. ninja renders its page from a CDN unless
    "ninja" is an installed app, which it no longer is (settings: `yibao` commands start without
    importing it); its local page, rendered the same way, loads the assets from /static/ninja/."""

    template_cdn = str(ABS_TPL_PATH / "swagger.html")


api = NinjaAPI(
    docs=LocalSwagger(),
    title="医保经办服务接口",
    version="1",
    description="办事指南、导办搜索、办件受理与查询。错误以结构化JSON返回，message 为中文。",
    urls_namespace="api",
)
install_error_handlers(api)  # one error shape for every router: {"code", "message", "field", "details"}
api.add_router("/catalog", "yibao.api.catalog.router")
api.add_router("/auth", "yibao.api.auth.router")
api.add_router("", "yibao.api.cases.router")
api.add_router("", "yibao.api.registers.router")
api.add_router("", "yibao.api.payments.router")
api.add_router("", "yibao.api.remote_care.router")
api.add_router("", "yibao.api.claims.router")
api.add_router("", "yibao.api.maternity.router")
api.add_router("", "yibao.api.providers.router")
api.add_router("", "yibao.api.figures.router")


@api.get("/health", tags=["系统"], summary="运行状态")
def health(request):
    return {"status": "ok"}
