"""Cases of the printed demo accounts themselves: 张演示 (people.demo) has finished cases to rate on
the portal and one in review to follow; the demo employer (达州市演示商贸有限公司) likewise.
Made through the same generator as the rest (yibao.demo.cases), in 达州."""
from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.demo.cases import Maker, Plan
from yibao.demo.recipes import RECIPES
from yibao.enrollment import actions as registers
from yibao.enrollment.models import Employer, Person
from yibao.people.demo import DEMO_APPLICANTS
from yibao.people.models import Applicant, ApplicantKind

# (item code, state to leave it in, rated by the generator?) for the person, then the employer
# (none that would stand in the way of the README's tours: his withdrawal, his 异地备案)
PERSON_CASES = [("insurance-certificate", "completed", False), ("person-info-query", "completed", True),
                ("chronic-disease", "under_review", False)]
EMPLOYER_CASES = [("unit-info-query", "completed", False), ("unit-info-change", "under_review", False)]


def make_own(rng, *, today, since):
    region = Region.objects.filter(code="dazhou").first()
    if region is None:
        return []
    person_row = next(a for a in DEMO_APPLICANTS if a[0] == ApplicantKind.PERSON)
    employer_row = next(a for a in DEMO_APPLICANTS if a[0] == ApplicantKind.EMPLOYER)
    person = Person.objects.filter(id_number=person_row[2]).first()
    employer = Employer.objects.filter(uscc=employer_row[2]).first()
    if employer is None:
        employer = registers.register_employer(region=region, data={
            "uscc": employer_row[2], "name": employer_row[3], "kind": "企业", "legal_representative": "演示法人",
            "address": "达州市通川区演示路1号"}, on=since, actor=None, channel=Channel.SYSTEM)
    maker = Maker(region, rng, today=today, since=since, persons=[person] if person else [], employers=[employer])
    recipes = {r.code: r for r in RECIPES}
    plans = []
    for holder, wanted, kind in ((person, PERSON_CASES, ApplicantKind.PERSON), (employer, EMPLOYER_CASES,
                                                                                 ApplicantKind.EMPLOYER)):
        number = person_row[2] if kind == ApplicantKind.PERSON else employer_row[2]
        applicant = Applicant.objects.filter(id_number=number).first()
        if holder is None or applicant is None:
            continue
        for code, target, rated in wanted:
            if code not in maker.items:
                continue
            _, item = maker.items[code]
            plan = Plan(recipes[code], item, target, maker.first_day(target, item, recipes[code]), rated=rated)
            plan.own = applicant
            maker.make(plan)
            plans.append(plan)
    return plans
