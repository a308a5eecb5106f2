"""Every error of the API in one shape, with the right HTTP status:

    {"code": "<machine code>", "message": "<中文>", "field": "<optional>", "details": {<optional>}}

400 a request that cannot be read, 401 no or bad credentials, 403 not allowed, 404 not found (or
not yours to see), 409 the case's state or version forbids the call, 422 invalid input, 429 too
many requests. The engine's named exceptions, the people policy, identity validation and
django-ninja's own errors are all mapped here, once; endpoints simply let them rise.
"""
import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from yibao.cases import exceptions as case_errors
from yibao.core.errors import NamedError
from yibao.core.money import MoneyError
from yibao.people.actions import AuthorisationRefused, BadCredentials, LoginLocked, RegistrationRefused
from yibao.people.identity import InvalidIdentity, InvalidPhone
from yibao.people.policy import NotAllowed

logger = logging.getLogger("yibao.api")


class Error(Schema):
    code: str
    message: str
    field: str | None = None
    details: dict | None = None


# Every status an endpoint may answer with besides its success; listed in the OpenAPI document.
ERRORS = {status: Error for status in (400, 401, 403, 404, 409, 413, 422, 429)}


class ApiError(Exception):
    """An error of the API layer itself (credentials, throttling, idempotency, lookups)."""

    status = 400
    code = "bad_request"

    def __init__(self, message, *, field=None, **details):
        self.message = message
        self.field = field
        self.details = details
        super().__init__(message)


class Unauthenticated(ApiError):
    status, code = 401, "unauthenticated"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class IdempotencyConflict(ApiError):
    """The Idempotency-Key was used before with a different request."""

    status, code = 409, "idempotency_conflict"


class Invalid(ApiError):
    status, code = 422, "invalid"


class Throttled(ApiError):
    status, code = 429, "throttled"

    def __init__(self, message, *, retry_after, **details):
        super().__init__(message, retry_after=retry_after, **details)
        self.retry_after = retry_after


# The engine's errors by status; a subclass not listed takes its nearest listed ancestor's.
CASE_STATUS = {
    case_errors.CaseNotFound: 404,
    case_errors.InvalidTransition: 409,
    case_errors.ConcurrentUpdate: 409,
    case_errors.MaterialsIncomplete: 409,
    case_errors.RepeatedCorrection: 409,
    case_errors.OwedMaterialsOutstanding: 409,
    case_errors.NotInstant: 409,
    case_errors.DomainCheckFailed: 409,
    case_errors.AlreadyRated: 409,
    case_errors.FollowUpClosed: 409,
    case_errors.PayerIsApprover: 403,
    case_errors.HandlerIsReviewer: 403,
    case_errors.ChannelNotOffered: 403,
    case_errors.AgentNotAuthorised: 403,
    case_errors.ImmutableRecord: 409,
    case_errors.CaseError: 422,  # bad data, reasons missing, unknown materials, files refused ...
    NamedError: 422,
}
# The engine says concurrent_update; a client retries on the generic word for a stale version.
CODE_RENAMES = {case_errors.ConcurrentUpdate: "conflict"}

_HTTP_CODES = {
    400: ("bad_request", "请求格式不正确，无法解析"),
    401: ("unauthenticated", "请先登录，或在 Authorization 头中提供有效的接口令牌（Bearer）"),
    403: ("forbidden", "无权执行该操作"),
    404: ("not_found", "未找到请求的资源"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("too_large", "请求内容过大：JSON 请求体不超过 2.5 MB，文件请按接口说明以 multipart/form-data 上传"),
    429: ("throttled", "请求过于频繁，请稍后再试"),
}


def body(code, message, field=None, details=None):
    return {"code": code, "message": message, "field": field, "details": details or None}


def _case_error(exc):
    status = next(CASE_STATUS[k] for k in type(exc).__mro__ if k in CASE_STATUS)
    details = dict(exc.details)
    field = details.pop("field", None)
    return status, body(CODE_RENAMES.get(type(exc), exc.code), exc.message, field, details)


# pydantic's error types in Chinese; ctx values (limits) fill the blanks. Anything unlisted: 格式不正确.
_MESSAGES = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文字",
    "string_too_short": "至少{min_length}个字符",
    "string_too_long": "不超过{max_length}个字符",
    "string_pattern_mismatch": "格式不正确",
    "greater_than_equal": "不小于{ge}",
    "greater_than": "应大于{gt}",
    "less_than_equal": "不大于{le}",
    "less_than": "应小于{lt}",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式应为 ISO 8601",
    "dict_type": "应为对象（{{}}）",
    "list_type": "应为数组（[]）",
    "model_type": "应为对象（{{}}）",
    "model_attributes_type": "应为对象（{{}}）",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "extra_forbidden": "不允许该字段",
    "too_long": "项目过多",
    "too_short": "项目过少",
    "union_tag_invalid": "格式不正确",
}


