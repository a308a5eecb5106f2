"""The verb table (people.verbs) is the one declaration of the case verbs: policy, the workbench's
case page and the API's office-side routes are built from it."""
import inspect

from django.urls import reverse

from yibao.api.api import api
from yibao.cases import actions
from yibao.cases.states import Action
from yibao.people import policy
from yibao.people.verbs import BY_NAME, VERBS
from yibao.workbench import forms as workbench_forms
from yibao.workbench.views import STEPS


def test_every_verb_names_an_engine_function_and_an_action():
    for verb in VERBS:
        assert verb.action in Action.values, verb.name
        assert inspect.getmodule(verb.function) is actions, verb.engine
        params = inspect.signature(verb.function).parameters
        assert {"channel", "expected_version"} <= set(params), verb.engine


def test_policy_takes_the_verbs_roles_and_labels_from_the_table():
    for verb in VERBS:
        label, roles = policy.ACTIONS[verb.needs]
        if not verb.permission:
            assert (label, roles) == (verb.label, set(verb.roles))
    assert {"view", "follow_up", "dashboard", "administer"} <= set(policy.ACTIONS)


def test_the_workbench_offers_one_step_per_verb_with_its_form():
    assert set(STEPS) == {verb.step_key for verb in VERBS}
    for verb in VERBS:
        assert STEPS[verb.step_key] is verb
        assert issubclass(workbench_forms.STEP_FORMS[verb.form], workbench_forms.StepForm)
        reverse("workbench:case_step", args=["X-1", verb.step_key])


def test_the_api_has_one_route_per_verb_with_a_route():
    paths = api.get_openapi_schema()["paths"]
    routed = [verb for verb in VERBS if verb.route]
    assert {v.name for v in routed} == {"accept", "request_correction", "refuse", "review", "approve", "deny", "pay",
                                        "complete"}
    for verb in routed:
        operation = paths[f"/api/cases/{{receipt_no}}/{verb.route}"]["post"]
        assert operation["summary"] == (verb.summary or verb.button_label)


def test_a_verb_needing_another_verbs_permission_names_one_in_the_table():
    for verb in VERBS:
        if verb.permission:
            assert BY_NAME[verb.permission].permission == ""
