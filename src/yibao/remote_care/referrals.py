"""Who may file a referral for a patient (R39: 定点医疗机构出具转诊意见并上传) is the provider register's
answer. That register (providers) imports remote care for its settlement audit (filing_on), so it
hands its answer in at start-up instead of being imported here: the two domains never import each
other both ways."""
from yibao.remote_care.exceptions import NotReferringProvider

_referrer = None


def register_referrer(answer):
    """`answer(applicant)` -> "code name" of the designated medical institution a provider login
    speaks for, or raises NotReferringProvider saying what the register says of it."""
    global _referrer
    _referrer = answer


def referrer_of(applicant):
    if _referrer is None:
        raise NotReferringProvider("定点医药机构登记簿未启用，不能代为申报转诊备案")
    return _referrer(applicant)