def _message(error):
    kind = str(error.get("type", ""))
    if kind == "value_error":  # our own validators speak Chinese already
        text = str(error.get("msg", ""))
        return text.removeprefix("Value error, ")
    template = _MESSAGES.get(kind, "格式不正确")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return "格式不正确"


def _validation(exc):
    errors = [
        {"loc": [str(p) for p in e.get("loc", ())], "message": _message(e), "type": str(e.get("type", ""))}
        for e in exc.errors
    ]
    # loc is ("body", "payload", "field") or ("header", "Idempotency-Key"): name the last part.
    fields = [e["loc"][-1] for e in errors if e["loc"]]
    where = "、".join(dict.fromkeys(fields)) or "请求"
    first = f"：{errors[0]['message']}" if len(errors) == 1 else ""
    return 422, body("validation", f"请求参数不符合要求：{where}{first}", fields[0] if fields else None,
                     {"errors": errors})


def _http(exc):
    code, message = _HTTP_CODES.get(exc.status_code, ("error", "请求失败"))
    if exc.status_code == 403 and "CSRF" in str(exc):
        code, message = "csrf_failed", "CSRF 校验失败：使用会话登录时请提交 CSRF 令牌，或改用接口令牌"
    return exc.status_code, body(code, message)


def _mapped(exc):
    """(status, body) for a known exception; None for anything else."""
    if isinstance(exc, ApiError):
        return exc.status, body(exc.code, exc.message, exc.field, exc.details)
    if isinstance(exc, NamedError):
        return _case_error(exc)
    if isinstance(exc, NotAllowed):
        return 403, body("not_allowed", str(exc))
    if isinstance(exc, LoginLocked):
        return 429, body("login_locked", str(exc))
    if isinstance(exc, BadCredentials):
        return 401, body("bad_credentials", str(exc))
    if isinstance(exc, (InvalidIdentity, InvalidPhone)):
        return 422, body("invalid_identity", str(exc), exc.field)
    if isinstance(exc, AuthorisationRefused):
        return 422, body("invalid", str(exc), exc.field)
    if isinstance(exc, RegistrationRefused):
        return 422, body("invalid", str(exc), exc.field)
    if isinstance(exc, MoneyError):
        return 422, body("invalid_amount", str(exc), "amount")
    if isinstance(exc, NinjaValidationError):
        return _validation(exc)
    if isinstance(exc, HttpError):
        return _http(exc)
    if isinstance(exc, Http404):
        return 404, body(*_HTTP_CODES[404])
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        return 413, body(*_HTTP_CODES[413])
    if isinstance(exc, MultiPartParserError):
        return 400, body("bad_request", "multipart/form-data 请求格式不正确（缺少 boundary 或内容不完整）")
    return None


def not_found(request, *args, **kwargs):
    """Any path under /api/ that no endpoint answers: the same JSON 404 as a missing record."""
    return JsonResponse(body(*_HTTP_CODES[404]), status=404, json_dumps_params={"ensure_ascii": False})


def install(api):
    """Route every exception an endpoint raises through one handler."""

    def handle(request, exc):
        mapped = _mapped(exc)
        if mapped is None:
            logger.exception("接口内部错误：%s %s", request.method, request.path)
            mapped = 500, body("server_error", "服务器内部错误，请稍后再试；如持续出现请联系经办机构")
        status, content = mapped
        response = api.create_response(request, content, status=status)
        if isinstance(exc, Throttled):
            response["Retry-After"] = str(exc.retry_after)
        return response

    # ninja registers its own handlers for these three; ours must replace them by name.
    for exc_class in (Exception, Http404, HttpError, NinjaValidationError):
        api.add_exception_handler(exc_class, handle)
